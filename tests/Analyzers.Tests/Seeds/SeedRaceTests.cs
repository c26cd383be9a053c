using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Seeds;

/// <summary>
/// The page-cache races the rules come from, each as its smallest C# shape: the buggy form is
/// reported, the fixed form is silent.
/// </summary>
public class SeedRaceTests
{
    private const string Vfs = """
        [assembly: LockOrder("Inode.InvalidateLock", "Page.Lock", "PageTable.Ptl")]
        class PageTable
        {
            [Lock("PageTable.Ptl")] public readonly object Ptl = new();
            public readonly Dictionary<long, long> Ptes = new();
        }
        class Inode
        {
            [Lock("Inode.InvalidateLock")] public readonly object InvalidateLock = new();
            [MustRecheck(Under = new[] { "PageTable.Ptl" })] public long Size { get; set; }
            public long BlockOf(long index) => index + 1000;
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            [MustRecheck(Under = new[] { "Page.Lock" })] public Inode? Mapping { get; set; }
            public long Index;
            public bool Dirty;
        }

        """;

    /// <summary>
    /// Seed 000 (DAX fault racing truncate): the fault looks up the block and checks i_size, then
    /// truncate shrinks i_size and unmaps, then the fault installs the pte: it now points at a
    /// block that is no longer part of the file. The size must be checked again under the
    /// page-table lock that truncate's unmap also takes.
    /// </summary>
    [Fact]
    public Task Seed000_FaultInstallsAPteForABlockTruncateRemoved() => LockAnalyzerVerifier.VerifyAsync(Vfs + """
        class DaxFault
        {
            bool Fault(Inode inode, PageTable table, long index)
            {
                if (index >= inode.Size) return false;
                var pfn = inode.BlockOf(index);
                lock ({|LOCK103:table.Ptl|}) { table.Ptes[index] = pfn; }
                return true;
            }
        }
        """);

    [Fact]
    public Task Seed000_FixedFaultRechecksTheSizeUnderThePageTableLock() => LockAnalyzerVerifier.VerifyAsync(Vfs + """
        class DaxFault
        {
            bool Fault(Inode inode, PageTable table, long index)
            {
                if (index >= inode.Size) return false;
                var pfn = inode.BlockOf(index);
                lock (table.Ptl)
                {
                    if (index >= inode.Size) return false;
                    table.Ptes[index] = pfn;
                }
                return true;
            }
        }
        """);

    private const string Layouts = """
        static class Dax
        {
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            public static void BreakLayouts(Inode inode) { /* unmap, then wait until no page is pinned for DMA */ }

            [RequiresState("LayoutsBroken", On = "inode")]
            public static void FreeBlocks(Inode inode, long first, long count) { }
        }

        """;

    /// <summary>
    /// Seed 001 (DAX pages still under DMA when the inode is evicted): truncate breaks the DAX
    /// layouts (waits for pinned pages to go idle) before freeing blocks, but eviction did not, so
    /// a block still being written by DMA was handed to another file.
    /// </summary>
    [Fact]
    public Task Seed001_EvictionFreesBlocksStillPinnedForDma() => LockAnalyzerVerifier.VerifyAsync(Vfs + Layouts + """
        class Evict
        {
            void EvictInode(Inode inode)
            {
                lock (inode.InvalidateLock) { {|LOCK104:Dax.FreeBlocks(inode, 0, inode.Size)|}; }
            }
        }
        """);

    [Fact]
    public Task Seed001_FixedEvictionBreaksLayoutsFirst() => LockAnalyzerVerifier.VerifyAsync(Vfs + Layouts + """
        class Evict
        {
            void EvictInode(Inode inode)
            {
                lock (inode.InvalidateLock)
                {
                    Dax.BreakLayouts(inode);
                    Dax.FreeBlocks(inode, 0, inode.Size);
                }
            }
        }
        """);

    private const string Hugetlb = """
        static class FaultMutexTable
        {
            private static readonly object[] Mutexes = { new(), new(), new(), new() };
            [Acquires("FaultMutex")] [NoLockAnalysis] public static void Lock(Inode mapping, long index) => Monitor.Enter(Mutexes[(mapping.GetHashCode() ^ (int)index) & 3]);
            [Releases("FaultMutex")] [NoLockAnalysis] public static void Unlock(Inode mapping, long index) => Monitor.Exit(Mutexes[(mapping.GetHashCode() ^ (int)index) & 3]);
        }
        static class Declared { [Lock("FaultMutex")] public static readonly object Marker = new(); }

        """;

    /// <summary>
    /// Seed 002 (hugetlb fault racing hole punch): hugetlb_no_page checks the index against
    /// i_size, allocates, takes the page-table lock and must check i_size again before adding the
    /// page; without the second check a page is mapped beyond a concurrent truncate. Faults and
    /// hole punch are also serialized by the fault mutex hashed by (mapping, index).
    /// </summary>
    [Fact]
    public Task Seed002_HugetlbFaultMapsAPageBeyondTheNewSize() => LockAnalyzerVerifier.VerifyAsync(Vfs + Hugetlb + """
        class HugetlbFault
        {
            void NoPage(Inode inode, PageTable table, long index)
            {
                FaultMutexTable.Lock(inode, index);
                try
                {
                    if (index >= inode.Size) return;
                    var page = inode.BlockOf(index);
                    lock ({|LOCK103:table.Ptl|}) { table.Ptes[index] = page; }
                }
                finally { FaultMutexTable.Unlock(inode, index); }
            }
        }
        """);

    [Fact]
    public Task Seed002_FixedFaultChecksTheSizeAgainUnderThePageTableLock() => LockAnalyzerVerifier.VerifyAsync(Vfs + Hugetlb + """
        class HugetlbFault
        {
            void NoPage(Inode inode, PageTable table, long index)
            {
                FaultMutexTable.Lock(inode, index);
                try
                {
                    if (index >= inode.Size) return;
                    var page = inode.BlockOf(index);
                    lock (table.Ptl)
                    {
                        if (index >= inode.Size) return;
                        table.Ptes[index] = page;
                    }
                }
                finally { FaultMutexTable.Unlock(inode, index); }
            }
        }
        """);

    private const string Writeback = """
        static class Cache
        {
            [RequiresHeld("Page.Lock", On = "page")]
            [EstablishesState("WrittenBack", On = "page", ValidWhileHeld = "Page.Lock")]
            public static void Writeback(Page page) => page.Dirty = false;

            [RequiresHeld("Page.Lock", On = "page")]
            [RequiresState("WrittenBack", On = "page")]
            public static void Invalidate(Page page) => page.Mapping = null;
        }

        """;

    /// <summary>
    /// Seed 003 (invalidation must not throw away dirty data): NFS flushed dirty pages, then
    /// invalidated the cache; in between, an mmap write dirtied a page again, and the invalidation
    /// discarded that write. Writing back only means something while the page stays locked.
    /// </summary>
    [Fact]
    public Task Seed003_InvalidationAfterThePageLockWasDroppedLosesAWrite() => LockAnalyzerVerifier.VerifyAsync(Vfs + Writeback + """
        class Revalidate
        {
            void Run(Page page)
            {
                lock (page.Lock) { Cache.Writeback(page); }
                lock (page.Lock) { {|LOCK104:Cache.Invalidate(page)|}; }
            }
        }
        """);

    [Fact]
    public Task Seed003_FixedInvalidationRunsUnderTheSameHoldAsTheWriteback() => LockAnalyzerVerifier.VerifyAsync(Vfs + Writeback + """
        class Revalidate
        {
            void Run(Page page)
            {
                lock (page.Lock)
                {
                    Cache.Writeback(page);
                    Cache.Invalidate(page);
                }
            }
        }
        """);

    /// <summary>
    /// Seed 004 (dedupe page locking): dedupe locked the source and destination pages in argument
    /// order (two dedupes in opposite directions deadlock) and compared them without checking,
    /// once locked, that each page still belonged to its file (invalidation may have removed it).
    /// </summary>
    [Fact]
    public Task Seed004_DedupeLocksPagesUnorderedAndDoesNotRevalidateTheMapping() => LockAnalyzerVerifier.VerifyAsync(Vfs + """
        class Dedupe
        {
            bool Same(Inode src, Page srcPage, Inode dst, Page dstPage)
            {
                if (srcPage.Mapping != src || dstPage.Mapping != dst) return false;
                lock ({|LOCK103:srcPage.Lock|})
                {
                    lock ({|LOCK004:{|LOCK103:dstPage.Lock|}|}) { return srcPage.Index == dstPage.Index; }
                }
            }
        }
        """);

    [Fact]
    public Task Seed004_FixedDedupeLocksInAFixedOrderAndRevalidates() => LockAnalyzerVerifier.VerifyAsync(Vfs + """
        static class Pages
        {
            [Acquires("Page.Lock", On = "a"), Acquires("Page.Lock", On = "b")]
            public static void LockTwo(Page a, Page b)
            {
                var (first, second) = a.Index <= b.Index ? (a, b) : (b, a);
                Monitor.Enter(first.Lock);
                Monitor.Enter(second.Lock);
            }

            [Releases("Page.Lock", On = "a"), Releases("Page.Lock", On = "b")]
            public static void UnlockTwo(Page a, Page b) { Monitor.Exit(a.Lock); Monitor.Exit(b.Lock); }
        }
        class Dedupe
        {
            bool Same(Inode src, Page srcPage, Inode dst, Page dstPage)
            {
                if (srcPage.Mapping != src || dstPage.Mapping != dst) return false;
                Pages.LockTwo(srcPage, dstPage);
                try
                {
                    if (srcPage.Mapping != src || dstPage.Mapping != dst) return false;
                    return srcPage.Index == dstPage.Index;
                }
                finally { Pages.UnlockTwo(srcPage, dstPage); }
            }
        }
        """);
}
