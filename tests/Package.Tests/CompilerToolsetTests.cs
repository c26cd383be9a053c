using Xunit;

namespace LockContracts.Package.Tests;

/// <summary>
/// A consumer on an older compiler than the SDK's: Microsoft.Net.Compilers.Toolset at the oldest
/// version the feed serves, which the .NET 10 SDK only runs with <c>-p:RoslynCompilerType=Custom</c>
/// (without it, it silently keeps its own). The analyzer is built against Roslyn 4.8.0, so any
/// compiler from 4.8 on must load it and report what the SDK's compiler reports.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CompilerToolsetTests(PackageFixture package)
{
    /// <summary>Analyzer assembly not loadable or not an analyzer, built against a newer compiler, analyzer threw.</summary>
    private static readonly string[] AnalyzerFailureIds = { "CS8032", "CS8033", "CS9057", "AD0001" };

    [Fact]
    public void The_consumer_is_compiled_by_the_toolset_compiler_not_the_SDK_one()
    {
        var build = package.ViolationsWithOlderCompiler;
        var sdkBuild = package.Violations;
        var version = BuildSettings.CompilerToolsetVersion;

        // The compiler names itself in the log it writes.
        Assert.True(
            build.Sarif.CompilerVersions.Count > 0 && build.Sarif.CompilerVersions.All(v => v == version),
            $"The error log was written by compiler {string.Join(", ", build.Sarif.CompilerVersions)}, not {version}.\n{build.Describe()}");
        var sdkVersion = Assert.Single(sdkBuild.Sarif.CompilerVersions.Distinct());
        Assert.True(sdkVersion != version, $"The SDK's own compiler is {sdkVersion} too: this test could not tell the two apart.");

        // And the build ran it from the toolset package, restored into the consumer's package folder.
        var csc = Path.Combine(package.PackagesDirectory, "microsoft.net.compilers.toolset", version, "tasks", "netcore", "bincore", "csc.dll");
        Assert.True(build.Process.Output.Contains(csc, StringComparison.Ordinal), $"The build did not run {csc}.\n{build.Describe()}");
    }

    [Fact]
    public void The_toolset_compiler_reports_the_same_diagnostics_as_the_SDK_compiler()
    {
        var build = package.ViolationsWithOlderCompiler;
        var sdkBuild = package.Violations;

        var expected = LockResults(sdkBuild);
        var actual = LockResults(build);
        Assert.True(expected.Count >= 3, "The SDK build must report the violations to compare with.\n" + sdkBuild.Describe());
        Assert.True(
            expected.SequenceEqual(actual),
            $"SDK compiler:\n  {string.Join("\n  ", expected)}\nToolset compiler:\n  {string.Join("\n  ", actual)}\n{build.Describe()}");
        Assert.True(build.Process.ExitCode != 0, "LOCK errors must fail the build on the older compiler too.\n" + build.Describe());
    }

    [Fact]
    public void The_toolset_compiler_loads_the_analyzer_without_a_failure()
    {
        var build = package.ViolationsWithOlderCompiler;

        foreach (var id in AnalyzerFailureIds)
        {
            Assert.True(!build.Process.Output.Contains(id, StringComparison.Ordinal), $"{id} in the output.\n{build.Describe()}");
            Assert.True(!build.Sarif.Results.Any(result => result.RuleId == id), $"{id} in the SARIF log.\n{build.Describe()}");
        }
        Assert.True(build.Sarif.Rules.Any(rule => rule.Id == "LOCK001"), "The analyzer's rules are not in the log: it was not loaded.\n" + build.Describe());
    }

    private static List<string> LockResults(ConsumerBuild build) =>
        build.Sarif.Results
            .Where(result => result.RuleId.StartsWith("LOCK", StringComparison.Ordinal))
            .Select(result => $"{result.RuleId} {result.Level}{(result.IsSuppressed ? " suppressed" : "")} {Path.GetFileName(result.File)}({result.StartLine}): {result.Message}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
