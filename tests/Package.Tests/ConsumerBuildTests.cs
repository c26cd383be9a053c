using System.Text.RegularExpressions;
using Xunit;

namespace LockContracts.Package.Tests;

/// <summary>A project that only adds the package with a PackageReference gets the rules, in its own build.</summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerBuildTests(PackageFixture package)
{
    /// <summary>Default severities from the public contract (design/contracts.md), in SARIF's words.</summary>
    private static readonly Dictionary<string, string> ContractLevels = new()
    {
        ["LOCK001"] = "error",
        ["LOCK002"] = "error",
        ["LOCK003"] = "error",
        ["LOCK004"] = "warning",
        ["LOCK005"] = "warning", // cycles through calls whose target is uncertain (docs/rules/LOCK005.md)
        ["LOCK090"] = "note", // off by default: the lock-order edges, for tools (docs/rules/LOCK090.md)
        ["LOCK101"] = "error",
        ["LOCK102"] = "warning",
        ["LOCK103"] = "warning",
        ["LOCK104"] = "error",
        ["LOCK201"] = "error",
        ["LOCK202"] = "note", // info: cycles past the per-group bound, named (docs/rules/LOCK202.md)
        ["LOCK203"] = "note", // info: cycles not checked live above LockContractsLiveCycleLimit (docs/rules/LOCK203.md)
        ["LOCK204"] = "note", // info: a call's summary stopped at LockContractsMethodsPerSummary (docs/rules/LOCK204.md)
        ["LOCK205"] = "note", // info: a delegate's functions followed only up to a delegate-flow bound (docs/rules/LOCK205.md)
        ["LOCK206"] = "note", // info: a call with more bodies than LockContractsDispatchTargets, not followed (docs/rules/LOCK206.md)
    };

    /// <summary>
    /// Analyzer assembly not loadable, assembly in the analyzers folder with no analyzer (the code
    /// fixes must not be mistaken for one), built against a newer compiler, analyzer threw.
    /// </summary>
    private static readonly string[] AnalyzerFailureIds = { "CS8032", "CS8033", "CS9057", "AD0001" };

    [Fact]
    public void Violations_are_reported_with_their_ids_at_the_offending_lines()
    {
        var build = package.Violations;

        AssertReportedOnceAt(build, "LOCK002", ConsumerSources.AgainstOrderLine);
        AssertReportedOnceAt(build, "LOCK101", ConsumerSources.UnheldCallLine);
        AssertReportedOnceAt(build, "LOCK001", ConsumerSources.CycleLine);
    }

    [Fact]
    public void Error_severity_violation_fails_the_build()
    {
        var build = package.Violations;

        Assert.True(build.Process.ExitCode != 0, "A LOCK error must fail the build.\n" + build.Describe());
        var errors = build.Sarif.Results.Where(result => result.Level == "error" && !result.IsSuppressed).ToList();
        Assert.True(
            errors.Any(result => result.RuleId == "LOCK002") && errors.Any(result => result.RuleId == "LOCK101"),
            "LOCK002 and LOCK101 must be reported as errors.\n" + build.Describe());
        Assert.True(
            errors.All(result => result.RuleId.StartsWith("LOCK", StringComparison.Ordinal)),
            "The build must fail because of the lock violations and nothing else.\n" + build.Describe());

        var consoleErrors = Regex.Matches(build.Process.Output, @"\berror ([A-Z]+[0-9]+)\s*:").Select(match => match.Groups[1].Value).ToHashSet();
        Assert.True(
            consoleErrors.Contains("LOCK002") && consoleErrors.All(id => id.StartsWith("LOCK", StringComparison.Ordinal)),
            "dotnet build must print the LOCK errors, and no other error.\n" + build.Describe());
    }

    [Fact]
    public void Clean_consumer_builds_with_no_lock_diagnostics()
    {
        var build = package.Clean;

        Assert.True(build.Process.ExitCode == 0, "Code that follows its contracts must build.\n" + build.Describe());
        Assert.True(
            !build.Sarif.Results.Any(result => result.RuleId.StartsWith("LOCK", StringComparison.Ordinal)),
            "No LOCK diagnostic is expected in code that follows its contracts.\n" + build.Describe());
        Assert.True(
            !build.Sarif.Results.Any(result => result.Level is "error" or "warning" && !result.IsSuppressed),
            "The clean consumer must build without warnings.\n" + build.Describe());
    }

    [Fact]
    public void Analyzer_is_loaded_by_the_consumer_compiler_with_the_contract_severities()
    {
        // The clean build reports nothing, so only the rule descriptors of the loaded analyzers
        // show that the package's analyzer took part in the compilation at all.
        var build = package.Clean;
        var lockRules = build.Sarif.Rules.Where(rule => rule.Id.StartsWith("LOCK", StringComparison.Ordinal)).ToList();
        var summary = "LOCK rules in the SARIF log: " + string.Join(", ", lockRules.Select(rule => $"{rule.Id}={rule.DefaultLevel}")) + "\n" + build.Describe();

        Assert.True(lockRules.Any(rule => rule.Id == "LOCK002") && lockRules.Any(rule => rule.Id == "LOCK101"), summary);
        Assert.All(lockRules, rule =>
        {
            Assert.True(ContractLevels.TryGetValue(rule.Id, out var level), $"{rule.Id} is not in the public contract.\n{summary}");
            Assert.True(level == rule.DefaultLevel, $"{rule.Id} defaults to {rule.DefaultLevel}, the contract says {level}.\n{summary}");
            Assert.True(
                rule.HelpUri?.EndsWith($"/docs/rules/{rule.Id}.md", StringComparison.Ordinal) == true,
                $"{rule.Id} links to '{rule.HelpUri}', not to its docs/rules page.\n{summary}");
        });
    }

    [Fact]
    public void EditorConfig_severity_none_silences_LOCK002_and_nothing_else()
    {
        Assert.True(package.Violations.Sarif.Reported("LOCK002").Any(), "Without the .editorconfig line the same source must report LOCK002.\n" + package.Violations.Describe());
        var build = package.ViolationsWithEditorConfig;

        Assert.True(!build.Sarif.Results.Any(result => result.RuleId == "LOCK002"), "dotnet_diagnostic.LOCK002.severity = none must remove LOCK002.\n" + build.Describe());
        AssertReportedOnceAt(build, "LOCK101", ConsumerSources.UnheldCallLine);
        Assert.True(build.Process.ExitCode != 0, "LOCK101 is still an error and must still fail the build.\n" + build.Describe());
    }

    [Fact]
    public void Pragma_warning_disable_silences_LOCK101_at_that_call()
    {
        Assert.True(package.Violations.Sarif.Reported("LOCK101").Any(), "Without the pragma the same source must report LOCK101.\n" + package.Violations.Describe());
        var build = package.ViolationsWithPragma;

        Assert.True(!build.Sarif.Reported("LOCK101").Any(), "#pragma warning disable LOCK101 must silence LOCK101.\n" + build.Describe());
        // The compiler logs what a pragma suppressed: this tells the pragma apart from a rule that stopped firing.
        Assert.True(
            build.Sarif.Results.Any(result => result.RuleId == "LOCK101" && result.SuppressionKinds.Contains("inSource")),
            "LOCK101 must still be found under the pragma, and logged as suppressed in source.\n" + build.Describe());
        AssertReportedOnceAt(build, "LOCK002", ConsumerSources.AgainstOrderLine);
    }

    [Fact]
    public void No_consumer_build_shows_an_analyzer_load_failure_or_crash()
    {
        foreach (var build in package.AllConsumerBuilds)
        {
            foreach (var id in AnalyzerFailureIds)
            {
                Assert.True(!build.Process.Output.Contains(id, StringComparison.Ordinal), $"{id} in the output of '{build.Name}'.\n{build.Describe()}");
                Assert.True(!build.Sarif.Results.Any(result => result.RuleId == id), $"{id} in the SARIF log of '{build.Name}'.\n{build.Describe()}");
            }
        }
    }

    private static void AssertReportedOnceAt(ConsumerBuild build, string id, string lineText)
    {
        var reported = build.Sarif.Reported(id).ToList();
        Assert.True(reported.Count == 1, $"Expected {id} once, found {reported.Count}.\n{build.Describe()}");
        Assert.True(
            build.LineOf(reported[0]).Contains(lineText, StringComparison.Ordinal),
            $"{id} must point at the line with '{lineText}', points at '{build.LineOf(reported[0]).Trim()}'.\n{build.Describe()}");
    }
}
