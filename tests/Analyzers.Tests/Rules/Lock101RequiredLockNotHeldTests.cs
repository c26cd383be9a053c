using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock101RequiredLockNotHeldTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK101");

    /// <summary>For cases that use System.Threading.Lock (.NET 9 and later).</summary>
    private static Task VerifyOnNet10(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK101", referenceAssemblies: LockTestSetup.Net100);

    private const string Ledger = """
        public sealed class Ledger
        {
            [Lock("Ledger.Gate")] private readonly object _gate = new();
            private decimal _total;
            [RequiresHeld("Ledger.Gate")] private void AddToTotal(decimal amount) => _total += amount;

        """;

    [Fact]
    public async Task CallWithoutTheLock()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Ledger + """
                public void Reset() => [|AddToTotal(-_total)|];
            }
            """, "LOCK101");
        Assert.Equal(
            "'Ledger.AddToTotal' requires 'Ledger.Gate' (_gate) held, but it is not held here; the state it guards can change underneath the call",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task CallInsideTheLockIsSilent() => Verify(Ledger + """
            public void Reset() { lock (_gate) { AddToTotal(-_total); } }
        }
        """);

    [Fact]
    public Task CallerThatItselfRequiresTheLockIsSilent() => Verify(Ledger + """
            [RequiresHeld("Ledger.Gate")] public void Reset() => AddToTotal(-_total);
        }
        """);

    [Fact]
    public Task CallAfterTheLockWasReleased() => Verify(Ledger + """
            public void Reset()
            {
                lock (_gate) { AddToTotal(1); }
                [|AddToTotal(-_total)|];
            }
        }
        """);

    [Fact]
    public async Task HeldOnOnlySomePaths()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Ledger + """
                public void Post(bool locked, decimal amount)
                {
                    if (locked) Monitor.Enter(_gate);
                    [|AddToTotal(amount)|];
                    if (locked) Monitor.Exit(_gate);
                }
            }
            """, "LOCK101");
        Assert.Contains("not held on every path", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task SharedHolderWhereExclusiveIsRequired()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Inode
            {
                [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
                long _size;
                [RequiresHeld("Inode.Rwsem")] void SetSize(long size) => _size = size;
                void Truncate(long size)
                {
                    _rwsem.EnterReadLock();
                    try { [|SetSize(size)|]; }
                    finally { _rwsem.ExitReadLock(); }
                }
            }
            """, "LOCK101");
        Assert.Contains("held only in read mode", Assert.Single(diagnostics).GetMessage());
        Assert.Single(diagnostics[0].AdditionalLocations);
    }

    [Fact]
    public Task SharedRequirementIsSatisfiedByAReadLock() => Verify("""
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            long _size;
            [RequiresHeld("Inode.Rwsem", Shared = true)] long GetSize() => _size;
            long Read()
            {
                _rwsem.EnterReadLock();
                try { return GetSize(); }
                finally { _rwsem.ExitReadLock(); }
            }
        }
        """);

    [Fact]
    public Task ExclusiveRequirementIsSatisfiedByTheWriteLock() => Verify("""
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            long _size;
            [RequiresHeld("Inode.Rwsem")] void SetSize(long size) => _size = size;
            void Truncate(long size)
            {
                _rwsem.EnterWriteLock();
                try { SetSize(size); }
                finally { _rwsem.ExitWriteLock(); }
            }
        }
        """);

    [Fact]
    public Task UpgradeableIsNotExclusive() => Verify("""
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            long _size;
            [RequiresHeld("Inode.Rwsem")] void SetSize(long size) => _size = size;
            void Truncate(long size)
            {
                _rwsem.EnterUpgradeableReadLock();
                try { [|SetSize(size)|]; }
                finally { _rwsem.ExitUpgradeableReadLock(); }
            }
        }
        """);

    [Fact]
    public Task AnotherInstancesLockDoesNotCount() => Verify("""
        class Inode
        {
            [Lock("Inode.Lock")] public readonly object Lock = new();
            public long Size;
            [RequiresHeld("Inode.Lock")] public void Shrink(long size) => Size = size;
        }
        class Copy
        {
            void M(Inode src, Inode dst)
            {
                lock (src.Lock) { [|dst.Shrink(0)|]; }
            }
        }
        """);

    [Fact]
    public Task RequirementOnAParameter() => Verify("""
        class Inode { [Lock("Inode.Lock")] public readonly object Lock = new(); public long Size; }
        static class Truncation
        {
            [RequiresHeld("Inode.Lock", On = "inode")] static void SetSize(Inode inode, long size) => inode.Size = size;
            static void Good(Inode inode) { lock (inode.Lock) { SetSize(inode, 0); } }
            static void Bad(Inode inode, Inode other) { lock (other.Lock) { [|SetSize(inode, 0)|]; } }
        }
        """);

    [Fact]
    public Task PropertyThatRequiresTheLock() => Verify("""
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] public int Count => _count;
            public int Peek() => [|Count|];
            public int Read() { lock (_sync) { return Count; } }
        }
        """);

    [Fact]
    public Task StaticLockRequiredByAStaticMethod() => Verify("""
        static class Registry
        {
            static readonly object Gate = new();
            static readonly Dictionary<string, int> Items = new();
            [RequiresHeld("Registry.Gate")] static void Add(string key) => Items[key] = 1;
            static void Good(string key) { lock (Gate) { Add(key); } }
            static void Bad(string key) => [|Add(key)|];
        }
        """);

    [Fact]
    public Task MonitorWaitWithoutHoldingTheObject() => Verify("""
        class Queue
        {
            readonly object _sync = new();
            readonly Queue<int> _items = new();
            int Take()
            {
                while (_items.Count == 0) [|Monitor.Wait(_sync)|];
                return _items.Dequeue();
            }
        }
        """);

    [Fact]
    public Task MonitorPulseWithoutHoldingTheObject() => Verify("""
        class Queue
        {
            readonly object _sync = new();
            void Put() { [|Monitor.PulseAll(_sync)|]; }
        }
        """);

    [Fact]
    public Task MonitorWaitAndPulseUnderTheLockAreFine() => Verify("""
        class Queue
        {
            readonly object _sync = new();
            readonly Queue<int> _items = new();
            int Take()
            {
                lock (_sync)
                {
                    while (_items.Count == 0) Monitor.Wait(_sync);
                    return _items.Dequeue();
                }
            }
            void Put(int item) { lock (_sync) { _items.Enqueue(item); Monitor.Pulse(_sync); } }
        }
        """);

    [Fact]
    public Task InterfaceContractAppliesToCallsThroughTheInterface() => Verify("""
        interface IStore { [RequiresHeld("Store.Gate")] void Put(int value); }
        class Store : IStore
        {
            [Lock("Store.Gate")] public readonly object Gate = new();
            public void Put(int value) { }
        }
        class User
        {
            void M(IStore store) => [|store.Put(1)|];
        }
        """);

    [Fact]
    public Task ImplementationInheritsTheInterfaceContract() => Verify("""
        interface IStore { [RequiresHeld("Store.Gate")] void Put(int value); }
        class Store : IStore
        {
            [Lock("Store.Gate")] public readonly object Gate = new();
            public void Put(int value) { }
            void Fill() { [|Put(1)|]; lock (Gate) { Put(2); } }
        }
        """);

    [Fact]
    public Task OverrideInheritsTheBaseContract() => Verify("""
        abstract class Table
        {
            [Lock("Table.Gate")] protected readonly object Gate = new();
            [RequiresHeld("Table.Gate")] protected abstract void Grow();
        }
        class HashTable : Table
        {
            protected override void Grow() { }
            void Add() { [|Grow()|]; lock (Gate) { Grow(); } }
        }
        """);

    [Fact]
    public Task AssertsHeldCountsAsProof() => Verify("""
        static class Checks
        {
            [AssertsHeld(On = "lockObject")] public static void AssertHeld(object lockObject) { if (!Monitor.IsEntered(lockObject)) throw new InvalidOperationException(); }
        }
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void CalledFromACallback() { Checks.AssertHeld(_sync); Bump(); }
        }
        """);

    [Fact]
    public Task SuccessfulTryEnterBranchHoldsTheLock() => Verify("""
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void M()
            {
                if (Monitor.TryEnter(_sync, 10))
                {
                    try { Bump(); } finally { Monitor.Exit(_sync); }
                }
                else
                {
                    [|Bump()|];
                }
            }
        }
        """);

    [Fact]
    public Task GuardClauseOnTryEnterHoldsTheLockAfterIt() => Verify("""
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void M()
            {
                if (!Monitor.TryEnter(_sync)) return;
                try { Bump(); } finally { Monitor.Exit(_sync); }
            }
        }
        """);

    [Fact]
    public Task AcquiresHelperThenCall() => Verify("""
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [Acquires("Cache._sync")] void Enter() => Monitor.Enter(_sync);
            [Releases("Cache._sync")] void Exit() => Monitor.Exit(_sync);
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void M() { Enter(); try { Bump(); } finally { Exit(); } }
        }
        """);

    [Fact]
    public Task ThreadingLockScopeHoldsTheLock() => VerifyOnNet10("""
        class Cache
        {
            readonly Lock _lock = new();
            int _count;
            [RequiresHeld("Cache._lock")] void Bump() => _count++;
            void M() { using (_lock.EnterScope()) { Bump(); } [|Bump()|]; }
            void N() { using var scope = _lock.EnterScope(); Bump(); }
        }
        """);

    [Fact]
    public Task SemaphoreHeldAcrossAwait() => Verify("""
        class Cache
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            int _count;
            [RequiresHeld("Cache._gate")] void Bump() => _count++;
            async Task M()
            {
                await _gate.WaitAsync();
                try { await Task.Yield(); Bump(); }
                finally { _gate.Release(); }
            }
            async Task N()
            {
                if (!await _gate.WaitAsync(100)) return;
                try { Bump(); } finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public async Task AReaderWriterLockIsRequiredExclusively()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Index
            {
                [Lock("Index.Rw")] readonly ReaderWriterLockSlim _rw = new();
                [RequiresHeld("Index.Rw")] void Rebuild() { }
                void Refresh() { [|Rebuild()|]; }
            }
            """, "LOCK101");
        Assert.Equal(
            "'Index.Rebuild' requires 'Index.Rw' (_rw) held exclusively, but it is not held here; the state it guards can change underneath the call",
            Assert.Single(diagnostics).GetMessage());
    }
}
