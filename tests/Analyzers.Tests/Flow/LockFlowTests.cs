using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>The lock-state engine through control flow that every rule relies on.</summary>
public class LockFlowTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source);

    /// <summary>For cases that use System.Threading.Lock (.NET 9 and later).</summary>
    private static Task VerifyOnNet10(string source) => LockAnalyzerVerifier.VerifyAsync(source, referenceAssemblies: LockTestSetup.Net100);

    private const string Guarded = """
        class C
        {
            readonly object _sync = new();
            readonly SemaphoreSlim _gate = new(1, 1);
            int _n;
            [RequiresHeld("C._sync")] void Touch() => _n++;
            [RequiresHeld("C._gate")] void TouchGate() => _n++;

        """;

    [Fact]
    public Task SwitchArmsJoin() => Verify(Guarded + """
            void M(int k)
            {
                switch (k)
                {
                    case 0: Monitor.Enter(_sync); break;
                    case 1: Monitor.Enter(_sync); break;
                    default: Monitor.Enter(_sync); break;
                }
                Touch();
                Monitor.Exit(_sync);
            }
        }
        """);

    [Fact]
    public Task SwitchArmThatMissesTheLock() => Verify(Guarded + """
            void M(int k)
            {
                switch (k)
                {
                    case 0: {|LOCK102:Monitor.Enter(_sync)|}; break;
                    default: break;
                }
                {|LOCK101:Touch()|};
            }
        }
        """);

    [Fact]
    public Task GotoLoopKeepsTheLockBalanced() => Verify(Guarded + """
            void M(int n)
            {
            again:
                lock (_sync) { Touch(); }
                if (--n > 0) goto again;
            }
        }
        """);

    [Fact]
    public Task BreakOutOfALockInsideALoopReleasesIt() => Verify(Guarded + """
            void M(int[] items)
            {
                foreach (var item in items)
                {
                    lock (_sync)
                    {
                        if (item < 0) break;
                        if (item == 0) continue;
                        Touch();
                    }
                }
                {|LOCK101:Touch()|};
            }
        }
        """);

    [Fact]
    public Task ReturnFromInsideNestedTryFinally() => Verify(Guarded + """
            int M(int n)
            {
                _gate.Wait();
                try
                {
                    lock (_sync)
                    {
                        try { if (n > 0) return n; Touch(); }
                        finally { TouchGate(); }
                    }
                    return 0;
                }
                finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task ExceptionThroughAnInnerFinallyDoesNotLeakIntoNormalFlow() => Verify(Guarded + """
            void M()
            {
                Monitor.Enter(_sync);
                try
                {
                    _gate.Wait();
                    try { TouchGate(); }
                    finally { _gate.Release(); }
                    Touch();
                }
                finally { Monitor.Exit(_sync); }
            }
        }
        """);

    [Fact]
    public Task CatchThatRethrowsDoesNotReachTheExit() => Verify(Guarded + """
            void M()
            {
                Monitor.Enter(_sync);
                try { Touch(); }
                catch { Monitor.Exit(_sync); throw; }
                Monitor.Exit(_sync);
            }
        }
        """);

    [Fact]
    public Task CatchReachedWithTheLockHeld() => Verify(Guarded + """
            void M()
            {
                lock (_sync)
                {
                    try { Touch(); }
                    catch (InvalidOperationException) { Touch(); }
                }
            }
        }
        """);

    [Fact]
    public Task ExceptionFilterSeesTheState() => Verify(Guarded + """
            void M()
            {
                lock (_sync)
                {
                    try { Touch(); }
                    catch (Exception e) when (e is not OutOfMemoryException) { Touch(); }
                }
            }
        }
        """);

    [Fact]
    public Task UsingDeclarationScopeEndsAtTheBlock() => VerifyOnNet10("""
        class C
        {
            readonly Lock _lock = new();
            int _n;
            [RequiresHeld("C._lock")] void Touch() => _n++;
            void M(bool b)
            {
                if (b)
                {
                    using var scope = _lock.EnterScope();
                    Touch();
                }
                {|LOCK101:Touch()|};
            }
        }
        """);

    [Fact]
    public Task IteratorBodiesAreAnalyzed() => Verify(Guarded + """
            IEnumerable<int> M()
            {
                lock (_sync) { Touch(); }
                yield return _n;
                {|LOCK101:Touch()|};
            }
        }
        """);

    [Fact]
    public Task LocalFunctionsAreAnalyzedOnTheirOwn() => Verify(Guarded + """
            void M()
            {
                lock (_sync) { Local(); }
                void Local() => {|LOCK101:Touch()|};
            }
        }
        """);

    [Fact]
    public Task LocalFunctionWithItsOwnContract() => Verify(Guarded + """
            void M()
            {
                lock (_sync) { Local(); }
                [RequiresHeld("C._sync")] void Local() => Touch();
            }
        }
        """);

    [Fact]
    public Task LambdaBodyStartsWithNothingHeld() => Verify(Guarded + """
            void M()
            {
                lock (_sync)
                {
                    Action later = () => {|LOCK101:Touch()|};
                    ThreadPool.QueueUserWorkItem(_ => later());
                }
            }
        }
        """);

    [Fact]
    public Task LockedExpressionThroughALocalAlias() => Verify(Guarded + """
            void M()
            {
                var sync = _sync;
                lock (sync) { Touch(); }
            }
        }
        """);

    [Fact]
    public Task ConditionalAndOrOfTryAcquisitions() => Verify("""
        class C
        {
            readonly object _a = new();
            readonly object _b = new();
            int _n;
            [RequiresHeld("C._a")] void TouchA() => _n++;
            void M(bool ready)
            {
                if (ready && Monitor.TryEnter(_a))
                {
                    try { TouchA(); } finally { Monitor.Exit(_a); }
                }
            }
        }
        """);

    [Fact]
    public Task NoLockAnalysisMethodsAreNotAnalyzed() => Verify(Guarded + """
            [NoLockAnalysis] void Handoff() { Monitor.Enter(_sync); Touch(); }
        }
        """);

    [Fact]
    public Task ConstructorsAreAnalyzed() => Verify("""
        class C
        {
            static readonly object Sync = new();
            static int _instances;
            [RequiresHeld("C.Sync")] static void Count() => _instances++;
            public C() { {|LOCK101:Count()|}; lock (Sync) { Count(); } }
        }
        """);

    [Fact]
    public Task RecursiveMethodIsAnalyzedLikeAnyOther() => Verify(Guarded + """
            int Depth(int n) { lock (_sync) { Touch(); return n == 0 ? 0 : Depth(n - 1) + 1; } }
        }
        """);

    [Fact]
    public Task DeeplyNestedLoopsSettle() => Verify(Guarded + """
            void M(int n)
            {
                for (var i = 0; i < n; i++)
                    for (var j = 0; j < n; j++)
                        while (j < i)
                        {
                            lock (_sync) { Touch(); if (j % 2 == 0) continue; }
                            do { j++; } while (j % 3 != 0);
                        }
            }
        }
        """);

    [Fact]
    public Task ReentrantLockInALoopWithoutReleaseStaysFinite() => Verify(Guarded + """
            void M(int n)
            {
                for (var i = 0; i < n; i++) {|LOCK102:Monitor.Enter(_sync)|};
            }
        }
        """);
}
