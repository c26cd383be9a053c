using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>Rules that see through calls: a callee's summary of the locks it may take, to any depth.</summary>
public class SummaryTests
{
    [Fact]
    public async Task SemaphoreTakenAgainThroughACall()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class TokenCache
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                string? _token;
                public async Task<string> GetAsync()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        if (_token is null) await [|RefreshAsync()|];
                        return _token!;
                    }
                    finally { _gate.Release(); }
                }
                async Task RefreshAsync()
                {
                    await _gate.WaitAsync();
                    try { _token = await Task.FromResult("fresh"); } finally { _gate.Release(); }
                }
            }
            """, "LOCK003");
        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains("through TokenCache.RefreshAsync", diagnostic.GetMessage());
        Assert.Equal(2, diagnostic.AdditionalLocations.Count);
    }

    [Fact]
    public Task ThroughTwoCalls() => LockAnalyzerVerifier.VerifyAsync("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void Outer() { _gate.Wait(); try { [|Middle()|]; } finally { _gate.Release(); } }
            void Middle() => Inner();
            void Inner() { _gate.Wait(); _gate.Release(); }
        }
        """, "LOCK003");

    [Fact]
    public Task ReaderWriterReadThenWriteThroughACall() => LockAnalyzerVerifier.VerifyAsync("""
        class Table
        {
            readonly ReaderWriterLockSlim _rw = new();
            readonly Dictionary<int, int> _rows = new();
            int Get(int key)
            {
                _rw.EnterReadLock();
                try { return _rows.TryGetValue(key, out var v) ? v : [|Add(key)|]; }
                finally { _rw.ExitReadLock(); }
            }
            int Add(int key)
            {
                _rw.EnterWriteLock();
                try { return _rows[key] = key; } finally { _rw.ExitWriteLock(); }
            }
        }
        """, "LOCK003");

    [Fact]
    public Task ReentrantMonitorThroughACallIsFine() => LockAnalyzerVerifier.VerifyAsync("""
        class Cache
        {
            readonly object _sync = new();
            void Outer() { lock (_sync) { Inner(); } }
            void Inner() { lock (_sync) { } }
        }
        """);

    [Fact]
    public Task AnotherInstanceThroughACallIsLock004NotLock003() => LockAnalyzerVerifier.VerifyAsync("""
        class Node
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            public Node? Next;
            void Touch() { _gate.Wait(); _gate.Release(); }
            void TouchBoth(Node next)
            {
                _gate.Wait();
                try { {|LOCK004:next.Touch()|}; } finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task TheSameInstanceNamedThroughAParameter() => LockAnalyzerVerifier.VerifyAsync("""
        class Page { public readonly SemaphoreSlim Lock = new(1, 1); }
        static class Cache
        {
            static void Write(Page page) { page.Lock.Wait(); page.Lock.Release(); }
            static void Invalidate(Page page)
            {
                page.Lock.Wait();
                try { {|LOCK003:Write(page)|}; } finally { page.Lock.Release(); }
            }
            static void Copy(Page from, Page to)
            {
                from.Lock.Wait();
                try { {|LOCK004:Write(to)|}; } finally { from.Lock.Release(); }
            }
        }
        """);

    [Fact]
    public Task DeclaredOrderViolatedThroughACall() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly object Rwsem = new();
            public void Resize() { lock (Rwsem) { } }
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            void Fault(Inode inode) { lock (Lock) { [|inode.Resize()|]; } }
        }
        """, "LOCK002");

    /// <summary>In a build this call is checked at compilation end; the pragma around it still applies.</summary>
    [Fact]
    public Task PragmaSilencesAFindingThroughACall() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly object Rwsem = new();
            public void Resize() { lock (Rwsem) { } }
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
        #pragma warning disable LOCK002 // the inode is private to this page here
            void Fault(Inode inode) { lock (Lock) { inode.Resize(); } }
        #pragma warning restore LOCK002
            void Evict(Inode inode) { lock (Lock) { [|inode.Resize()|]; } }
        }
        """, "LOCK002", behaviors: TestBehaviors.SkipSuppressionCheck); // its 'restore' would undo the framework's pragma check

    /// <summary>
    /// A method whose calls under a lock wait for compilation end (in a build) keeps its other
    /// findings, before and after those calls, and reports each once, as the editor does.
    /// </summary>
    [Fact]
    public Task FindingsAroundACallUnderALockAreKept() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly object Rwsem = new();
            public void Resize() { lock (Rwsem) { } }
            [RequiresHeld("Inode.Rwsem")] public void SetSize() { }
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            readonly SemaphoreSlim _io = new(1, 1);
            void Fault(Inode inode)
            {
                {|LOCK101:inode.SetSize()|};
                lock (Lock) { {|LOCK002:inode.Resize()|}; {|LOCK002:inode.Resize()|}; }
                {|LOCK101:inode.SetSize()|};
                {|LOCK102:_io.Wait()|};
            }
        }
        """);

    /// <summary>The same call reached on a normal path and on an exception path is one finding.</summary>
    [Fact]
    public Task ACallUnderALockOnTwoPathsIsReportedOnce() => LockAnalyzerVerifier.VerifyAsync("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            public void Get()
            {
                _gate.Wait();
                try { [|Refill()|]; }
                finally { _gate.Release(); }
            }
            void Refill() { _gate.Wait(); _gate.Release(); }
        }
        """, "LOCK003");

    [Fact]
    public Task CallAfterTheReleaseIsFine() => LockAnalyzerVerifier.VerifyAsync("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void Outer() { _gate.Wait(); _gate.Release(); Inner(); }
            void Inner() { _gate.Wait(); _gate.Release(); }
        }
        """);

    [Fact]
    public Task ContractOfAnInterfaceMemberIsUsedInsteadOfImplementations() => LockAnalyzerVerifier.VerifyAsync("""
        interface IStore { [Excludes("Store.Gate")] void Flush(); }
        class Store : IStore
        {
            [Lock("Store.Gate")] public readonly SemaphoreSlim Gate = new(1, 1);
            public void Flush() { Gate.Wait(); Gate.Release(); }
            void Save(IStore store) { Gate.Wait(); try { {|LOCK003:store.Flush()|}; } finally { Gate.Release(); } }
        }
        """);

    [Fact]
    public Task ImplementationsOfAnUncontractedInterfaceMember() => LockAnalyzerVerifier.VerifyAsync("""
        interface IFlusher { void Flush(); }
        class Journal : IFlusher
        {
            public static readonly SemaphoreSlim Disk = new(1, 1);
            public void Flush() { Disk.Wait(); Disk.Release(); }
        }
        class Writer
        {
            void Write(IFlusher flusher)
            {
                Journal.Disk.Wait();
                try { {|LOCK003:flusher.Flush()|}; } finally { Journal.Disk.Release(); }
            }
        }
        """);

    [Fact]
    public Task StoredLambdaIsNotRunUnderTheCallersLock() => LockAnalyzerVerifier.VerifyAsync("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            Action? _later;
            void Outer()
            {
                _gate.Wait();
                try { _later = () => { _gate.Wait(); _gate.Release(); }; Task.Run(() => Inner()); }
                finally { _gate.Release(); }
            }
            void Inner() { _gate.Wait(); _gate.Release(); }
        }
        """);

    [Fact]
    public Task LambdaRunInPlaceIsUnderTheCallersLock() => LockAnalyzerVerifier.VerifyAsync("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            readonly List<int> _keys = new();
            void Outer()
            {
                _gate.Wait();
                try { {|LOCK003:_keys.ForEach(k => { _gate.Wait(); _gate.Release(); })|}; }
                finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public async Task RequirementFromAReferencedAssembly()
    {
        var library = await LockAnalysis.CompileLibraryAsync("""
            public sealed class Journal
            {
                [Lock("Journal.Gate")] public readonly object Gate = new();
                [RequiresHeld("Journal.Gate")] public void Append(string line) { }
            }
            """, "JournalContracts");
        await LockAnalyzerVerifier.VerifyAsync("""
            class Writer
            {
                void Bad(Journal journal) => [|journal.Append("x")|];
                void Good(Journal journal) { lock (journal.Gate) { journal.Append("x"); } }
            }
            """, "LOCK101", references: new[] { library });
    }

    [Fact]
    public async Task MetadataBodiesAreNotRead()
    {
        var library = await LockAnalysis.CompileLibraryAsync("""
            public sealed class Journal
            {
                public static readonly SemaphoreSlim Gate = new(1, 1);
                public static void Append() { Gate.Wait(); Gate.Release(); }
            }
            """, "JournalBodies");
        await LockAnalyzerVerifier.VerifyAsync("""
            class Writer
            {
                void M() { Journal.Gate.Wait(); try { Journal.Append(); } finally { Journal.Gate.Release(); } }
            }
            """, references: new[] { library });
    }

    [Fact]
    public Task ConstructorAndPropertySummaries() => LockAnalyzerVerifier.VerifyAsync("""
        class Registry
        {
            public static readonly SemaphoreSlim Gate = new(1, 1);
            public Registry() { Gate.Wait(); Gate.Release(); }
            public static int Count { get { Gate.Wait(); try { return 0; } finally { Gate.Release(); } } }
            static void M()
            {
                Gate.Wait();
                try
                {
                    _ = {|LOCK003:new Registry()|};
                    _ = {|LOCK003:Count|};
                }
                finally { Gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task RecursionThroughTheLockIsFoundAndTerminates() => LockAnalyzerVerifier.VerifyAsync("""
        class Tree
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            Tree? _left;
            int Depth() { _gate.Wait(); try { return 1 + ({|LOCK004:_left?.Depth()|} ?? 0); } finally { _gate.Release(); } }
            int Again() { _gate.Wait(); try { return {|LOCK003:Depth()|}; } finally { _gate.Release(); } }
        }
        """);
}
