using System.Text;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>
/// LOCK205: a call made under a lock that invokes a delegate whose functions were followed only up to a
/// delegate-flow bound (depth 5, 64 candidates, 4096 units of work) says so; within the bound, or with no
/// lock held, it stays silent.
/// </summary>
public class Lock205DelegateFlowCutOffTests
{
    private static DiagnosticResult Cut() => LockAnalyzerVerifier.Diagnostic("LOCK205").WithLocation(0);

    /// <summary>
    /// A callback passed down <paramref name="levels"/> methods, each a parameter of the next, and invoked in the last one
    /// under <c>_gate</c> (or after it, when <paramref name="underLock"/> is false). The callback takes <c>_inner</c>, and
    /// <c>Back</c> takes the two the other way round: the cycle shows when the callback is found (marked when <paramref name="cycle"/>).
    /// </summary>
    private static string Relay(int levels, bool underLock, bool cycle = false)
    {
        var source = new StringBuilder();
        source.AppendLine("class Relay");
        source.AppendLine("{");
        source.AppendLine("    readonly object _gate = new();");
        source.AppendLine("    readonly object _inner = new();");
        source.AppendLine("    public void Start() => L1(() => { lock (_inner) { } });");
        for (var level = 1; level < levels; level++)
        {
            source.AppendLine($"    void L{level}(Action a) => L{level + 1}(a);");
        }

        source.AppendLine(underLock
            ? $"    void L{levels}(Action a) {{ lock (_gate) {{ {{|#0:a()|}}; }} }}"
            : $"    void L{levels}(Action a) {{ lock (_gate) {{ }} a(); }}");
        source.AppendLine(cycle
            ? "    public void Back() { lock (_inner) { lock ({|#1:_gate|}) { } } }"
            : "    public void Back() { lock (_inner) { lock (_gate) { } } }");
        source.AppendLine("}");
        return source.ToString();
    }

    [Fact]
    public async Task ADelegatePassedThroughMoreParametersThanTheDepthBoundSaysSo()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Relay(6, underLock: true), expected: new[] { Cut() });
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Equal(
            "The delegate 'a', invoked here, may be more functions than were found: the search for them stopped at one of the delegate-flow bounds " +
            "(5 steps back: a parameter to the arguments passed for it, a member to what is assigned to it, a call to what it returns; 64 candidate functions; " +
            "4096 members, parameters, assignments and call sites read); " +
            "locks taken by the functions not followed are not in the lock-order graph, so orders, cycles and self-deadlocks through them are not checked here",
            diagnostic.GetMessage());
    }

    /// <summary>Within the bound the callback is found, and what it takes is checked: the cycle is LOCK001, and nothing is cut.</summary>
    [Fact]
    public Task WithinTheDepthBoundTheCallbackIsFoundAndChecked() => LockAnalyzerVerifier.VerifyAsync(
        Relay(5, underLock: true, cycle: true), expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) });

    /// <summary>
    /// The long way round (through A1 … A4) meets the field at the bound, but the short one (Near) looks into it two
    /// steps back: nothing is past the bound, the callback is found and checked (the cycle), and no cut is reported.
    /// </summary>
    [Fact]
    public Task AKeyMetAtTheBoundThatIsLookedIntoNearerIsNoCut() => LockAnalyzerVerifier.VerifyAsync("""
        class Relay
        {
            readonly object _gate = new();
            readonly object _inner = new();
            Action _callback = () => { };
            public void Set() => _callback = () => { lock (_inner) { } };
            public void Near() => Run(_callback);
            public void Far() => A1(_callback);
            void A1(Action a) => A2(a);
            void A2(Action a) => A3(a);
            void A3(Action a) => A4(a);
            void A4(Action a) => Run(a);
            void Run(Action a) { lock (_gate) { {|#0:a()|}; } }
            public void Back() { lock (_inner) { lock ({|#1:_gate|}) { } } }
        }
        """,
        expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK005").WithLocation(0).WithLocation(1) });

    /// <summary>
    /// Whether the bound cut a question short is settled once per list of questions its value leads to, and reused by
    /// every invocation that leads to the same list; a list that shares only its first question is another one. Here
    /// <c>_far</c> alone meets <c>e</c> past the bound (a cut), while <c>_far</c> or <c>_near</c> looks into <c>e</c>
    /// nearer through <c>_near</c> (no cut): in whichever order the two are asked, each gets its own answer.
    /// </summary>
    [Fact]
    public Task QuestionsThatShareOnlyTheirFirstStepAreSettledApart() => LockAnalyzerVerifier.VerifyAsync("""
        class Relay
        {
            readonly object _gate = new();
            readonly object _inner = new();
            bool _flag;
            Action _far = Noop;
            Action _near = Noop;
            static void Noop() { }
            public void Start() => M5(() => { lock (_inner) { } });
            void M5(Action e) { M4(e); N1(e); }
            void M4(Action d) => M3(d);
            void M3(Action c) => M2(c);
            void M2(Action b) => M1(b);
            void M1(Action a) => _far = a;
            void N1(Action x) => _near = x;
            public void Both() { lock (_gate) { FireBoth(); } }
            void FireBoth() => (_flag ? _far : _near)();
            public void FarOnly() { lock (_gate) { {|#0:FireFar()|}; } }
            void FireFar() => {|#1:_far()|};
        }
        """,
        expected: new[] { Cut().WithLocation(1) });

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public Task ACutDelegateInvokedWithNoLockHeldIsSilent(int levels) => LockAnalyzerVerifier.VerifyAsync(Relay(levels, underLock: false));

    /// <summary>The lock is held at the call into the relay: the cut deep inside it reaches the call through the summaries.</summary>
    [Fact]
    public async Task ACallUnderALockThatReachesACutInvocationSaysSoWithThePath()
    {
        var source = """
            class Relay
            {
                readonly object _gate = new();
                readonly object _inner = new();
                public void Start() { lock (_gate) { {|#0:L1(() => { lock (_inner) { } })|}; } }
                public void Loose() => L1(() => { });
                void L1(Action a) => L2(a);
                void L2(Action a) => L3(a);
                void L3(Action a) => L4(a);
                void L4(Action a) => L5(a);
                void L5(Action a) => L6(a);
                void L6(Action a) { {|#1:a()|}; }
            }
            """;
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(source, expected: new[] { Cut().WithLocation(1) });
        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith(
            "The delegate 'a', invoked through Relay.L1 → Relay.L2 → Relay.L3 → Relay.L4 → Relay.L5 → Relay.L6, may be more functions than were found: " +
            "the search for them stopped at one of the delegate-flow bounds",
            diagnostic.GetMessage());
    }

    /// <summary>
    /// The helper's own search is cut (one of its callers relays a parameter six levels deep), but the call under the lock
    /// passes a lambda: the call-site context names what runs, so that call is checked (the cycle) and not reported as cut;
    /// the relayed call under a lock is.
    /// </summary>
    [Fact]
    public Task ACallThatPassesTheFunctionIsCheckedInContextAndNotCut() => LockAnalyzerVerifier.VerifyAsync("""
        class Relay
        {
            readonly object _gate = new();
            readonly object _inner = new();
            public void Direct() { lock (_gate) { {|#0:Run(() => { lock (_inner) { } })|}; } }
            public void Start() => L1(() => { });
            void L1(Action a) => L2(a);
            void L2(Action a) => L3(a);
            void L3(Action a) => L4(a);
            void L4(Action a) => L5(a);
            void L5(Action a) { lock (_gate) { {|#2:Run(a)|}; } }
            static void Run(Action a) => {|#3:a()|};
            public void Back() { lock (_inner) { lock ({|#1:_gate|}) { } } }
        }
        """,
        expected: new[]
        {
            LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1),
            LockAnalyzerVerifier.Diagnostic("LOCK205").WithLocation(2).WithLocation(3),
        });

    /// <summary>A method whose contract requires the lock holds it from its first line: its invocation is under the lock.</summary>
    [Fact]
    public Task AnInvocationInAMethodThatRequiresTheLockSaysSo() => LockAnalyzerVerifier.VerifyAsync("""
        class Relay
        {
            [Lock("Relay.Gate")] readonly object _gate = new();
            public void Start() => L1(() => { });
            void L1(Action a) => L2(a);
            void L2(Action a) => L3(a);
            void L3(Action a) => L4(a);
            void L4(Action a) => L5(a);
            void L5(Action a) { lock (_gate) { {|#1:L6(a)|}; } }
            [RequiresHeld("Relay.Gate")] void L6(Action a) => {|#0:a()|};
        }
        """,
        expected: new[] { Cut(), LockAnalyzerVerifier.Diagnostic("LOCK205").WithLocation(1).WithLocation(0) });

    /// <summary><paramref name="subscribers"/> distinct lambdas stored in one field, which is invoked under a lock (or after it).</summary>
    private static string Hub(int subscribers, bool underLock)
    {
        var source = new StringBuilder();
        source.AppendLine("class Hub");
        source.AppendLine("{");
        source.AppendLine("    readonly object _gate = new();");
        source.AppendLine("    public Action? Changed;");
        source.AppendLine(underLock
            ? "    public void Raise() { lock (_gate) { {|#0:Changed!()|}; } }"
            : "    public void Raise() { lock (_gate) { } Changed!(); }");
        source.AppendLine("}");
        source.AppendLine("class Subscribers");
        source.AppendLine("{");
        source.AppendLine("    int _seen;");
        source.AppendLine("    public void Wire(Hub hub)");
        source.AppendLine("    {");
        for (var i = 0; i < subscribers; i++)
        {
            source.AppendLine($"        hub.Changed += () => _seen += {i};");
        }

        source.AppendLine("    }");
        source.AppendLine("}");
        return source.ToString();
    }

    [Fact]
    public async Task MoreCandidatesThanTheBoundSaySo()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Hub(65, underLock: true), expected: new[] { Cut() });
        Assert.Contains(
            "'Changed', invoked here, may be more functions than were found: the search for them stopped at one of the delegate-flow bounds",
            Assert.Single(diagnostics).GetMessage());
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public Task AsManyCandidatesAsTheBoundOrNoLockHeldIsSilent(int subscribers, bool underLock) =>
        LockAnalyzerVerifier.VerifyAsync(Hub(subscribers, underLock));

    /// <summary>A delegate parameter invoked under a lock, and <paramref name="sites"/> call sites that pass what <paramref name="passed"/> makes of their number.</summary>
    private static string Passed(int sites, Func<int, string> passed)
    {
        var source = new StringBuilder();
        source.AppendLine("class Runner");
        source.AppendLine("{");
        source.AppendLine("    readonly object _gate = new();");
        source.AppendLine("    int _seen;");
        source.AppendLine("    public void Run(Action a) { lock (_gate) { {|#0:a()|}; } }");
        source.AppendLine("    void Noop() { }");
        source.AppendLine("    public void Many()");
        source.AppendLine("    {");
        for (var i = 0; i < sites; i++)
        {
            source.AppendLine($"        Run({passed(i)});");
        }

        source.AppendLine("    }");
        source.AppendLine("}");
        return source.ToString();
    }

    [Fact]
    public Task MoreCallSitesPassingFunctionsThanTheBoundSaySo() =>
        LockAnalyzerVerifier.VerifyAsync(Passed(65, i => $"() => _seen += {i}"), expected: new[] { Cut() });

    /// <summary>Past the bound only one function is passed, and it is found already: nothing is left, nothing is cut.</summary>
    [Fact]
    public Task CallSitesPastTheBoundThatPassAFunctionFoundAlreadyAreNoCut() =>
        LockAnalyzerVerifier.VerifyAsync(Passed(100, _ => "Noop").Replace("{|#0:a()|}", "a()"));

    /// <summary><paramref name="elements"/> distinct lambdas added to a list that a <c>foreach</c> runs under a lock.</summary>
    private static string Elements(int elements) => Hub(
        elements, "List<Action>", "foreach (var handler in _handlers) { {|#0:handler()|}; }", i => $"_handlers.Add(() => _seen += {i});");

    /// <summary>
    /// A hub whose <c>Raise</c> runs, under <c>_gate</c>, what <c>Wire</c> stored in <c>_handlers</c> (of type
    /// <paramref name="collection"/>): <paramref name="elements"/> distinct lambdas, each stored by <paramref name="store"/>.
    /// </summary>
    private static string Hub(int elements, string collection, string raise, Func<int, string> store)
    {
        var source = new StringBuilder();
        source.AppendLine("class Hub");
        source.AppendLine("{");
        source.AppendLine("    readonly object _gate = new();");
        source.AppendLine($"    readonly {collection} _handlers = new();");
        source.AppendLine("    int _seen;");
        source.AppendLine($"    public void Raise(int key) {{ lock (_gate) {{ {raise} }} }}");
        source.AppendLine("    public void Wire()");
        source.AppendLine("    {");
        for (var i = 0; i < elements; i++)
        {
            source.AppendLine("        " + store(i));
        }

        source.AppendLine("    }");
        source.AppendLine("}");
        return source.ToString();
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public Task MoreElementsThanTheBoundSaySo(int elements, bool cut) => LockAnalyzerVerifier.VerifyAsync(
        cut ? Elements(elements) : Elements(elements).Replace("{|#0:handler()|}", "handler()"),
        expected: cut ? new[] { Cut() } : Array.Empty<DiagnosticResult>());

    /// <summary><paramref name="elements"/> distinct lambdas stored by key in a dictionary, one of which runs under a lock.</summary>
    private static string Keyed(int elements) => Hub(
        elements, "Dictionary<int, Action>", "{|#0:_handlers[key]()|};", i => $"_handlers[{i}] = () => _seen += {i};");

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public Task MoreElementsStoredByKeyThanTheBoundSaySo(int elements, bool cut) => LockAnalyzerVerifier.VerifyAsync(
        cut ? Keyed(elements) : Keyed(elements).Replace("{|#0:_handlers[key]()|}", "_handlers[key]()"),
        expected: cut ? new[] { Cut() } : Array.Empty<DiagnosticResult>());

    /// <summary>
    /// A callback passed down <paramref name="levels"/> methods and stored by key in the last one, then read by key and
    /// run under <c>_gate</c>: the element is one step back, each parameter one more.
    /// </summary>
    private static string StoredByKey(int levels, bool cycle)
    {
        var source = new StringBuilder();
        source.AppendLine("class Relay");
        source.AppendLine("{");
        source.AppendLine("    readonly object _gate = new();");
        source.AppendLine("    readonly object _inner = new();");
        source.AppendLine("    readonly Dictionary<string, Action> _handlers = new();");
        source.AppendLine("    public void Start() => L1(() => { lock (_inner) { } });");
        for (var level = 1; level < levels; level++)
        {
            source.AppendLine($"    void L{level}(Action a) => L{level + 1}(a);");
        }

        source.AppendLine($"    void L{levels}(Action a) => _handlers[\"done\"] = a;");
        source.AppendLine("    public void Fire() { lock (_gate) { if (_handlers.TryGetValue(\"done\", out var h)) { {|#0:h()|}; } } }");
        source.AppendLine(cycle
            ? "    public void Back() { lock (_inner) { lock ({|#1:_gate|}) { } } }"
            : "    public void Back() { lock (_inner) { lock (_gate) { } } }");
        source.AppendLine("}");
        return source.ToString();
    }

    /// <summary>
    /// Within the bound (the out local, the element and three parameters) the callback is found and the cycle is
    /// reported; one parameter more and the element's value is cut, which the invocation says.
    /// </summary>
    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public Task AnElementFollowedPastTheDepthBoundSaysSo(int levels, bool cut) => LockAnalyzerVerifier.VerifyAsync(
        StoredByKey(levels, cycle: !cut),
        expected: cut ? new[] { Cut() } : new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) });

    /// <summary>
    /// A delegate parameter whose method is called from <paramref name="sites"/> places that pass nothing the analysis can
    /// follow: each call site read is one unit of the question's work.
    /// </summary>
    private static string Sites(int sites)
    {
        var source = new StringBuilder();
        source.AppendLine("class Runner");
        source.AppendLine("{");
        source.AppendLine("    readonly object _gate = new();");
        source.AppendLine("    public void Run(Action? a) { lock (_gate) { {|#0:a!()|}; } }");
        source.AppendLine("    public void Many()");
        source.AppendLine("    {");
        for (var i = 0; i < sites; i++)
        {
            source.AppendLine("        Run(null);");
        }

        source.AppendLine("    }");
        source.AppendLine("}");
        return source.ToString();
    }

    [Fact]
    public async Task MoreWorkThanTheBoundSaysSo()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Sites(4200), expected: new[] { Cut() });
        Assert.Contains(
            "the search for them stopped at one of the delegate-flow bounds",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task WorkWithinTheBoundIsSilent() => LockAnalyzerVerifier.VerifyAsync(Sites(4000).Replace("{|#0:a!()|}", "a!()"));
}
