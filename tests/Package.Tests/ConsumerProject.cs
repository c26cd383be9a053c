using System.Security;
using System.Text;

namespace LockContracts.Package.Tests;

/// <summary>The outcome of one <c>dotnet build</c> of a throwaway consumer project.</summary>
internal sealed class ConsumerBuild
{
    private readonly SarifLog? _sarif;

    public ConsumerBuild(string name, string directory, string source, string sarifPath, ProcessResult process)
    {
        Name = name;
        Directory = directory;
        Source = source;
        SarifPath = sarifPath;
        Process = process;
        _sarif = File.Exists(sarifPath) ? SarifLog.Read(sarifPath) : null;
    }

    public string Name { get; }

    /// <summary>The consumer's project folder.</summary>
    public string Directory { get; }

    /// <summary>What restore resolved for the consumer: obj/project.assets.json.</summary>
    public string AssetsFilePath => Path.Combine(Directory, "obj", "project.assets.json");

    public string Source { get; }

    public string SarifPath { get; }

    public ProcessResult Process { get; }

    /// <summary>The compiler's error log; a build that never reached the compiler fails the test here, with its output.</summary>
    public SarifLog Sarif => _sarif ?? throw new InvalidOperationException($"The compiler wrote no error log at {SarifPath}.{Environment.NewLine}{Describe()}");

    /// <summary>The text of the line in <see cref="ConsumerProject.SourceFileName"/> a result points at; empty for any other place.</summary>
    public string LineOf(SarifResult result)
    {
        var lines = Source.Split('\n');
        return Path.GetFileName(result.File) == ConsumerProject.SourceFileName && result.StartLine is int line && line >= 1 && line <= lines.Length
            ? lines[line - 1].TrimEnd('\r')
            : "";
    }

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"Consumer '{Name}':");
        text.AppendLine(Process.Describe());
        if (_sarif is null)
        {
            text.AppendLine("(no SARIF log)");
        }
        else
        {
            text.AppendLine($"SARIF results ({_sarif.Results.Count}):");
            foreach (var result in _sarif.Results)
            {
                text.AppendLine($"  {result}    | {LineOf(result).Trim()}");
            }
        }
        return text.ToString();
    }
}

/// <summary>
/// Writes a consumer the way a user would have one: a plain SDK project outside this repository
/// that adds the package with a PackageReference and restores it from a feed.
/// </summary>
internal static class ConsumerProject
{
    public const string SourceFileName = "Ledger.cs";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    public static ConsumerBuild Build(
        string name,
        string directory,
        string source,
        IReadOnlyList<(string Id, string Version)> packages,
        string feedDirectory,
        string packagesDirectory,
        string? editorConfigRules = null,
        string? compilerToolsetVersion = null,
        IReadOnlyList<string>? extraArguments = null)
    {
        Directory.CreateDirectory(directory);

        // Empty files stop MSBuild's upward search, so nothing above the temp folder (a stray
        // Directory.Build.props, central package management) leaks into what the user would see.
        foreach (var guard in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(directory, guard), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(directory, ".editorconfig"), "root = true\n" + (editorConfigRules is null ? "" : $"\n[*.cs]\n{editorConfigRules}\n"));

        // Only the feed holding the packages under test: the machine's sources, source mappings and
        // package cache must not be able to supply a LockContracts package (or anything else). A
        // consumer that builds with the compiler toolset gets that one package from the folder
        // Package.Tests restored it into, and nothing else from there.
        var toolsetSource = compilerToolsetVersion is null ? "" : $"""

                <add key="compiler-toolset" value="{SecurityElement.Escape(BuildSettings.NuGetPackageRoot)}" />
            """;
        var toolsetMapping = compilerToolsetVersion is null ? "" : """

                <packageSource key="compiler-toolset">
                  <package pattern="Microsoft.Net.Compilers.Toolset" />
                </packageSource>
            """;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(packagesDirectory)}" />
              </config>
              <packageSources>
                <clear />
                <add key="package-under-test" value="{SecurityElement.Escape(feedDirectory)}" />{toolsetSource}
              </packageSources>
              <packageSourceMapping>
                <clear />
                <packageSource key="package-under-test">
                  <package pattern="*" />
                </packageSource>{toolsetMapping}
              </packageSourceMapping>
              <auditSources>
                <clear />
              </auditSources>
              <fallbackPackageFolders>
                <clear />
              </fallbackPackageFolders>
            </configuration>

            """);

        var references = string.Join(Environment.NewLine, packages.Select(package =>
            $"""    <PackageReference Include="{SecurityElement.Escape(package.Id)}" Version="{SecurityElement.Escape(package.Version)}" />"""));
        if (compilerToolsetVersion is not null)
        {
            references += Environment.NewLine +
                $"""    <PackageReference Include="Microsoft.Net.Compilers.Toolset" Version="{SecurityElement.Escape(compilerToolsetVersion)}" PrivateAssets="all" />""";
        }
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>

            """);

        File.WriteAllText(Path.Combine(directory, SourceFileName), source);

        var sarifPath = Path.Combine(directory, "build.sarif");
        var process = DotNet.Run(
            new[]
            {
                "build", Path.Combine(directory, "Consumer.csproj"),
                "--disable-build-servers", "-nodeReuse:false", "-tl:off", "-v:minimal",
                // The comma in "file,version=2.1" would end the -p switch's value unescaped.
                $"-p:ErrorLog={DotNet.EscapeProperty(sarifPath)}%2Cversion=2.1",
            }.Concat(extraArguments ?? Array.Empty<string>()).ToArray(),
            directory,
            BuildTimeout,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = packagesDirectory });

        return new ConsumerBuild(name, directory, source, sarifPath, process);
    }
}
