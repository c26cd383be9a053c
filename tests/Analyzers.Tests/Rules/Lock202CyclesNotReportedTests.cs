using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>
/// LOCK202: a group of lock classes that reach each other reports at most LockContractsCyclesPerGroup
/// cycles; the rest are named in one info diagnostic, never dropped. Both modes report the same.
/// </summary>
public class Lock202CyclesNotReportedTests
{
    /// <summary>Two cycles in one group of three classes: _a and _b both ways, _b and _c both ways.</summary>
    private const string Hub = """
        class Hub
        {
            readonly object _a = new(), _b = new(), _c = new();
            void One() { lock (_a) { lock ({|#0:_b|}) { } } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
            void Three() { lock (_b) { lock ({|#2:_c|}) { } } }
            void Four() { lock (_c) { lock ({|#3:_b|}) { } } }
        }
        """;

    private static Dictionary<string, string> PerGroup(string bound) => new() { [Analyzers.Rules.LockStateAnalyzer.CyclesPerGroupProperty] = bound };

    [Fact]
    public async Task TheCyclesPastTheBoundAreNamedInOneDiagnostic()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Hub, globalOptions: PerGroup("1"), expected: new[]
        {
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1),
            LockAnalyzerVerifier.Diagnostic("LOCK202").WithLocation(2),
        });
        var notice = Assert.Single(diagnostics, d => d.Id == "LOCK202");
        Assert.Equal(DiagnosticSeverity.Info, notice.Severity);
        Assert.Equal(
            "1 more lock-order cycles among the lock classes Hub._a, Hub._b, Hub._c are not reported as LOCK001 or LOCK005: at most 1 are reported " +
            "per group of classes that reach each other (MSBuild property LockContractsCyclesPerGroup, 0 for no bound); not reported: Hub._b → Hub._c → Hub._b",
            notice.GetMessage());
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData(null)]
    public Task UnderTheBoundEveryCycleIsReported(string? bound) => LockAnalyzerVerifier.VerifyAsync(
        Hub, globalOptions: bound is null ? null : PerGroup(bound), expected: new[]
        {
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1),
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(2).WithLocation(3),
        });

    /// <summary>The bound is per group: two separate pairs of classes each report their cycle under a bound of one.</summary>
    [Fact]
    public Task TheBoundIsPerGroup() => LockAnalyzerVerifier.VerifyAsync("""
        class Hub
        {
            readonly object _a = new(), _b = new(), _c = new(), _d = new();
            void One() { lock (_a) { lock ({|#0:_b|}) { } } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
            void Three() { lock (_c) { lock ({|#2:_d|}) { } } }
            void Four() { lock (_d) { lock ({|#3:_c|}) { } } }
        }
        """, globalOptions: PerGroup("1"), expected: new[]
        {
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1),
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(2).WithLocation(3),
        });

    /// <summary>Certain cycles are reported before uncertain ones: under a bound of one, the uncertain cycle is the one named in LOCK202.</summary>
    [Fact]
    public async Task CertainCyclesComeFirst()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            interface IStore { void Put(); }
            class Other : IStore { public void Put() { } }
            class Hub : IStore
            {
                readonly object _a = new(), _b = new(), _c = new();
                IStore? _store;
                public void Put() { lock (_a) { } }
                void One() { lock (_b) { {|#0:_store?.Put()|}; } }
                void Two() { lock (_a) { lock ({|#1:_b|}) { } } }
                void Three() { lock (_b) { lock ({|#2:_c|}) { } } }
                void Four() { lock (_c) { lock ({|#3:_b|}) { } } }
            }
            """, globalOptions: PerGroup("1"), expected: new[]
            {
                LockAnalyzerVerifier.Diagnostic("LOCK202").WithLocation(0),
                LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(2).WithLocation(3),
            });
        Assert.EndsWith("not reported: Hub._b → Hub._a → Hub._b (uncertain)", Assert.Single(diagnostics, d => d.Id == "LOCK202").GetMessage(), StringComparison.Ordinal);
    }
}
