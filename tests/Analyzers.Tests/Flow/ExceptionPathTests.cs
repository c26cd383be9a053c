using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// A lock statement, a using scope and a try/finally release their lock on every way out, exceptions
/// included: a catch or finally around them does not hold it. Each shape has a twin where the handler
/// really does hold the lock.
/// </summary>
public class ExceptionPathTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, expected: expected);

    [Fact]
    public Task ACatchAroundALockStatementDoesNotHoldIt() => Verify("""
        class Queue
        {
            readonly object _sync = new();
            bool _disposed;
            int TryTake()
            {
                try
                {
                    lock (_sync) { if (_disposed) return 1; }
                    return 2;
                }
                catch (OperationCanceledException) { return 3; }
            }
        }
        """);

    [Fact]
    public Task AReadLockReleasedInItsOwnFinallyIsNotHeldInTheOuterCatch() => Verify("""
        class Index
        {
            readonly ReaderWriterLockSlim _rw = new();
            int Count()
            {
                try
                {
                    _rw.EnterReadLock();
                    try { return 1; } finally { _rw.ExitReadLock(); }
                }
                catch (Exception) { return 0; }
            }
        }
        """);

    [Fact]
    public Task AMonitorReleasedInItsOwnFinallyIsNotHeldInTheOuterCatch() => Verify("""
        class Log
        {
            readonly object _sync = new();
            void Write(string line)
            {
                try
                {
                    Monitor.Enter(_sync);
                    try { Console.WriteLine(line); } finally { Monitor.Exit(_sync); }
                }
                catch (IOException) { Console.WriteLine("lost"); }
            }
        }
        """.Replace("IOException", "System.IO.IOException"));

    [Fact]
    public Task ALockTakenFlagTellsTheOuterCatchNothingIsHeld() => Verify("""
        class Log
        {
            readonly object _sync = new();
            void Write(string line)
            {
                try
                {
                    var taken = false;
                    try { Monitor.Enter(_sync, ref taken); Console.WriteLine(line); }
                    finally { if (taken) Monitor.Exit(_sync); }
                }
                catch (Exception) { Console.WriteLine("lost"); }
            }
        }
        """);

    [Fact]
    public Task ACatchInsideTheLockStatementHoldsIt() => Verify("""
        class Log
        {
            readonly object _sync = new();
            void Write(string line)
            {
                {|LOCK102:Monitor.Enter(_sync)|};
                try { Console.WriteLine(line); Monitor.Exit(_sync); }
                catch (Exception) { Console.WriteLine("lost"); }
            }
        }
        """);

    [Fact]
    public Task NoOrderEdgeFromALockStatementIntoTheCatchAfterIt() => Verify("""
        class Store
        {
            readonly object _a = new();
            readonly object _b = new();
            void Save()
            {
                try { lock (_a) { Console.WriteLine("save"); } }
                catch (Exception) { lock (_b) { Console.WriteLine("log"); } }
            }
            void Audit() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task ACatchInsideTheLockStatementOrdersItsLocks() => Verify("""
        class Store
        {
            readonly object _a = new();
            readonly object _b = new();
            void Save()
            {
                lock (_a)
                {
                    try { Console.WriteLine("save"); }
                    catch (Exception) { lock ({|#0:_b|}) { Console.WriteLine("log"); } }
                }
            }
            void Audit() { lock (_b) { lock ({|#1:_a|}) { } } }
        }
        """, LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1));

    [Fact]
    public Task NoOrderEdgeFromAUsingScopeIntoTheFinallyAfterIt() => LockAnalyzerVerifier.VerifyAsync("""
        class Store
        {
            readonly Lock _a = new();
            readonly Lock _b = new();
            void Save()
            {
                try { using (_a.EnterScope()) { Console.WriteLine("save"); } }
                finally { using (_b.EnterScope()) { Console.WriteLine("log"); } }
            }
            void Audit() { using (_b.EnterScope()) { using (_a.EnterScope()) { } } }
        }
        """, referenceAssemblies: LockTestSetup.Net100);

    private const string Recovery = """
        class Connection
        {
            readonly SemaphoreSlim _entities = new(1, 1);
            Func<Task>? _queueRenamed;
            public async Task RecoverQueuesAsync(CancellationToken ct)
            {
                await _entities.WaitAsync(ct);
                try
                {
                    try
                    {
                        if (_queueRenamed != null)
                        {
                            try
                            {
                                _entities.Release();
                                await _queueRenamed().ConfigureAwait(false);
                            }
                            finally
                            {
                                await _entities.WaitAsync(ct).ConfigureAwait(false);
                            }
                        }
                    }
                    catch (Exception)
                    {
                        CATCH
                    }
                }
                finally { _entities.Release(); }
            }
        }
        """;

    [Fact]
    public Task AReacquisitionThatThrowsInAFinallyReachesTheCatchWithoutTheLock() =>
        LockAnalyzerVerifier.VerifyAsync(Recovery.Replace("CATCH", "if (_queueRenamed != null) { [|_entities.Release()|]; await _entities.WaitAsync(ct).ConfigureAwait(false); }")
            .Replace("finally { _entities.Release(); }", "finally { [|_entities.Release()|]; }"), "LOCK102");

    [Fact]
    public Task ACatchThatDoesNotReleaseAfterAReacquisitionIsSilentThere() =>
        LockAnalyzerVerifier.VerifyAsync(Recovery.Replace("CATCH", "Console.WriteLine(\"recovery failed\");")
            .Replace("finally { _entities.Release(); }", "finally { [|_entities.Release()|]; }"), "LOCK102");
}
