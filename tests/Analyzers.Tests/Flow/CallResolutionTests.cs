using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// Which bodies a call can run (Flow/CallDispatch) and what a call site rules out (Flow/ParameterGuard):
/// each shape in a version that is reported and one that stays silent.
/// </summary>
public class CallResolutionTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, expected: expected);

    /// <summary>The cycle, reported on the edge that comes first in the source (#0, in the first class), with the other (#1).</summary>
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Cycle() => LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1);

    private static readonly string QuietPool = Pool.Replace("{|#0:cache.Touch()|}", "cache.Touch()");

    /// <summary>The other half of every cycle below: Pool holds its lock while it calls into Cache, which takes Cache._a.</summary>
    private const string Pool = """
        class Pool : IDisposable, IStore
        {
            readonly object _b = new();
            public void Dispose() { lock (_b) { } }
            public void Put() { lock (_b) { } }
            public void Use(Cache cache) { lock (_b) { {|#0:cache.Touch()|}; } }
        }

        interface IStore { void Put(); }
        interface IResource : IDisposable { }
        """;

    [Fact]
    public Task UsingOnALibraryTypeReachesNoSourceDispose() => Verify(QuietPool + """
        class Cache
        {
            readonly object _a = new();
            public void Touch() { lock (_a) { } }
            public void Save()
            {
                lock (_a)
                {
                    using (var writer = new System.IO.StringWriter()) { writer.Write("x"); }
                }
            }
        }
        """);

    [Fact]
    public Task ForeachOverAListReachesNoSourceDispose() => Verify(QuietPool + """
        class Cache
        {
            readonly object _a = new();
            readonly List<int> _items = new();
            public void Touch() { lock (_a) { } }
            public int Sum()
            {
                lock (_a)
                {
                    var sum = 0;
                    foreach (var item in _items) sum += item;
                    return sum;
                }
            }
        }
        """);

    [Fact]
    public Task DisposeOnAnIDisposableTypedValueReachesNoSourceDispose() => Verify(QuietPool + """
        class Cache
        {
            readonly object _a = new();
            public void Touch() { lock (_a) { } }
            public void Release(object item)
            {
                lock (_a) { (item as IDisposable)?.Dispose(); }
            }
        }
        """);

    [Fact]
    public Task DisposeOnAProgramInterfaceReachesItsImplementations() => Verify(Pool + """
        class Cache
        {
            readonly object _a = new();
            IResource? _resource;
            public void Touch() { lock (_a) { } }
            public void Release()
            {
                lock (_a) { {|#1:_resource?.Dispose()|}; }
            }
        }

        class Handle : IResource
        {
            readonly Pool _pool = new();
            public void Dispose() => _pool.Dispose();
        }
        """, Cycle());

    [Fact]
    public Task AnInterfaceCallReachesTheImplementationsOfThatInterface() => Verify(Pool + """
        class Cache
        {
            readonly object _a = new();
            readonly IStore _store = new Pool();
            public void Touch() { lock (_a) { } }
            public void Save() { lock (_a) { {|#1:_store.Put()|}; } }
        }
        """, Cycle());

    [Fact]
    public Task AnInterfaceCallDoesNotReachTypesThatDoNotImplementIt() => Verify(QuietPool + """
        interface IJournal { void Put(); }
        class Journal : IJournal { public void Put() { } }
        class Cache
        {
            readonly object _a = new();
            readonly IJournal _journal = new Journal();
            public void Touch() { lock (_a) { } }
            public void Save() { lock (_a) { _journal.Put(); } }
        }
        """);

    [Fact]
    public Task GenericArgumentsChooseTheImplementation() => Verify("""
        interface ISource<T> { T Get(); }
        class Items : ISource<string>
        {
            readonly object _b = new();
            public string Get() { lock (_b) { return ""; } }
            public void Use(Cache cache) { lock (_b) { cache.Touch(); } }
        }
        class Numbers : ISource<int> { public int Get() => 1; }
        class Cache
        {
            readonly object _a = new();
            readonly ISource<int> _numbers = new Numbers();
            public void Touch() { lock (_a) { } }
            public int Read() { lock (_a) { return _numbers.Get(); } }
        }
        """);

    [Fact]
    public Task GenericArgumentsThatMatchStillReachIt() => Verify("""
        interface ISource<T> { T Get(); }
        class Items : ISource<string>
        {
            readonly object _b = new();
            public string Get() { lock (_b) { return ""; } }
            public void Use(Cache cache) { lock (_b) { {|#0:cache.Touch()|}; } }
        }
        class Cache
        {
            readonly object _a = new();
            readonly ISource<string> _items = new Items();
            public void Touch() { lock (_a) { } }
            public string Read() { lock (_a) { return {|#1:_items.Get()|}; } }
        }
        """, Cycle());

    [Fact]
    public Task BaseCallRunsTheBaseBodyNotASiblingOverride() => Verify("""
        abstract class Channel { public virtual void Close() { } }
        class Left : Channel
        {
            readonly object _b = new();
            public override void Close() { lock (_b) { } }
            public void Use(Right right) { lock (_b) { right.Touch(); } }
        }
        class Right : Channel
        {
            readonly object _a = new();
            public void Touch() { lock (_a) { } }
            public override void Close() { lock (_a) { base.Close(); } }
        }
        """);

    [Fact]
    public Task VirtualCallOnTheBaseTypeReachesEveryOverride() => Verify("""
        abstract class Channel { public virtual void Close() { } }
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
        """, Cycle());

    [Fact]
    public Task ASealedReceiverRunsItsOwnOverrideOnly() => Verify("""
        abstract class Channel { public virtual void Close() { } }
        class Left : Channel
        {
            readonly object _b = new();
            public override void Close() { lock (_b) { } }
            public void Use(Right right) { lock (_b) { right.Touch(); } }
        }
        sealed class Quiet : Channel { public override void Close() { } }
        class Right : Channel
        {
            readonly object _a = new();
            readonly Quiet _peer = new();
            public void Touch() { lock (_a) { } }
            public override void Close() { lock (_a) { _peer.Close(); } }
        }
        """);

    private const string Store = """
        class Store
        {
            readonly SemaphoreSlim _gate = new(1, 1);

            public async Task DeleteAsync(bool held)
            {
                if (!held) await _gate.WaitAsync();
                try { await Task.Yield(); }
                finally { if (!held) _gate.Release(); }
            }

            public async Task ForwardAsync(bool held) => await DeleteAsync(held);

            public async Task RemoveAsync()
            {
                await _gate.WaitAsync();
                try { await CALL; }
                finally { _gate.Release(); }
            }
        }
        """;

    [Fact]
    public Task ALockHeldFlagPassedAsTrueRulesTheAcquisitionOut() => Verify(Store.Replace("CALL", "DeleteAsync(held: true)"));

    [Fact]
    public Task ALockHeldFlagPassedAsFalseIsASelfDeadlock() =>
        LockAnalyzerVerifier.VerifyAsync(Store.Replace("CALL", "[|DeleteAsync(held: false)|]"), "LOCK003");

    [Fact]
    public Task AFlagForwardedThroughACallerKeepsItsCondition() => Verify(Store.Replace("CALL", "ForwardAsync(true)"));

    [Fact]
    public Task AFlagForwardedAsFalseIsStillASelfDeadlock() =>
        LockAnalyzerVerifier.VerifyAsync(Store.Replace("CALL", "[|ForwardAsync(false)|]"), "LOCK003");

    [Fact]
    public Task ACalleeThatReleasesBeforeItTakesIsEnteredHoldingTheLock() => LockAnalyzerVerifier.VerifyAsync("""
        class Recovery
        {
            readonly SemaphoreSlim _gate = new(1, 1);

            public async Task RecoverAsync()
            {
                await _gate.WaitAsync();
                try { await NotifyAsync(); }
                finally { _gate.Release(); }
            }

            [TemporarilyReleases("Recovery._gate")]
            async Task NotifyAsync()
            {
                _gate.Release();
                try { await Task.Yield(); }
                finally { await _gate.WaitAsync(); }
            }
        }
        """);

    [Fact]
    public Task ACalleeThatTakesFirstIsASelfDeadlock() => LockAnalyzerVerifier.VerifyAsync("""
        class Recovery
        {
            readonly SemaphoreSlim _gate = new(1, 1);

            public async Task RecoverAsync()
            {
                await _gate.WaitAsync();
                try { await [|NotifyAsync()|]; }
                finally { _gate.Release(); }
            }

            async Task NotifyAsync()
            {
                await _gate.WaitAsync();
                try { await Task.Yield(); }
                finally { _gate.Release(); }
            }
        }
        """, "LOCK003");

    [Fact]
    public Task RetakingAReentrantLockTheThreadHoldsOrdersNothing() => Verify("""
        class Scheduler
        {
            readonly object _sync = new();
            readonly object _queue = new();
            void Run() { lock (_sync) { lock (_queue) { Pump(); lock (_sync) { } } } }
            void Pump() { lock (_sync) { } }
        }
        """);

    [Fact]
    public Task TakingItWithoutHoldingItFirstIsAnOrder() => Verify("""
        class Scheduler
        {
            readonly object _sync = new();
            readonly object _queue = new();
            void Run() { lock (_sync) { lock ({|#0:_queue|}) { Pump(); } } }
            void Drain() { lock (_queue) { {|#1:Pump()|}; } }
            void Pump() { lock (_sync) { } }
        }
        """, Cycle());
}
