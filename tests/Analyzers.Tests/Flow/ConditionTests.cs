using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// A lock taken under a condition and released under the same unchanged condition is balanced: a bool,
/// a comparison, the null test of a <c>?.</c> receiver. A condition that changed in between, or the
/// opposite condition, is reported. Re-entrant locks count their entries.
/// </summary>
public class ConditionTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, "LOCK102", expected: expected);

    [Fact]
    public Task ANullConditionalPairBalances() => Verify("""
        class Log
        {
            readonly Mutex? _fileMutex = OperatingSystem.IsWindows() ? new Mutex(false, "log") : null;
            public void Write(string line)
            {
                _fileMutex?.WaitOne();
                try { Console.WriteLine(line); }
                finally { _fileMutex?.ReleaseMutex(); }
            }
        }
        """);

    [Fact]
    public Task ANestedNullConditionalPairBalances() => Verify("""
        class Box { public Mutex? File; }
        class Log
        {
            readonly Box? _box = new();
            public void Write(string line)
            {
                _box?.File?.WaitOne();
                try { Console.WriteLine(line); }
                finally { _box?.File?.ReleaseMutex(); }
            }
        }
        """);

    [Fact]
    public Task ANullConditionalReleaseOfAnotherReceiverIsReported() => Verify("""
        class Log
        {
            readonly Mutex? _fileMutex = new Mutex();
            public void Write(Mutex? other, string line)
            {
                [|_fileMutex?.WaitOne()|];
                try { Console.WriteLine(line); }
                finally { [|other?.ReleaseMutex()|]; }
            }
        }
        """);

    [Fact]
    public Task ANullConditionalAcquisitionStillOrdersLocks() => LockAnalyzerVerifier.VerifyAsync("""
        class Log
        {
            readonly Mutex? _fileMutex = new Mutex();
            readonly object _buffer = new();
            void Append() { _fileMutex?.WaitOne(); try { } finally { _fileMutex?.ReleaseMutex(); } }
            public void Flush() { lock (_buffer) { {|#0:Append()|}; } }
            public void Rotate() { _fileMutex?.WaitOne(); try { lock ({|#1:_buffer|}) { } } finally { _fileMutex?.ReleaseMutex(); } }
        }
        """, "LOCK001", expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) });

    [Fact]
    public Task NullConditionalAcquisitionsInOneOrderAreSilent() => LockAnalyzerVerifier.VerifyAsync("""
        class Log
        {
            readonly Mutex? _fileMutex = new Mutex();
            readonly object _buffer = new();
            void Append() { _fileMutex?.WaitOne(); try { } finally { _fileMutex?.ReleaseMutex(); } }
            public void Flush() { lock (_buffer) { Append(); } }
            public void Rotate() { lock (_buffer) { _fileMutex?.WaitOne(); try { } finally { _fileMutex?.ReleaseMutex(); } } }
        }
        """, "LOCK001");

    [Fact]
    public Task AComparisonTestedTwiceBalances() => Verify("""
        class Pool
        {
            readonly object _gate = new();
            public void Return(int state)
            {
                if (state > 0) Monitor.Enter(_gate);
                Console.WriteLine("returned");
                if (state > 0) Monitor.Exit(_gate);
            }
            public void Release(int state)
            {
                if (state > 0) Monitor.Enter(_gate);
                Console.WriteLine("released");
                if (!(state <= 0)) Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task AComparisonThatChangedInBetweenIsReported() => Verify("""
        class Pool
        {
            readonly object _gate = new();
            public void Return(int state)
            {
                if (state > 0) [|Monitor.Enter(_gate)|];
                state--;
                if (state > 0) [|Monitor.Exit(_gate)|];
            }
        }
        """);

    [Fact]
    public Task TheOppositeComparisonIsReported() => Verify("""
        class Pool
        {
            readonly object _gate = new();
            public void Return(int state)
            {
                if (state > 0) [|Monitor.Enter(_gate)|];
                Console.WriteLine("returned");
                if (state <= 0) [|Monitor.Exit(_gate)|];
            }
        }
        """);

    [Fact]
    public Task ALockTakenAfterAnEarlyReturnDoesNotDependOnItsCondition() => Verify("""
        class Pool
        {
            readonly object _gate = new();
            int _count;
            public void Drain(int state)
            {
                if (state > 0) return;
                Monitor.Enter(_gate);
                try
                {
                    if (state > 0) Console.WriteLine("never");
                    if (_count > 0) Console.WriteLine("busy");
                    if (_count > 0) _count--;
                }
                finally { Monitor.Exit(_gate); }
            }
        }
        """);

    private const string Recorder = """
        class Recorder
        {
            readonly SemaphoreSlim _entities = new(1, 1);
            async Task DeleteAsync(string name, bool entitiesHeld)
            {
                if (entitiesHeld)
                {
                    Forget(name);
                }
                else
                {
                    await {|#2:_entities.WaitAsync()|};
                    try { Forget(name); } finally { _entities.Release(); }
                }
            }
            void Forget(string name) { }

        """;

    [Fact]
    public Task AFlagParameterCheckedBeforeItIsPassedOnRulesTheAcquisitionOut() => LockAnalyzerVerifier.VerifyAsync(LockAnalysis.WithoutMarkup(Recorder) + """
            public async Task RecoverAsync(bool entitiesHeld)
            {
                if (false == entitiesHeld) throw new InvalidOperationException("the entities semaphore must be held");
                await _entities.WaitAsync();
                try { await DeleteAsync("old", entitiesHeld); } finally { _entities.Release(); }
            }
        }
        """, "LOCK003");

    [Fact]
    public Task AFlagParameterPassedOnUncheckedKeepsTheAcquisition() => LockAnalyzerVerifier.VerifyAsync(Recorder + """
            public async Task RecoverAsync(bool entitiesHeld)
            {
                await {|#1:_entities.WaitAsync()|};
                try { await {|#0:DeleteAsync("old", entitiesHeld)|}; } finally { _entities.Release(); }
            }
        }
        """, "LOCK003", expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK003").WithLocation(0).WithLocation(1).WithLocation(2) });

    [Fact]
    public Task TwoLoopsWithLocalsOfOneNameAreTwoConditions() => Verify("""
        class Pages
        {
            readonly object _gate = new();
            public bool Link(int count, bool[] same)
            {
                for (var offset = 0; offset < count; offset++)
                {
                    if (!same[offset]) return false;
                }

                for (var offset = 0; offset < count; offset++)
                {
                    [|Monitor.Exit(_gate)|];
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task MonitorEnteredTwiceAndExitedTwiceBalances() => Verify("""
        class Cache
        {
            readonly object _gate = new();
            readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.SupportsRecursion);
            public void Nest() { Monitor.Enter(_gate); Monitor.Enter(_gate); Monitor.Exit(_gate); Monitor.Exit(_gate); }
            public void Read() { _rw.EnterReadLock(); _rw.EnterReadLock(); _rw.ExitReadLock(); _rw.ExitReadLock(); }
        }
        """);

    [Fact]
    public Task MonitorEnteredTwiceAndExitedOnceIsReported() => Verify("""
        class Cache
        {
            readonly object _gate = new();
            public void Nest() { [|Monitor.Enter(_gate)|]; Monitor.Enter(_gate); Monitor.Exit(_gate); }
        }
        """);
}
