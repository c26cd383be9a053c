using System.Text.Json;
using Xunit;

namespace LockContracts.Package.Tests;

/// <summary>
/// What a project gets from LockContracts.Lockdep: the validator and the attributes, never the
/// analyzer or its build files, unless it references LockContracts as well (see the package's README).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class LockdepPackageTests(PackageFixture package)
{
    [Fact]
    public void Lockdep_alone_restores_the_validator_and_the_attributes_and_nothing_else()
    {
        var build = package.LockdepOnly;
        var (libraries, targets) = ReadAssets(build);

        Assert.Equal(
            new[] { $"{package.Annotations.Id}/{package.Annotations.Version}", $"{package.Lockdep.Id}/{package.Lockdep.Version}" }
                .Order(StringComparer.Ordinal),
            libraries);
        var target = targets["net10.0"];
        Assert.Equal(new[] { "lib/netstandard2.0/LockContracts.Annotations.dll" }, target[package.Annotations.Id].Compile);
        Assert.Equal(new[] { "lib/net10.0/LockContracts.Lockdep.dll" }, target[package.Lockdep.Id].Compile);
        Assert.All(target, library => Assert.True(
            library.Value.OtherAssets.Count == 0,
            $"{library.Key} brings {string.Join(", ", library.Value.OtherAssets)} into the build.\n{build.Describe()}"));
    }

    [Fact]
    public void Lockdep_alone_compiles_code_that_names_its_locks_and_runs_no_analyzer()
    {
        var build = package.LockdepOnly;

        // [Lock], [LockOrder] and CheckedLock resolve: the attributes came with the validator.
        Assert.True(build.Process.ExitCode == 0, "Code using the validator and the attributes must build.\n" + build.Describe());
        // The source takes two locks against the declared order; only the analyzer would say so.
        Assert.True(
            !build.Sarif.Rules.Any(rule => rule.Id.StartsWith("LOCK", StringComparison.Ordinal)) && !build.Sarif.Results.Any(result => result.RuleId.StartsWith("LOCK", StringComparison.Ordinal)),
            "The LockContracts analyzer took part in a build that references only LockContracts.Lockdep.\n" + build.Describe());
        Assert.True(
            !File.ReadAllText(Path.Combine(build.Directory, "obj", "Consumer.csproj.nuget.g.props")).Contains("LockContracts.props", StringComparison.Ordinal),
            "The LockContracts build props were imported.\n" + build.Describe());
    }

    [Fact]
    public void Lockdep_with_LockContracts_gets_the_analyzer_which_reads_the_validators_contracts()
    {
        var build = package.LockdepWithAnalyzer;
        var (libraries, _) = ReadAssets(build);

        Assert.Equal(
            new[] { $"{package.Analyzer.Id}/{package.Analyzer.Version}", $"{package.Annotations.Id}/{package.Annotations.Version}", $"{package.Lockdep.Id}/{package.Lockdep.Version}" }
                .Order(StringComparer.Ordinal),
            libraries);
        // EnterScope carries [Acquires] and the scope's Dispose [Releases]: the nested acquisition
        // against the declared order is found in the package's metadata, not in source.
        var reported = build.Sarif.Reported("LOCK002").ToList();
        Assert.True(reported.Count == 1, $"Expected LOCK002 once, found {reported.Count}.\n{build.Describe()}");
        Assert.Contains(ConsumerSources.LockdepAgainstOrderLine, build.LineOf(reported[0]), StringComparison.Ordinal);
        Assert.True(
            build.Sarif.Results.Where(result => result.Level is "error" or "warning" && !result.IsSuppressed).All(result => result.RuleId == "LOCK002"),
            "Nothing but the LOCK002 is expected (one copy of the attributes: no CS1704 or CS0433).\n" + build.Describe());
    }

    private static (List<string> Libraries, Dictionary<string, Dictionary<string, (List<string> Compile, List<string> OtherAssets)>> Targets) ReadAssets(ConsumerBuild build)
    {
        Assert.True(File.Exists(build.AssetsFilePath), "Restore wrote no assets file.\n" + build.Describe());
        using var assets = JsonDocument.Parse(File.ReadAllText(build.AssetsFilePath));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name).Order(StringComparer.Ordinal).ToList();
        var targets = new Dictionary<string, Dictionary<string, (List<string>, List<string>)>>();
        foreach (var target in assets.RootElement.GetProperty("targets").EnumerateObject())
        {
            targets[target.Name] = target.Value.EnumerateObject().ToDictionary(
                library => library.Name.Split('/')[0],
                library => (
                    library.Value.TryGetProperty("compile", out var compile) ? compile.EnumerateObject().Select(item => item.Name).ToList() : new List<string>(),
                    // Anything that reaches the build beyond compile and runtime assemblies: build and
                    // buildTransitive files, content, native assets, framework references.
                    library.Value.EnumerateObject()
                        .Where(asset => asset.Name is not ("type" or "dependencies" or "compile" or "runtime"))
                        .Select(asset => $"{asset.Name}: {asset.Value}")
                        .ToList()));
        }
        return (libraries, targets);
    }
}
