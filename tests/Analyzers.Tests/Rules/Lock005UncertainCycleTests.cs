using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>
/// LOCK005: a cycle that holds only if calls with several possible targets run the ones that close it.
/// Each case has a twin where the same cycle is certain (LOCK001), or where there is no cycle.
/// </summary>
public class Lock005UncertainCycleTests
{
    private static DiagnosticResult Uncertain() => LockAnalyzerVerifier.Diagnostic("LOCK005").WithLocation(0).WithLocation(1);

    private static DiagnosticResult Certain() => LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1);

    /// <summary>Pool holds its lock while it calls into Cache; Cache holds its lock while it calls IStore.Put.</summary>
    private const string Pool = """
        interface IStore { void Put(); }
        class Pool : IStore
        {
            readonly object _b = new();
            public void Put() { lock (_b) { } }
            public void Use(Cache cache) { lock (_b) { {|#0:cache.Touch()|}; } }
        }
        class Cache
        {
            readonly object _a = new();
            readonly IStore _store;
            public Cache(IStore store) => _store = store;
            public void Touch() { lock (_a) { } }
            public void Save() { lock (_a) { {|#1:_store.Put()|}; } }
        }

        """;

    [Fact]
    public async Task AnInterfaceCallWithSeveralImplementationsMakesTheCycleUncertain()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Pool + """
            class Journal : IStore { public void Put() { } }
            """, expected: new[] { Uncertain() });
        var message = Assert.Single(diagnostics).GetMessage();
        Assert.Contains("Cache.Save takes Cache._a then, through Pool.Put (one of its targets), Pool._b", message, StringComparison.Ordinal);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, Assert.Single(diagnostics).Severity);
    }

    /// <summary>With one implementation the interface call has one target: the cycle is certain.</summary>
    [Fact]
    public async Task AnInterfaceCallWithOneImplementationIsCertain()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Pool, expected: new[] { Certain() });
        Assert.DoesNotContain("one of its targets", Assert.Single(diagnostics).GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>One certain evidence of an order makes it certain, however many uncertain ones there are: the cycle is LOCK001, shown through the certain one.</summary>
    [Fact]
    public async Task ACertainEvidenceOfTheSameOrderWins()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(
            Pool.Replace("{|#1:_store.Put()|}", "_store.Put()")
                .Replace("public void Touch() { lock (_a) { } }", "public void Touch() { lock (_a) { } }\n    public void Direct(Pool pool) { lock (_a) { {|#1:pool.Put()|}; } }") + """
            class Journal : IStore { public void Put() { } }
            """, expected: new[] { Certain() });
        Assert.Contains("Cache.Direct takes Cache._a then, through Pool.Put, Pool._b", Assert.Single(diagnostics).GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>A virtual member with a body on a receiver that can be the base itself: the base and the override may run.</summary>
    [Fact]
    public Task AVirtualCallThatMayRunTheBaseOrTheOverrideIsUncertain() => LockAnalyzerVerifier.VerifyAsync("""
        class Channel { public virtual void Close() { } }
        class Left : Channel
        {
            readonly object _b = new();
            public override void Close() { lock (_b) { } }
            public void Use(Right right) { lock (_b) { {|#0:right.Touch()|}; } }
        }
        class Right
        {
            readonly object _a = new();
            Channel? _peer;
            public void Touch() { lock (_a) { } }
            public void Flush() { lock (_a) { {|#1:_peer?.Close()|}; } }
        }
        """, expected: new[] { Uncertain() });

    /// <summary>The same call on a receiver typed as the override's class runs that override only (nothing below overrides it).</summary>
    [Fact]
    public Task AVirtualCallOnTheOverridingTypeIsCertain() => LockAnalyzerVerifier.VerifyAsync("""
        class Channel { public virtual void Close() { } }
        class Left : Channel
        {
            readonly object _b = new();
            public override void Close() { lock (_b) { } }
            public void Use(Right right) { lock (_b) { {|#0:right.Touch()|}; } }
        }
        class Right
        {
            readonly object _a = new();
            Left? _peer;
            public void Touch() { lock (_a) { } }
            public void Flush() { lock (_a) { {|#1:_peer?.Close()|}; } }
        }
        """, expected: new[] { Certain() });

    /// <summary>An uncertain edge that closes no cycle reports nothing.</summary>
    [Fact]
    public Task AnUncertainEdgeWithoutACycleIsSilent() => LockAnalyzerVerifier.VerifyAsync(
        Pool.Replace("{|#0:cache.Touch()|}", "cache.GetHashCode()").Replace("{|#1:_store.Put()|}", "_store.Put()") + """
        class Journal : IStore { public void Put() { } }
        """);
}
