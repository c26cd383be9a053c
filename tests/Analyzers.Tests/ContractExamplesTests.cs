using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests;

/// <summary>Every example in the public contract, as the analyzer must treat it.</summary>
public class ContractExamplesTests
{
    private const string SleepLock = """
        public sealed class SleepLock
        {
            private readonly SemaphoreSlim _slot = new(1, 1);
            [Acquires] public void Lock() => _slot.Wait();
            [Releases] public void Unlock() => _slot.Release();
        }

        """;

    [Fact]
    public Task NamingLocks() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        public sealed class Inode
        {
            [Lock("Inode.Rwsem")] private readonly ReaderWriterLockSlim _rwsem = new();
            public void Fill(Page page)
            {
                _rwsem.EnterReadLock();
                try { page.Lock.Lock(); page.Lock.Unlock(); }
                finally { _rwsem.ExitReadLock(); }
            }
            public void Bad(Page page)
            {
                page.Lock.Lock();
                try { {|LOCK002:_rwsem.EnterReadLock()|}; _rwsem.ExitReadLock(); }
                finally { page.Lock.Unlock(); }
            }
        }
        public sealed class Page
        {
            [Lock("Page.Lock")] public readonly SleepLock Lock = new();
        }

        """ + SleepLock);

    [Fact]
    public Task UnannotatedLockFieldsGetTypeDotMemberNames() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("Ledger", "Ledger._audit")]
        class Ledger
        {
            readonly object _audit = new();
            public void Post() { lock (this) { lock (_audit) { } } }
            public void Flush() { lock (_audit) { lock ({|LOCK002:this|}) { } } }
        }
        """);

    [Fact]
    public Task LockWhoseOriginCannotBeNamedAddsNothing() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("C._a", "C._b")]
        class C
        {
            readonly object _a = new();
            readonly object _b = new();
            void M(object fromElsewhere) { lock (_b) { lock (fromElsewhere) { } } }
        }
        """);

    [Fact]
    public Task DeclaringTheOrder() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("Inode.Rwsem", "Inode.InvalidateLock", "Page.Lock", "PageTable.Ptl")]
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly object Rwsem = new();
            [Lock("Inode.InvalidateLock")] public readonly object InvalidateLock = new();
        }
        class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
        class PageTable { [Lock("PageTable.Ptl")] public readonly object Ptl = new(); }
        class Pair
        {
            [Lock("A"), AcquiredBefore("B")] object _a = new();
            [Lock("B"), AcquiredAfter("A")] object _b = new();
            void Good() { lock (_a) { lock (_b) { } } }
            void Bad() { lock (_b) { lock ({|LOCK002:_a|}) { } } }
        }
        class Fault
        {
            void Good(Inode inode, Page page, PageTable table)
            {
                lock (inode.InvalidateLock) lock (page.Lock) lock (table.Ptl) { }
            }
            void Bad(Inode inode, PageTable table)
            {
                lock (table.Ptl) lock ({|LOCK002:inode.Rwsem|}) { }
            }
        }
        """);

    [Fact]
    public Task MethodContracts() => LockAnalyzerVerifier.VerifyAsync("""
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly ReaderWriterLockSlim Rwsem = new();
            public long Size;
            [Acquires("Inode.Rwsem", On = "inode")] public static void LockInode(Inode inode) => inode.Rwsem.EnterWriteLock();
            [Acquires("Inode.Rwsem", Shared = true, On = "inode")] public static void LockShared(Inode inode) => inode.Rwsem.EnterReadLock();
            [Releases("Inode.Rwsem", On = "inode")] public static void UnlockInode(Inode inode) => inode.Rwsem.ExitWriteLock();
            [TryAcquires("Inode.Rwsem", true, On = "inode")] public static bool TryLockInode(Inode inode) => inode.Rwsem.TryEnterWriteLock(0);
            [RequiresHeld("Inode.Rwsem", On = "inode")] public static void SetSize(Inode inode, long size) => inode.Size = size;
            [RequiresHeld("Inode.Rwsem", Shared = true, On = "inode")] public static long GetSize(Inode inode) => inode.Size;
            [Excludes("Inode.Rwsem", On = "inode")] public static void Sync(Inode inode) { LockInode(inode); UnlockInode(inode); }
            [AssertsHeld("Inode.Rwsem", On = "inode")] public static void AssertLocked(Inode inode) { if (!inode.Rwsem.IsWriteLockHeld) throw new InvalidOperationException(); }
            [TemporarilyReleases("Inode.Rwsem", On = "inode")]
            public static void Yield(Inode inode) { UnlockInode(inode); Thread.Yield(); LockInode(inode); }
            [NoLockAnalysis] public static void Trusted(Inode inode) => inode.Rwsem.EnterWriteLock();
        }
        class Truncate
        {
            void Good(Inode inode)
            {
                Inode.LockInode(inode);
                try { Inode.SetSize(inode, 0); Inode.Yield(inode); _ = Inode.GetSize(inode); }
                finally { Inode.UnlockInode(inode); }
                Inode.Sync(inode);
                if (Inode.TryLockInode(inode)) { Inode.SetSize(inode, 1); Inode.UnlockInode(inode); }
            }
            void Shared(Inode inode)
            {
                Inode.LockShared(inode);
                _ = Inode.GetSize(inode);
                {|LOCK101:Inode.SetSize(inode, 0)|};
                inode.Rwsem.ExitReadLock();
            }
            void Bad(Inode inode)
            {
                {|LOCK101:Inode.SetSize(inode, 0)|};
                {|LOCK101:Inode.Yield(inode)|};
                Inode.LockInode(inode);
                {|LOCK003:Inode.Sync(inode)|};
                Inode.UnlockInode(inode);
            }
            void Callback(Inode inode) { Inode.AssertLocked(inode); Inode.SetSize(inode, 2); }
        }
        """);

    [Fact]
    public Task MustRecheckCompilesAndStaysSilentUntilItReports() => LockAnalyzerVerifier.VerifyAsync("""
        class PageTable { [Lock("PageTable.Ptl")] public readonly object Ptl = new(); }
        class Inode
        {
            [MustRecheck(Under = new[] { "PageTable.Ptl" })] public long Size { get; set; }
        }
        """);

    [Fact]
    public Task StatesCompile() => LockAnalyzerVerifier.VerifyAsync("""
        class Inode { [Lock("Inode.InvalidateLock")] public readonly object InvalidateLock = new(); }
        static class Dax
        {
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            static void BreakLayouts(Inode inode) { }
            [RequiresState("LayoutsBroken", On = "inode")]
            static void FreeBlocks(Inode inode, long first, long count) { }
        }
        """);

    [Fact]
    public Task ReentrantPrimitivesNest() => LockAnalyzerVerifier.VerifyAsync("""
        class C
        {
            readonly object _monitor = new();
            readonly Lock _lock = new();
            void M()
            {
                lock (_monitor) { Monitor.Enter(_monitor); Monitor.Exit(_monitor); }
                lock (_lock) { _lock.Enter(); _lock.Exit(); }
            }
        }
        """, referenceAssemblies: LockTestSetup.Net100);
}
