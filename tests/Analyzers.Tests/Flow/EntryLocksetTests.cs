using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// A private or internal method called only with a re-entrant lock held takes it again without blocking:
/// that re-entry orders nothing. One call site without the lock, or a use as a delegate, and the edge counts.
/// </summary>
public class EntryLocksetTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, "LOCK001", expected: expected);

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Cycle() =>
        LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1);

    [Fact]
    public Task ASchedulerHelperCalledOnlyUnderItsLockIsSilent() => Verify("""
        class Scheduler
        {
            readonly object _queue = new();
            readonly object _workers = new();
            public void Schedule() { lock (_queue) { Dispatch(); } }
            public void Grow() { lock (_queue) { lock (_workers) { } } }
            private void Dispatch() { lock (_workers) { lock (_queue) { } } }
        }
        """);

    [Fact]
    public Task ASchedulerHelperWithOneCallSiteWithoutTheLockIsReported() => Verify("""
        class Scheduler
        {
            readonly object _queue = new();
            readonly object _workers = new();
            public void Schedule() { lock (_queue) { {|#0:Dispatch()|}; } }
            public void Kick() { Dispatch(); }
            private void Dispatch() { lock (_workers) { lock ({|#1:_queue|}) { } } }
        }
        """, Cycle());

    [Fact]
    public Task AHelperUsedAsADelegateIsReported() => Verify("""
        class Scheduler
        {
            readonly object _queue = new();
            readonly object _workers = new();
            public void Schedule() { lock (_queue) { {|#0:Dispatch()|}; } }
            public Action Later() => Dispatch;
            private void Dispatch() { lock (_workers) { lock ({|#1:_queue|}) { } } }
        }
        """, Cycle());

    /// <summary>
    /// Two internal helpers that retake their lock, whose references are looked up together (one pass over the
    /// compilation for both names): the one called only under the lock is silent, the one also used as a delegate in
    /// another class is reported.
    /// </summary>
    [Fact]
    public Task InternalHelpersAreEachJudgedByTheirOwnReferences() => Verify("""
        class Scheduler
        {
            readonly object _queue = new();
            readonly object _workers = new();
            public void Schedule() { lock (_queue) { Dispatch(); } }
            public void Grow() { lock (_queue) { lock (_workers) { } } }
            internal void Dispatch() { lock (_workers) { lock (_queue) { } } }
        }
        class Pool
        {
            readonly object _slots = new();
            readonly object _threads = new();
            public void Take() { lock (_slots) { {|#0:Refill()|}; } }
            internal void Refill() { lock (_threads) { lock ({|#1:_slots|}) { } } }
        }
        class Hooks
        {
            public Action Later(Pool pool) => pool.Refill;
        }
        """, Cycle());

    /// <summary>
    /// An internal helper's references are read where a file's text spells its name, or everywhere in a file that holds a
    /// Unicode escape: a use as a delegate in another file counts whether it is spelled plainly, verbatim or with an escape;
    /// the name in a comment or a string is no use.
    /// </summary>
    [Theory]
    [InlineData("pool.R\\u0065fill", true)]
    [InlineData("pool.@Refill", true)]
    [InlineData("pool.Refill", true)]
    [InlineData("() => { } /* pool.Refill */", false)]
    [InlineData("() => Log(\"Refill\")", false)]
    public Task AnInternalHelperUsedAsADelegateInAnotherFileIsReported(string hook, bool usedAsDelegate) => LockAnalyzerVerifier.VerifyAsync(
        new[]
        {
            usedAsDelegate
                ? """
                    class Pool
                    {
                        readonly object _slots = new();
                        readonly object _threads = new();
                        public void Take() { lock (_slots) { {|#0:Refill()|}; } }
                        internal void Refill() { lock (_threads) { lock ({|#1:_slots|}) { } } }
                    }
                    """
                : """
                    class Pool
                    {
                        readonly object _slots = new();
                        readonly object _threads = new();
                        public void Take() { lock (_slots) { Refill(); } }
                        internal void Refill() { lock (_threads) { lock (_slots) { } } }
                    }
                    """,
            "class Hooks { static void Log(string text) { } public Action Later(Pool pool) => " + hook + "; }",
            "class Unrelated { public int Count; }",
        },
        "LOCK001",
        expected: usedAsDelegate ? new[] { Cycle() } : null);

    [Fact]
    public Task AnAppenderThatRetakesItsLockUnderAMutexIsSilent() => Verify("""
        class FileAppender
        {
            readonly Mutex _file = new(false, "appender");
            public void DoAppend(string line)
            {
                lock (this)
                {
                    _file.WaitOne();
                    try { Append(line); }
                    finally { _file.ReleaseMutex(); }
                }
            }
            public void Roll() { lock (this) { _file.WaitOne(); _file.ReleaseMutex(); } }
            private void Append(string line) { lock (this) { Console.WriteLine(line); } }
        }
        """);

    [Fact]
    public Task AnAppenderCalledWithoutItsLockIsReported() => Verify("""
        class FileAppender
        {
            readonly Mutex _file = new(false, "appender");
            public void DoAppend(string line)
            {
                _file.WaitOne();
                try { {|#0:Append(line)|}; }
                finally { _file.ReleaseMutex(); }
            }
            public void Roll() { lock (this) { {|#1:_file.WaitOne()|}; _file.ReleaseMutex(); } }
            private void Append(string line) { lock (this) { Console.WriteLine(line); } }
        }
        """, Cycle());
}
