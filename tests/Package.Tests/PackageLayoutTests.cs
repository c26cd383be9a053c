using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace LockContracts.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackageFixture package)
{
    private const string AnalyzerFolder = "analyzers/dotnet/cs/";

    [Fact]
    public void Analyzer_and_code_fixes_are_under_analyzers_dotnet_cs_with_the_build_props()
    {
        Assert.Equal(
            new[]
            {
                AnalyzerFolder + "LockContracts.Analyzers.dll",
                AnalyzerFolder + "LockContracts.CodeFixes.dll",
                "build/LockContracts.props",
                "buildTransitive/LockContracts.props",
                // No assembly to compile against (the attributes come with the dependency), but netstandard2.0 all the same.
                "lib/netstandard2.0/_._",
            },
            Payload(package.Analyzer));
    }

    [Fact]
    public void Annotations_package_is_the_attributes_alone_under_lib_netstandard2_0()
    {
        Assert.Equal("LockContracts.Annotations", package.Annotations.Id);
        Assert.Equal(
            new[] { "lib/netstandard2.0/LockContracts.Annotations.dll", "lib/netstandard2.0/LockContracts.Annotations.xml" },
            Payload(package.Annotations));
        Assert.Empty(package.Annotations.Dependencies);
        Assert.Empty(package.Annotations.FrameworkReferences);
    }

    [Fact]
    public void Lockdep_package_is_the_validator_per_framework_and_depends_on_the_attributes_only()
    {
        Assert.Equal("LockContracts.Lockdep", package.Lockdep.Id);
        Assert.Equal(
            new[]
            {
                "lib/net10.0/LockContracts.Lockdep.dll",
                "lib/net10.0/LockContracts.Lockdep.xml",
                "lib/net8.0/LockContracts.Lockdep.dll",
                "lib/net8.0/LockContracts.Lockdep.xml",
            },
            Payload(package.Lockdep));
        // Not on LockContracts: that would bring the analyzer and its build files into every project
        // using the validator, whatever a dependency's exclude says (see LockdepPackageTests).
        Assert.Equal(
            new[] { ("net10.0", "LockContracts.Annotations", package.Annotations.Version), ("net8.0", "LockContracts.Annotations", package.Annotations.Version) },
            package.Lockdep.Dependencies.Select(d => (d.Framework ?? "", d.Id, d.Version)).Order().ToArray());
        Assert.Empty(package.Lockdep.FrameworkReferences);
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
    public void Package_is_LockContracts_and_depends_on_the_attributes_only()
    {
        Assert.Equal("LockContracts", package.PackageId);
        Assert.Equal($"LockContracts.{package.PackageVersion}.nupkg", Path.GetFileName(package.PackagePath));
        var dependencies = package.Analyzer.Dependencies;
        var summary = "A consumer must inherit nothing but the attributes, least of all Microsoft.CodeAnalysis:\n" +
            string.Join("\n", dependencies.Select(d => $"{d.Framework}: {d.Id} {d.Version} exclude={d.Exclude}").Concat(package.Analyzer.FrameworkReferences));
        Assert.True(
            dependencies.Count == 1 && dependencies[0].Id == "LockContracts.Annotations" && dependencies[0].Version == package.PackageVersion
                && package.Analyzer.FrameworkReferences.Count == 0,
            summary);
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

    private static List<string> Payload(PackedPackage packed) =>
        packed.EntryNames.Where(name => !IsPackageMetadata(name)).Order(StringComparer.Ordinal).ToList();

    private static bool IsPackageMetadata(string entry) =>
        entry.StartsWith("_rels/", StringComparison.Ordinal)
        || entry.StartsWith("package/", StringComparison.Ordinal)
        || entry == "[Content_Types].xml"
        || entry == "README.md"
        || (!entry.Contains('/') && entry.EndsWith(".nuspec", StringComparison.Ordinal));
}
