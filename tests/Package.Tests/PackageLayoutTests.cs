using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace LockContracts.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackageFixture package)
{
    private const string AnalyzerFolder = "analyzers/dotnet/cs/";

    [Fact]
    public void Analyzer_and_code_fixes_are_under_analyzers_dotnet_cs_and_annotations_under_lib_netstandard2_0()
    {
        var payload = package.EntryNames
            .Where(name => !IsPackageMetadata(name))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            new[]
            {
                AnalyzerFolder + "LockContracts.Analyzers.dll",
                AnalyzerFolder + "LockContracts.CodeFixes.dll",
                "build/LockContracts.props",
                "buildTransitive/LockContracts.props",
                "lib/netstandard2.0/LockContracts.Annotations.dll",
                "lib/netstandard2.0/LockContracts.Annotations.xml",
            },
            payload);
    }

    [Fact]
    public void Build_props_tell_the_analyzer_how_to_report_cycles()
    {
        var props = System.Text.Encoding.UTF8.GetString(package.ReadEntry("build/LockContracts.props"));
        Assert.Contains("<CompilerVisibleProperty Include=\"LockContractsCycleReporting\" />", props);
        Assert.Contains("'$(DesignTimeBuild)' == 'true'\">live<", props);
        Assert.Contains(">build</LockContractsCycleReporting>", props);
    }

    [Fact]
    public void Package_is_LockContracts_and_depends_on_nothing()
    {
        Assert.Equal("LockContracts", package.PackageId);
        Assert.Equal($"LockContracts.{package.PackageVersion}.nupkg", Path.GetFileName(package.PackagePath));
        var dependencies = package.Nuspec.Descendants()
            .Where(element => element.Name.LocalName is "dependency" or "frameworkAssembly" or "frameworkReference")
            .Select(element => element.ToString())
            .ToList();
        Assert.True(dependencies.Count == 0, "A consumer must not inherit any dependency, least of all Microsoft.CodeAnalysis:\n" + string.Join("\n", dependencies));
    }

    [Fact]
    public void Analyzer_assemblies_are_built_against_Roslyn_4_8_or_older_so_the_NET_8_SDK_can_load_them()
    {
        var analyzerAssemblies = package.EntryNames.Where(name => name.StartsWith(AnalyzerFolder, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(analyzerAssemblies);
        foreach (var entry in analyzerAssemblies)
        {
            using var reader = new PEReader(new MemoryStream(package.ReadEntry(entry)));
            var metadata = reader.GetMetadataReader();
            var roslyn = metadata.AssemblyReferences
                .Select(handle => metadata.GetAssemblyReference(handle))
                .Select(reference => (Name: metadata.GetString(reference.Name), reference.Version))
                .Where(reference => reference.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                .ToList();

            Assert.True(roslyn.Count > 0, $"{entry} does not reference Roslyn; it is not an analyzer assembly.");
            Assert.All(roslyn, reference => Assert.True(
                reference.Version <= new Version(4, 8, 0, 0),
                $"{entry} references {reference.Name} {reference.Version}, newer than 4.8.0; compilers before it refuse it (CS9057)."));
        }
    }

    private static bool IsPackageMetadata(string entry) =>
        entry.StartsWith("_rels/", StringComparison.Ordinal)
        || entry.StartsWith("package/", StringComparison.Ordinal)
        || entry == "[Content_Types].xml"
        || entry == "README.md"
        || (!entry.Contains('/') && entry.EndsWith(".nuspec", StringComparison.Ordinal));
}
