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
/// Packs the three packages (LockContracts.Annotations, LockContracts, LockContracts.Lockdep) once
/// into a temporary folder feed and builds the consumer projects the tests share, each at most once.
/// </summary>
/// <remarks>
/// The packs run with <c>--no-build</c>: Package.Tests references the packing projects, so building
/// the tests built the analyzer, annotations and validator in <see cref="BuildSettings.Configuration"/>,
/// and packing those outputs writes nothing into the repository's bin and obj folders, which other
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
    private readonly Lazy<ConsumerBuild> _violationsWithOlderCompiler;
    private readonly Lazy<ConsumerBuild> _lockdepOnly;
    private readonly Lazy<ConsumerBuild> _lockdepWithAnalyzer;

    public PackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("LockContracts.Package.Tests-").FullName;
        FeedDirectory = Path.Combine(Root, "feed");
        PackagesDirectory = Path.Combine(Root, "packages");

        try
        {
            Annotations = new PackedPackage(PackInto(BuildSettings.AnnotationsPackingProject));
            Analyzer = new PackedPackage(PackInto(BuildSettings.PackingProject));
            Lockdep = new PackedPackage(PackInto(BuildSettings.LockdepPackingProject));
        }
        catch
        {
            Dispose();
            throw;
        }

        _violations = new(() => BuildConsumer("violations", ConsumerSources.Violations, Analyzer));
        _violationsWithEditorConfig = new(() => BuildConsumer(
            "violations-editorconfig", ConsumerSources.Violations, Analyzer, editorConfigRules: "dotnet_diagnostic.LOCK002.severity = none"));
        _violationsWithPragma = new(() => BuildConsumer("violations-pragma", ConsumerSources.ViolationsWithPragma, Analyzer));
        _clean = new(() => BuildConsumer("clean", ConsumerSources.Clean, Analyzer));
        _violationsWithOlderCompiler = new(() => BuildConsumer(
            "violations-older-compiler",
            ConsumerSources.Violations,
            Analyzer,
            compilerToolsetVersion: BuildSettings.CompilerToolsetVersion,
            // RoslynCompilerType=Custom makes the .NET 10 SDK run the toolset's compiler instead of
            // its own; the normal verbosity puts the compiler's command line in the output.
            extraArguments: new[] { "-p:RoslynCompilerType=Custom", "-v:normal" }));
        _lockdepOnly = new(() => BuildConsumer("lockdep-only", ConsumerSources.UsesLockdep, Lockdep));
        _lockdepWithAnalyzer = new(() => BuildConsumer("lockdep-with-analyzer", ConsumerSources.UsesLockdep, Lockdep, Analyzer));
    }

    public string Root { get; }

    public string FeedDirectory { get; }

    public string PackagesDirectory { get; }

    /// <summary>LockContracts.Annotations: the attributes alone.</summary>
    public PackedPackage Annotations { get; }

    /// <summary>LockContracts: the analyzer and its build files, depending on the attributes.</summary>
    public PackedPackage Analyzer { get; }

    /// <summary>LockContracts.Lockdep: the runtime validator, depending on the attributes.</summary>
    public PackedPackage Lockdep { get; }

    public string PackagePath => Analyzer.Path;

    public IReadOnlyList<string> EntryNames => Analyzer.EntryNames;

    public XDocument Nuspec => Analyzer.Nuspec;

    public string PackageId => Analyzer.Id;

    public string PackageVersion => Analyzer.Version;

    /// <summary><see cref="ConsumerSources.Violations"/>, as is.</summary>
    internal ConsumerBuild Violations => _violations.Value;

    /// <summary><see cref="ConsumerSources.Violations"/> with LOCK002 set to none in .editorconfig.</summary>
    internal ConsumerBuild ViolationsWithEditorConfig => _violationsWithEditorConfig.Value;

    /// <summary><see cref="ConsumerSources.ViolationsWithPragma"/>.</summary>
    internal ConsumerBuild ViolationsWithPragma => _violationsWithPragma.Value;

    /// <summary><see cref="ConsumerSources.Clean"/>.</summary>
    internal ConsumerBuild Clean => _clean.Value;

    /// <summary>
    /// <see cref="ConsumerSources.Violations"/> compiled by Microsoft.Net.Compilers.Toolset
    /// <see cref="BuildSettings.CompilerToolsetVersion"/> instead of the SDK's own compiler.
    /// </summary>
    internal ConsumerBuild ViolationsWithOlderCompiler => _violationsWithOlderCompiler.Value;

    /// <summary><see cref="ConsumerSources.UsesLockdep"/> with a reference to LockContracts.Lockdep and no other.</summary>
    internal ConsumerBuild LockdepOnly => _lockdepOnly.Value;

    /// <summary><see cref="ConsumerSources.UsesLockdep"/> with references to LockContracts.Lockdep and LockContracts.</summary>
    internal ConsumerBuild LockdepWithAnalyzer => _lockdepWithAnalyzer.Value;

    internal IEnumerable<ConsumerBuild> AllConsumerBuilds =>
        new[] { Violations, ViolationsWithEditorConfig, ViolationsWithPragma, Clean, ViolationsWithOlderCompiler, LockdepOnly, LockdepWithAnalyzer };

    public byte[] ReadEntry(string name) => Analyzer.ReadEntry(name);

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

    private string PackInto(string project)
    {
        var before = Directory.Exists(FeedDirectory) ? Directory.GetFiles(FeedDirectory, "*.nupkg") : Array.Empty<string>();
        var pack = DotNet.Run(
            new[]
            {
                "pack", project,
                "--configuration", BuildSettings.Configuration,
                "--no-build",
                "--output", FeedDirectory,
                // Keeps the intermediate .nuspec out of the packing project's obj folder.
                $"-p:NuspecOutputPath={DotNet.EscapeProperty(Path.Combine(Root, "nuspec", Path.GetFileNameWithoutExtension(project)) + Path.DirectorySeparatorChar)}",
                "--disable-build-servers", "-nodeReuse:false", "-tl:off", "-v:minimal",
            },
            Path.GetDirectoryName(project)!,
            PackTimeout);
        var packages = (Directory.Exists(FeedDirectory) ? Directory.GetFiles(FeedDirectory, "*.nupkg") : Array.Empty<string>()).Except(before).ToList();
        if (pack.ExitCode != 0 || packages.Count != 1)
        {
            throw new InvalidOperationException($"Expected dotnet pack to put one new .nupkg in {FeedDirectory}, found {packages.Count}.{Environment.NewLine}{pack.Describe()}");
        }
        return packages[0];
    }

    private ConsumerBuild BuildConsumer(
        string name, string source, PackedPackage package, PackedPackage? secondPackage = null,
        string? editorConfigRules = null, string? compilerToolsetVersion = null, IReadOnlyList<string>? extraArguments = null) =>
        ConsumerProject.Build(
            name,
            Path.Combine(Root, "consumers", name),
            source,
            new[] { package, secondPackage }.OfType<PackedPackage>().Select(p => (p.Id, p.Version)).ToList(),
            FeedDirectory,
            PackagesDirectory,
            editorConfigRules,
            compilerToolsetVersion,
            extraArguments);
}

/// <summary>One .nupkg the fixture packed: its entries and its nuspec.</summary>
public sealed class PackedPackage
{
    public PackedPackage(string path)
    {
        Path = path;
        using var archive = ZipFile.OpenRead(path);
        EntryNames = archive.Entries.Select(entry => entry.FullName).ToList();
        var nuspec = archive.Entries.Single(entry => !entry.FullName.Contains('/') && entry.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspec.Open();
        Nuspec = XDocument.Load(stream);
        Id = Metadata("id");
        Version = Metadata("version");
    }

    public string Path { get; }

    public IReadOnlyList<string> EntryNames { get; }

    public XDocument Nuspec { get; }

    public string Id { get; }

    public string Version { get; }

    /// <summary>Every dependency in the nuspec: its group's target framework, id, version range and exclude list.</summary>
    public IReadOnlyList<(string? Framework, string Id, string Version, string? Exclude)> Dependencies =>
        Nuspec.Descendants().Where(element => element.Name.LocalName == "dependency")
            .Select(element => (
                element.Parent?.Attribute("targetFramework")?.Value,
                element.Attribute("id")?.Value ?? "",
                element.Attribute("version")?.Value ?? "",
                element.Attribute("exclude")?.Value))
            .ToList();

    /// <summary>Framework assemblies and references, which would also reach a consumer.</summary>
    public IReadOnlyList<string> FrameworkReferences =>
        Nuspec.Descendants().Where(element => element.Name.LocalName is "frameworkAssembly" or "frameworkReference").Select(element => element.ToString()).ToList();

    public byte[] ReadEntry(string name)
    {
        using var archive = ZipFile.OpenRead(Path);
        using var stream = archive.GetEntry(name)?.Open() ?? throw new FileNotFoundException($"{name} is not in {Path}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private string Metadata(string name) =>
        Nuspec.Descendants().FirstOrDefault(element => element.Name.LocalName == name && element.Parent?.Name.LocalName == "metadata")?.Value
        ?? throw new InvalidDataException($"The nuspec in {Path} has no <{name}>.");
}
