using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock003SelfDeadlockTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK003");

    /// <summary>For cases that use System.Threading.Lock (.NET 9 and later).</summary>
    private static Task VerifyOnNet10(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK003", referenceAssemblies: LockTestSetup.Net100);

    [Fact]
    public async Task SemaphoreWaitedTwice()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                void Refresh()
                {
                    _gate.Wait();
                    try
                    {
                        [|_gate.Wait()|];
                        _gate.Release();
                    }
                    finally { _gate.Release(); }
                }
            }
            """, "LOCK003");
        Assert.Equal(
            "'Cache._gate' (_gate) is taken again while this thread already holds it; SemaphoreSlim is not re-entrant, so the thread waits for itself forever",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task SemaphoreWaitedAsyncTwice() => Verify("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            async Task RefreshAsync()
            {
                await _gate.WaitAsync();
                try
                {
                    await [|_gate.WaitAsync()|];
                    _gate.Release();
                }
                finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task ReadLockEnteredTwice() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterReadLock();
                [|_rw.EnterReadLock()|];
                _rw.ExitReadLock();
                _rw.ExitReadLock();
            }
        }
        """);

    [Fact]
    public async Task ReadThenWriteUpgradeWithoutUpgradeableMode()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class C
            {
                readonly ReaderWriterLockSlim _rw = new();
                void M()
                {
                    _rw.EnterReadLock();
                    try
                    {
                        [|_rw.EnterWriteLock()|];
                        _rw.ExitWriteLock();
                    }
                    finally { _rw.ExitReadLock(); }
                }
            }
            """, "LOCK003");
        Assert.Contains("read mode", Assert.Single(diagnostics).GetMessage());
        Assert.Contains("upgradeable mode first", diagnostics[0].GetMessage());
    }

    [Fact]
    public Task WriteLockEnteredTwice() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterWriteLock();
                [|_rw.EnterWriteLock()|];
                _rw.ExitWriteLock();
                _rw.ExitWriteLock();
            }
        }
        """);

    [Fact]
    public Task TryEnterWriteWhileWriteHeldThrows() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterWriteLock();
                if ([|_rw.TryEnterWriteLock(10)|]) _rw.ExitWriteLock();
                _rw.ExitWriteLock();
            }
        }
        """);

    [Fact]
    public Task MutexWaitedTwice() => Verify("""
        class C
        {
            readonly Mutex _mutex = new();
            void M()
            {
                _mutex.WaitOne();
                [|_mutex.WaitOne()|];
                _mutex.ReleaseMutex();
                _mutex.ReleaseMutex();
            }
        }
        """);

    [Fact]
    public Task SpinLockEnteredTwice() => Verify("""
        class C
        {
            SpinLock _spin = new(false);
            void M()
            {
                bool first = false, second = false;
                _spin.Enter(ref first);
                [|_spin.Enter(ref second)|];
                _spin.Exit();
                _spin.Exit();
            }
        }
        """);

    [Fact]
    public Task CustomLockTypeTakenTwice() => Verify("""
        class SleepLock
        {
            readonly SemaphoreSlim _s = new(1, 1);
            [Acquires] public void Lock() => _s.Wait();
            [Releases] public void Unlock() => _s.Release();
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly SleepLock Lock = new();
            void M()
            {
                Lock.Lock();
                [|Lock.Lock()|];
                Lock.Unlock();
                Lock.Unlock();
            }
        }
        """);

    [Fact]
    public Task ExcludesMethodCalledWhileHeld() => Verify("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            [Excludes("Cache._gate")]
            public void Refresh() { _gate.Wait(); try { } finally { _gate.Release(); } }
            public void Get()
            {
                _gate.Wait();
                try { [|Refresh()|]; }
                finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task ExcludesOnAnotherObjectsLock() => Verify("""
        class Inode
        {
            [Lock("Inode.Lock")] public readonly object Lock = new();
        }
        static class Writeback
        {
            [Excludes("Inode.Lock", On = "inode")] static void Flush(Inode inode) { lock (inode.Lock) { } }
            static void M(Inode inode) { lock (inode.Lock) { [|Flush(inode)|]; } }
        }
        """);

    [Fact]
    public Task BodyThatRequiresTheLockTakesItAgain() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            [RequiresHeld("C._gate")]
            void Update()
            {
                [|_gate.Wait()|];
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task NestedLockStatementOnOneObjectIsReentrant() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M() { lock (_sync) { lock (_sync) { } } }
        }
        """);

    [Fact]
    public Task MonitorEnteredTwiceIsReentrant() => Verify("""
        class C
        {
            readonly object _sync = new();
            void M()
            {
                Monitor.Enter(_sync);
                Monitor.Enter(_sync);
                Monitor.Exit(_sync);
                Monitor.Exit(_sync);
            }
        }
        """);

    [Fact]
    public Task ThreadingLockNestedIsReentrant() => VerifyOnNet10("""
        class C
        {
            readonly Lock _lock = new();
            void M() { lock (_lock) { using (_lock.EnterScope()) { } } }
        }
        """);

    [Fact]
    public Task UpgradeableThenWriteIsFine() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    _rw.EnterWriteLock();
                    _rw.ExitWriteLock();
                }
                finally { _rw.ExitUpgradeableReadLock(); }
            }
        }
        """);

    [Fact]
    public Task UpgradeableThenReadIsFine() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new();
            void M()
            {
                _rw.EnterUpgradeableReadLock();
                _rw.EnterReadLock();
                _rw.ExitUpgradeableReadLock();
                _rw.ExitReadLock();
            }
        }
        """);

    [Fact]
    public Task RecursionPolicyAllowsNestedReads() => Verify("""
        class C
        {
            readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.SupportsRecursion);
            void M()
            {
                _rw.EnterReadLock();
                _rw.EnterReadLock();
                _rw.ExitReadLock();
                _rw.ExitReadLock();
            }
        }
        """);

    [Fact]
    public Task SequentialWaitsAreFine() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M()
            {
                _gate.Wait();
                _gate.Release();
                _gate.Wait();
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task SemaphoreWithSeveralSlotsIsNotALock() => Verify("""
        class C
        {
            readonly SemaphoreSlim _slots = new(4, 4);
            void M()
            {
                _slots.Wait();
                _slots.Wait();
                _slots.Release(2);
            }
        }
        """);

    [Fact]
    public Task TwoDifferentSemaphoresAreFine() => Verify("""
        class C
        {
            readonly SemaphoreSlim _a = new(1, 1);
            readonly SemaphoreSlim _b = new(1, 1);
            void M()
            {
                _a.Wait();
                _b.Wait();
                _b.Release();
                _a.Release();
            }
        }
        """);

    [Fact]
    public Task TryWaitOnAHeldSemaphoreFailsInsteadOfBlocking() => Verify("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M()
            {
                _gate.Wait();
                if (_gate.Wait(0)) _gate.Release();
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task ExcludesMethodCalledWithoutTheLockIsFine() => Verify("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            [Excludes("Cache._gate")]
            public void Refresh() { _gate.Wait(); try { } finally { _gate.Release(); } }
            public void Get() { Refresh(); }
        }
        """);

    [Fact]
    public async Task ASemaphoreHeldAcrossAwaitBelongsToTheAsyncFlow()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                async Task RefreshAsync()
                {
                    await {|LOCK102:_gate.WaitAsync()|};
                    try { await Task.Yield(); await [|_gate.WaitAsync()|]; }
                    finally { _gate.Release(); }
                }
            }
            """, "LOCK003");
        Assert.Equal(
            "'Cache._gate' (_gate) is taken again while this async flow already holds it; SemaphoreSlim is not re-entrant, so the flow waits for itself forever",
            Assert.Single(diagnostics, d => d.Id == "LOCK003").GetMessage());
    }

    [Fact]
    public async Task ASemaphoreTakenSynchronouslyBelongsToTheThread()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Cache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                void Refresh()
                {
                    {|LOCK102:_gate.Wait()|};
                    try { [|_gate.Wait()|]; }
                    finally { _gate.Release(); }
                }
            }
            """, "LOCK003");
        Assert.Equal(
            "'Cache._gate' (_gate) is taken again while this thread already holds it; SemaphoreSlim is not re-entrant, so the thread waits for itself forever",
            Assert.Single(diagnostics, d => d.Id == "LOCK003").GetMessage());
    }
}
