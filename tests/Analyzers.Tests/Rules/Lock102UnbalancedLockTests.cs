using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock102UnbalancedLockTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK102");

    /// <summary>For cases that use System.Threading.Lock (.NET 9 and later).</summary>
    private static Task VerifyOnNet10(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK102", referenceAssemblies: LockTestSetup.Net100);

    [Fact]
    public async Task EarlyReturnKeepsTheSemaphore()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                readonly Dictionary<string, string> _items = new();
                string? Get(string key)
                {
                    [|_gate.Wait()|];
                    if (!_items.TryGetValue(key, out var value)) return null;
                    _gate.Release();
                    return value;
                }
            }
            """, "LOCK102");
        Assert.Equal(
            "'Cache._gate' (_gate) taken here is not released on every path through 'Cache.Get'; a path that keeps it blocks every other thread forever",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task CaughtExceptionSkipsTheRelease() => Verify("""
        class Log
        {
            readonly object _sync = new();
            void Write(string line)
            {
                [|Monitor.Enter(_sync)|];
                try
                {
                    Console.WriteLine(line);
                    Monitor.Exit(_sync);
                }
                catch (Exception) { }
            }
        }
        """);

    [Fact]
    public Task NeverReleased() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M() { [|Monitor.Enter(_sync)|]; }
        }
        """);

    [Fact]
    public Task MonitorExitWithoutEnter() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M() { [|Monitor.Exit(_sync)|]; }
        }
        """);

    [Fact]
    public Task SemaphoreReleasedWithoutWait() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M() { [|_gate.Release()|]; }
        }
        """);

    [Fact]
    public Task ReleasedOnlyOnSomePaths() => Verify("""
        class C
        {
            readonly object _sync = new();
            int _n;
            void M(int n)
            {
                [|Monitor.Enter(_sync)|];
                _n = n;
                if (n > 0) Monitor.Exit(_sync);
            }
        }
        """);

    [Fact]
    public Task IgnoredTryResultMakesTheReleaseUnsafe() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M()
            {
                _gate.Wait(100);
                [|_gate.Release()|];
            }
        }
        """);

    [Fact]
    public Task EnterInsideTheTryReleasesWhatItMayNotHold() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M()
            {
                try
                {
                    Monitor.Enter(_sync);
                    Console.WriteLine();
                }
                finally { [|Monitor.Exit(_sync)|]; }
            }
        }
        """);

    [Fact]
    public Task WriteLockReleasedWhileOnlyReadIsHeld() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterReadLock();
                [|_rw.ExitWriteLock()|];
                _rw.ExitReadLock();
            }
        }
        """);

    [Fact]
    public Task AcquiresContractNotKept() => Verify("""
        class C
        {
            readonly object _sync = new();
            [Acquires("C._sync")] void [|Enter|](bool really) { if (really) Monitor.Enter(_sync); }
        }
        """);

    [Fact]
    public Task ReleasesContractNotKept() => Verify("""
        class C
        {
            readonly object _sync = new();
            [Releases("C._sync")] void [|Exit|]() { }
        }
        """);

    [Fact]
    public Task RequiredLockReleasedWithoutSayingSo() => Verify("""
        class C
        {
            readonly object _sync = new();
            [RequiresHeld("C._sync")] void [|Drop|]() { Monitor.Exit(_sync); }
        }
        """);

    [Fact]
    public Task LockStatementIsBalanced() => Verify("""
        class C
        {
            readonly object _sync = new();
            int _n;
            void M(int n) { lock (_sync) { if (n < 0) return; _n = n; } }
        }
        """);

    [Fact]
    public Task LockTakenFlagPattern() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M()
            {
                var taken = false;
                try
                {
                    Monitor.Enter(_sync, ref taken);
                    Console.WriteLine();
                }
                finally
                {
                    if (taken) Monitor.Exit(_sync);
                }
            }
        }
        """);

    [Fact]
    public Task TryFinallyAfterEnter() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M()
            {
                Monitor.Enter(_sync);
                try { Console.WriteLine(); }
                finally { Monitor.Exit(_sync); }
            }
        }
        """);

    [Fact]
    public Task TryEnterGuardedRelease() => Verify("""
        class C
        {
            readonly object _sync = new();
            bool M()
            {
                if (!Monitor.TryEnter(_sync, TimeSpan.FromSeconds(1))) return false;
                try { return true; }
                finally { Monitor.Exit(_sync); }
            }
        }
        """);

    [Fact]
    public Task StoredTryResultGuardsTheRelease() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M()
            {
                var entered = _gate.Wait(100);
                try { Console.WriteLine(entered); }
                finally { if (entered) _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task SpinLockWithTakenFlag() => Verify("""
        class C
        {
            SpinLock _spin = new(false);
            int _n;
            void M()
            {
                var taken = false;
                try { _spin.Enter(ref taken); _n++; }
                finally { if (taken) _spin.Exit(); }
            }
        }
        """);

    [Fact]
    public Task MutexInTryFinally() => Verify("""
        class C
        {
            readonly Mutex _mutex = new();
            void M()
            {
                _mutex.WaitOne();
                try { Console.WriteLine(); }
                finally { _mutex.ReleaseMutex(); }
            }
        }
        """);

    [Fact]
    public Task AcquiresAndReleasesHelpersKeepTheirContracts() => Verify("""
        class C
        {
            readonly object _sync = new();
            [Acquires("C._sync")] void Enter() => Monitor.Enter(_sync);
            [Releases("C._sync")] void Exit() => Monitor.Exit(_sync);
            [TryAcquires("C._sync", true)] bool TryEnter() => Monitor.TryEnter(_sync);
            void Use() { Enter(); try { } finally { Exit(); } }
            void TryUse() { if (TryEnter()) { try { } finally { Exit(); } } }
        }
        """);

    [Fact]
    public Task LockTypeImplementationIsTrusted() => Verify("""
        sealed class SleepLock
        {
            readonly SemaphoreSlim _s = new(1, 1);
            [Acquires] public void Lock() => _s.Wait();
            [TryAcquires(true)] public bool TryLock() => _s.Wait(0);
            [Releases] public void Unlock() => _s.Release();
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly SleepLock Lock = new();
            void M() { Lock.Lock(); try { } finally { Lock.Unlock(); } }
            void N() { if (!Lock.TryLock()) return; Lock.Unlock(); }
        }
        """);

    [Fact]
    public Task ThreadingLockScopes() => VerifyOnNet10("""
        class C
        {
            readonly Lock _lock = new();
            void M() { using (_lock.EnterScope()) { } }
            void N() { using var scope = _lock.EnterScope(); Console.WriteLine(); }
            void O() { _lock.Enter(); try { } finally { _lock.Exit(); } }
            void P() { lock (_lock) { } }
        }
        """);

    [Fact]
    public Task AsyncSemaphore() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            async Task M()
            {
                await _gate.WaitAsync();
                try { await Task.Delay(1); }
                finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task LockInALoop() => Verify("""
        class C
        {
            readonly object _sync = new();
            int _n;
            void M(int[] values)
            {
                foreach (var v in values)
                {
                    Monitor.Enter(_sync);
                    try { _n += v; } finally { Monitor.Exit(_sync); }
                }
            }
        }
        """);

    [Fact]
    public Task SpinUntilTheTryWaitSucceeds() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M()
            {
                while (!_gate.Wait(10)) { }
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task CorrelatedConditionalLocking() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M(bool synchronized)
            {
                if (synchronized) Monitor.Enter(_sync);
                Console.WriteLine();
                if (synchronized) Monitor.Exit(_sync);
            }
        }
        """);

    [Fact]
    public Task ReaderWriterModesReleasedInTheirOwnMode() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    _rw.EnterWriteLock();
                    try { } finally { _rw.ExitWriteLock(); }
                }
                finally { _rw.ExitUpgradeableReadLock(); }
            }
        }
        """);
}
