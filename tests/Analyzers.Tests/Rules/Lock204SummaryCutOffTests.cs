using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>LOCK204: a call made under a lock whose summary stopped at LockContractsMethodsPerSummary says so; one that did not stays silent.</summary>
public class Lock204SummaryCutOffTests
{
    private const string Chain = """
        class Chain
        {
            readonly object _gate = new();
            readonly object _inner = new();
            public void Hold() { lock (_gate) { {|#0:First()|}; } }
            public void Loose() { First(); }
            void First() => Second();
            void Second() => Third();
            void Third() { lock (_inner) { } }
        }
        """;

    private static Dictionary<string, string> PerSummary(string bound) => new() { [Analyzers.Rules.LockStateAnalyzer.MethodsPerSummaryProperty] = bound };

    [Fact]
    public async Task ACallUnderALockWhoseSummaryStoppedSaysSo()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Chain, globalOptions: PerSummary("2"),
            expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK204").WithLocation(0) });
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Equal(
            "The locks this call may take were followed through 2 methods, the bound of one summary (MSBuild property LockContractsMethodsPerSummary, " +
            "0 for no bound), and no further, from Chain.First; orders, cycles and self-deadlocks through the methods past it are not checked here",
            diagnostic.GetMessage());
    }

    /// <summary>What lies past the bound is what goes unchecked: with the whole walk, the cycle through Third shows.</summary>
    [Theory]
    [InlineData("2", false)]
    [InlineData("3", true)]
    [InlineData("0", true)]
    [InlineData(null, true)]
    public Task TheCycleBehindTheBoundShowsOnceTheWalkReachesIt(string? bound, bool cycle) => LockAnalyzerVerifier.VerifyAsync(
        Chain.Replace("void Third() { lock (_inner) { } }", "void Third() { lock (_inner) { } }\n    void Back() { lock (_inner) { lock ({|#1:_gate|}) { } } }"),
        globalOptions: bound is null ? null : PerSummary(bound),
        expected: cycle
            ? new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) }
            : new[] { LockAnalyzerVerifier.Diagnostic("LOCK204").WithLocation(0) });
}
