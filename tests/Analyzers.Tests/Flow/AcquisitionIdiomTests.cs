using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>Real-code idioms around acquisitions that may fail: silent when the code is right, reported when it is not.</summary>
public class AcquisitionIdiomTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK102");

    [Fact]
    public Task AnAcquiredFlagSetAfterTheWaitGuardsTheRelease() => Verify("""
        class Channel
        {
            readonly SemaphoreSlim _rpc = new(1, 1);
            async Task OpenAsync(CancellationToken ct)
            {
                bool acquired = false;
                try
                {
                    await _rpc.WaitAsync(ct);
                    acquired = true;
                    Console.WriteLine("open");
                }
                finally
                {
                    if (acquired) _rpc.Release();
                }
            }
        }
        """);

    [Fact]
    public Task AnAcquiredFlagThatIsNotTestedLeavesAnOverRelease() => Verify("""
        class Channel
        {
            readonly SemaphoreSlim _rpc = new(1, 1);
            async Task OpenAsync(CancellationToken ct)
            {
                bool acquired = false;
                try
                {
                    await _rpc.WaitAsync(ct);
                    acquired = true;
                    Console.WriteLine(acquired);
                }
                finally
                {
                    [|_rpc.Release()|];
                }
            }
        }
        """);

    [Fact]
    public Task AnAwaitedTryWaitWithConfigureAwaitIsTracked() => Verify("""
        class Session
        {
            readonly SemaphoreSlim _closing = new(1, 1);
            async Task CloseAsync(TimeSpan timeout, CancellationToken ct)
            {
                if (await _closing.WaitAsync(timeout, ct).ConfigureAwait(false))
                {
                    try { Console.WriteLine("closing"); } finally { _closing.Release(); }
                }
            }
        }
        """);

    [Fact]
    public Task AnAwaitedTryWaitWithConfigureAwaitIsTrackedThroughALocal() => Verify("""
        class Session
        {
            readonly SemaphoreSlim _closing = new(1, 1);
            async Task CloseAsync(TimeSpan timeout)
            {
                var entered = await _closing.WaitAsync(timeout).ConfigureAwait(false);
                if (!entered) return;
                try { Console.WriteLine("closing"); } finally { _closing.Release(); }
            }
        }
        """);

    [Fact]
    public Task ReleasingAfterAFailedTryWaitIsReported() => Verify("""
        class Session
        {
            readonly SemaphoreSlim _closing = new(1, 1);
            async Task CloseAsync(TimeSpan timeout)
            {
                var entered = await _closing.WaitAsync(timeout).ConfigureAwait(false);
                Console.WriteLine(entered);
                [|_closing.Release()|];
            }
        }
        """);

    [Fact]
    public Task ASemaphorePassedInIsNotTakenForALock() => Verify("""
        class Bulkhead
        {
            static void SafeRelease(SemaphoreSlim semaphore) => semaphore.Release();

            void Run(SemaphoreSlim throttle, Action action)
            {
                if (!throttle.Wait(TimeSpan.Zero)) throw new InvalidOperationException("full");
                try { action(); } finally { SafeRelease(throttle); }
            }
        }
        """);

    [Fact]
    public Task AOneSlotSemaphoreFieldLeftTakenIsReported() => Verify("""
        class Bulkhead
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void Run(Action action)
            {
                [|_gate.Wait()|];
                action();
            }
        }
        """);

    [Fact]
    public Task ATryEnterFlagTestedInTheTryAndInTheFinally() => Verify("""
        class Scheduler
        {
            readonly List<int> _tasks = new();
            IEnumerable<int> Snapshot()
            {
                var lockTaken = false;
                try
                {
                    Monitor.TryEnter(_tasks, ref lockTaken);
                    if (lockTaken) return _tasks;
                    else throw new NotSupportedException();
                }
                finally
                {
                    if (lockTaken) Monitor.Exit(_tasks);
                }
            }
        }
        """);

    [Fact]
    public Task ATimedTryEnterWithAnEarlyReturn() => Verify("""
        class Scheduler
        {
            readonly object _sync = new();
            bool TryRun(TimeSpan timeout)
            {
                bool taken = false;
                try
                {
                    Monitor.TryEnter(_sync, timeout, ref taken);
                    if (!taken) return false;
                    return true;
                }
                finally
                {
                    if (taken) Monitor.Exit(_sync);
                }
            }
        }
        """);

    [Fact]
    public Task ATryEnterFlagNotTestedBeforeTheExitIsReported() => Verify("""
        class Scheduler
        {
            readonly object _sync = new();
            bool TryRun(TimeSpan timeout)
            {
                bool taken = false;
                try
                {
                    Monitor.TryEnter(_sync, timeout, ref taken);
                    return taken;
                }
                finally
                {
                    [|Monitor.Exit(_sync)|];
                }
            }
        }
        """);

    [Fact]
    public Task TryAcquisitionsThatWaitForeverAlwaysSucceed() => Verify("""
        class Index
        {
            readonly ReaderWriterLockSlim _rw = new();
            readonly SemaphoreSlim _gate = new(1, 1);
            readonly Mutex _mutex = new();
            void Read() { _rw.TryEnterReadLock(-1); try { } finally { _rw.ExitReadLock(); } }
            void Write() { _rw.TryEnterWriteLock(Timeout.Infinite); try { } finally { _rw.ExitWriteLock(); } }
            void Gate() { _gate.Wait(-1); try { } finally { _gate.Release(); } }
            void Forever() { _mutex.WaitOne(Timeout.InfiniteTimeSpan); try { } finally { _mutex.ReleaseMutex(); } }
            async Task GateAsync() { await _gate.WaitAsync(Timeout.Infinite); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task ATryAcquisitionWithATimeoutMayFail() => Verify("""
        class Index
        {
            readonly ReaderWriterLockSlim _rw = new();
            void Read() { _rw.TryEnterReadLock(100); try { } finally { [|_rw.ExitReadLock()|]; } }
        }
        """);

    [Fact]
    public Task AnAbandonedMutexIsHeldInItsCatch() => Verify("""
        class Store
        {
            readonly Mutex _mutex = new();
            void Save()
            {
                try { _mutex.WaitOne(); }
                catch (AbandonedMutexException) { Console.WriteLine("the last owner died"); }
                try { } finally { _mutex.ReleaseMutex(); }
            }
        }
        """);

    [Fact]
    public Task ReturningFromTheAbandonedMutexCatchKeepsTheMutex() => Verify("""
        class Store
        {
            readonly Mutex _mutex = new();
            void Save()
            {
                try { [|_mutex.WaitOne()|]; }
                catch (AbandonedMutexException) { return; }
                try { } finally { _mutex.ReleaseMutex(); }
            }
        }
        """);

    [Fact]
    public Task AFlagSetByEnterOnOneBranchAndTryEnterOnTheOther() => Verify("""
        class Target
        {
            readonly object _sync = new();
            Task? _previous;
            void Write()
            {
                bool lockTaken = false;
                try
                {
                    if (_previous is null)
                        Monitor.Enter(_sync, ref lockTaken);
                    else
                        Monitor.TryEnter(_sync, 50, ref lockTaken);
                    Console.WriteLine("queued");
                }
                finally
                {
                    if (lockTaken)
                        Monitor.Exit(_sync);
                }
            }
        }
        """);

    [Fact]
    public Task AFlagSetOnTwoBranchesButNotTestedIsReported() => Verify("""
        class Target
        {
            readonly object _sync = new();
            Task? _previous;
            void Write()
            {
                bool lockTaken = false;
                try
                {
                    if (_previous is null)
                        Monitor.Enter(_sync, ref lockTaken);
                    else
                        Monitor.TryEnter(_sync, 50, ref lockTaken);
                    Console.WriteLine("queued");
                }
                finally
                {
                    [|Monitor.Exit(_sync)|];
                }
            }
        }
        """);

    [Fact]
    public Task AFlagAssignedFromTryEnterWithACatchBeforeTheFinally() => Verify("""
        class Buffering
        {
            readonly object _lock = new();
            void FlushCallback(int timeout)
            {
                bool lockTaken = false;
                try
                {
                    lockTaken = Monitor.TryEnter(_lock, timeout);
                    if (lockTaken)
                    {
                        if (timeout < 0) return;
                        Console.WriteLine("flushed");
                    }
                }
                catch (Exception exception)
                {
                    Console.WriteLine(exception);
                }
                finally
                {
                    if (lockTaken)
                        Monitor.Exit(_lock);
                }
            }
        }
        """);
}
