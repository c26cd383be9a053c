using System.Text;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>
/// LOCK206: a virtual or interface call with more bodies than LockContractsDispatchTargets (default 32) is followed into
/// none of them (bodies that call nothing in source and take no lock do not count); a call made under a lock that reaches it says so. Within the bound, with no lock held, or once a call
/// site's argument narrows the receiver, it stays silent and the bodies are checked.
/// </summary>
public class Lock206WideCallCutOffTests
{
    private static Dictionary<string, string> Bound(string bound) => new() { [Analyzers.Rules.LockStateAnalyzer.DispatchTargetsProperty] = bound };

    /// <summary>
    /// The drivers hold their step in a public field: any code may set it, so the call on it can run any implementation.
    /// <c>IStep</c> with <paramref name="steps"/> implementations; the first takes <c>Hub.Inner</c>, the others nothing.
    /// <paramref name="driver"/> is appended; <c>Back</c> takes <c>Hub.Inner</c> then <c>Hub.Gate</c> (#1), the other way round.
    /// </summary>
    /// <param name="body">The body of the other implementations: by default a call of a helper that takes a lock of its own.</param>
    private static string Steps(int steps, string driver, string body = "Journal.Note();")
    {
        var source = new StringBuilder();
        source.AppendLine("interface IStep { void Run(); }");
        source.AppendLine("static class Hub { public static readonly object Gate = new(); public static readonly object Inner = new(); }");
        source.AppendLine("static class Journal { public static int Count; static readonly object Sync = new(); public static void Note() => Tally(); static void Tally() { lock (Sync) { Count++; } } }");
        source.AppendLine("static class Format { public static void Twice() { Once(); Once(); } static void Once() => Twice2(); static void Twice2() { if (Journal.Count > 9) Twice(); } }");
        source.AppendLine("sealed class Step0 : IStep { public void Run() { lock (Hub.Inner) { } } }");
        for (var step = 1; step < steps; step++)
        {
            source.AppendLine($"sealed class Step{step} : IStep {{ public void Run() {{ {body} }} }}");
        }

        source.AppendLine("static class Back { public static void Reverse() { lock (Hub.Inner) { lock ({|#1:Hub.Gate|}) { } } } }");
        source.AppendLine(driver);
        return source.ToString();
    }

    private const string Driver = """
        class Driver
        {
            public IStep Step = new Step0();
                        public void Go() { lock (Hub.Gate) { {|#0:Step.Run()|}; } }
        }
        """;

    [Fact]
    public async Task AWideCallUnderALockSaysSoAndIsNotFollowed()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Steps(33, Driver),
            expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK206").WithLocation(0) });
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Equal(
            "The call 'IStep.Run', made here, may run any of 33 bodies in this compilation that may take a lock, more than the dispatch bound (32, MSBuild property " +
            "LockContractsDispatchTargets, 0 for no bound); none of them is followed, so orders, cycles and self-deadlocks through them are not checked here",
            diagnostic.GetMessage());
    }

    /// <summary>Up to the bound every body is followed, and the cycle through Step0 is found (uncertain: one of several bodies).</summary>
    [Theory]
    [InlineData(32, null, false)]
    [InlineData(33, null, true)]
    [InlineData(33, "33", false)]
    [InlineData(33, "0", false)]
    [InlineData(5, "4", true)]
    public Task TheCycleBehindAWideCallShowsOnlyWithinTheBound(int steps, string? bound, bool cut) => LockAnalyzerVerifier.VerifyAsync(
        Steps(steps, Driver),
        globalOptions: bound is null ? null : Bound(bound),
        expected: cut
            ? new[] { LockAnalyzerVerifier.Diagnostic("LOCK206").WithLocation(0) }
            : new[] { LockAnalyzerVerifier.Diagnostic("LOCK005").WithLocation(1).WithLocation(0) });

    /// <summary>
    /// Bodies that can take no lock, themselves or through what they call (a counter, a library call, helpers that lock
    /// nothing), add nothing whichever runs: they do not count, so 49 of them and the one that locks stay within the
    /// bound, and the cycle shows.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("Journal.Count++;")]
    [InlineData("System.Console.WriteLine(0);")]
    [InlineData("Format.Twice();")]
    public Task BodiesThatDoNothingDoNotCountAgainstTheBound(string body) => LockAnalyzerVerifier.VerifyAsync(
        Steps(50, Driver, body),
        expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK005").WithLocation(1).WithLocation(0) });

    [Fact]
    public Task AWideCallWithNoLockHeldIsSilent() => LockAnalyzerVerifier.VerifyAsync(Steps(33, """
        class Driver
        {
            public IStep Step = new Step0();
            public void Go() { lock (Hub.Gate) { } Step.Run(); }
        }
        """));

    /// <summary>Reached through a helper: the message names the way there, and the wide call is an additional location.</summary>
    [Fact]
    public async Task AWideCallReachedThroughCallsNamesThem()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Steps(33, """
            class Driver
            {
                public IStep Step = new Step0();
                public void Go() { lock (Hub.Gate) { {|#0:Tick()|}; } }
                void Tick() => {|#2:Step.Run()|};
            }
            """),
            expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK206").WithLocation(0).WithLocation(2) });
        Assert.StartsWith("The call 'IStep.Run', made through Driver.Tick, may run any of 33 bodies in this compilation that may take a lock", Assert.Single(diagnostics).GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A helper's call on its parameter is cut for all callers, but a call site that passes a created object narrows it to
    /// that one body (one level of context): the cycle through Step0 is certain, LOCK001; a caller passing the wide field is cut.
    /// </summary>
    [Fact]
    public Task ACallSiteThatNarrowsTheReceiverBringsItBackWithinTheBound() => LockAnalyzerVerifier.VerifyAsync(Steps(33, """
        class Driver
        {
            public IStep Step = new Step0();
            static void RunIt(IStep step) => {|#3:step.Run()|};
            public void Narrow() { lock (Hub.Gate) { {|#0:RunIt(new Step0())|}; } }
            public void Wide() { lock (Hub.Gate) { {|#2:RunIt(Step)|}; } }
        }
        """),
        expected: new[]
        {
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(1).WithLocation(0),
            LockAnalyzerVerifier.Diagnostic("LOCK206").WithLocation(2).WithLocation(3),
        });
}
