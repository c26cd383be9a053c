using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace LockContracts.Package.Tests;

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "LockContracts package";
}

/// <summary>
/// Packs LockContracts once into a temporary folder feed and builds the consumer projects the
/// tests share, each at most once.
/// </summary>
/// <remarks>
/// The pack runs with <c>--no-build</c>: Package.Tests references the packing project, so building
/// the tests built the analyzer and annotations in <see cref="BuildSettings.Configuration"/>, and
/// packing those outputs writes nothing into the repository's bin and obj folders, which other
/// test projects of the same <c>dotnet test</c> run may be reading. The version is left as the
/// repository sets it; the consumers restore into a package folder of their own that starts
/// empty, so no earlier package with the same version can be picked up instead.
/// </remarks>
public sealed class PackageFixture : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    private readonly Lazy<ConsumerBuild> _violations;
    private readonly Lazy<ConsumerBuild> _violationsWithEditorConfig;
    private readonly Lazy<ConsumerBuild> _violationsWithPragma;
    private readonly Lazy<ConsumerBuild> _clean;

    public PackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("LockContracts.Package.Tests-").FullName;
        FeedDirectory = Path.Combine(Root, "feed");
        PackagesDirectory = Path.Combine(Root, "packages");

        try
        {
            PackagePath = PackInto(FeedDirectory);
        }
        catch
        {
            Dispose();
            throw;
        }

        using (var archive = ZipFile.OpenRead(PackagePath))
        {
            EntryNames = archive.Entries.Select(entry => entry.FullName).ToList();
            var nuspec = archive.Entries.Single(entry => !entry.FullName.Contains('/') && entry.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
            using var stream = nuspec.Open();
            Nuspec = XDocument.Load(stream);
        }
        PackageId = NuspecMetadata("id");
        PackageVersion = NuspecMetadata("version");

        _violations = new(() => BuildConsumer("violations", ConsumerSources.Violations));
        _violationsWithEditorConfig = new(() => BuildConsumer(
            "violations-editorconfig", ConsumerSources.Violations, "dotnet_diagnostic.LOCK002.severity = none"));
        _violationsWithPragma = new(() => BuildConsumer("violations-pragma", ConsumerSources.ViolationsWithPragma));
        _clean = new(() => BuildConsumer("clean", ConsumerSources.Clean));
    }

    public string Root { get; }

    public string FeedDirectory { get; }

    public string PackagesDirectory { get; }

    public string PackagePath { get; }

    public IReadOnlyList<string> EntryNames { get; }

    public XDocument Nuspec { get; }

    public string PackageId { get; }

    public string PackageVersion { get; }

    /// <summary><see cref="ConsumerSources.Violations"/>, as is.</summary>
    internal ConsumerBuild Violations => _violations.Value;

    /// <summary><see cref="ConsumerSources.Violations"/> with LOCK002 set to none in .editorconfig.</summary>
    internal ConsumerBuild ViolationsWithEditorConfig => _violationsWithEditorConfig.Value;

    /// <summary><see cref="ConsumerSources.ViolationsWithPragma"/>.</summary>
    internal ConsumerBuild ViolationsWithPragma => _violationsWithPragma.Value;

    /// <summary><see cref="ConsumerSources.Clean"/>.</summary>
    internal ConsumerBuild Clean => _clean.Value;

    internal IEnumerable<ConsumerBuild> AllConsumerBuilds => new[] { Violations, ViolationsWithEditorConfig, ViolationsWithPragma, Clean };

    public byte[] ReadEntry(string name)
    {
        using var archive = ZipFile.OpenRead(PackagePath);
        using var stream = archive.GetEntry(name)?.Open() ?? throw new FileNotFoundException($"{name} is not in {PackagePath}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test run over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string PackInto(string feedDirectory)
    {
        var pack = DotNet.Run(
            new[]
            {
                "pack", BuildSettings.PackingProject,
                "--configuration", BuildSettings.Configuration,
                "--no-build",
                "--output", feedDirectory,
                // Keeps the intermediate .nuspec out of the packing project's obj folder.
                $"-p:NuspecOutputPath={DotNet.EscapeProperty(Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar)}",
                "--disable-build-servers", "-nodeReuse:false", "-tl:off", "-v:minimal",
            },
            Path.GetDirectoryName(BuildSettings.PackingProject)!,
            PackTimeout);
        var packages = Directory.Exists(feedDirectory) ? Directory.GetFiles(feedDirectory, "*.nupkg") : Array.Empty<string>();
        if (pack.ExitCode != 0 || packages.Length != 1)
        {
            throw new InvalidOperationException($"Expected dotnet pack to put one .nupkg in {feedDirectory}, found {packages.Length}.{Environment.NewLine}{pack.Describe()}");
        }
        return packages[0];
    }

    private ConsumerBuild BuildConsumer(string name, string source, string? editorConfigRules = null) =>
        ConsumerProject.Build(
            name,
            Path.Combine(Root, "consumers", name),
            source,
            PackageId,
            PackageVersion,
            FeedDirectory,
            PackagesDirectory,
            editorConfigRules);

    private string NuspecMetadata(string name) =>
        Nuspec.Descendants().FirstOrDefault(element => element.Name.LocalName == name && element.Parent?.Name.LocalName == "metadata")?.Value
        ?? throw new InvalidDataException($"The nuspec in {PackagePath} has no <{name}>.");
}
