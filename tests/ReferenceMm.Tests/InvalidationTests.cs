using LockContracts.ReferenceMm;
using Xunit.Abstractions;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Seed 003: mmap stores racing flush-and-invalidate. A store can land between the flush and the
/// invalidation; the invalidation must keep that page (report it busy), not drop its data.
/// </summary>
public class InvalidationTests
{
    private const int FileSize = 16;
    private readonly ITestOutputHelper _output;

    public InvalidationTests(ITestOutputHelper output) => _output = output;

    public delegate void FlushAndInvalidateMethod(Inode inode, long first, long end);

    [Fact]
    public void Seed003_InvalidationRacingMmapStoresLosesNoWrite()
    {
        using var validator = new ValidatorScope();
        var lost = StoresAgainstInvalidation((inode, first, end) => Writeback.FlushAndInvalidate(inode, first, end), out var inode);
        Assert.Empty(lost);
        Assert.Empty(inode.FileSystem.Allocator.Corruptions);
        validator.AssertNoViolations();
        Invariants.AssertObservedOrderIsDeclared();
    }

    [Fact]
    public async Task Seed003_DestructiveInvalidationLosesStoresMadeAfterTheFlush()
    {
        var variant = Variant.Load("Seed003DestructiveInvalidation.cs");
        await variant.AssertAnalyzerReportsMarkersAsync();
        using var validator = new ValidatorScope();
        var flushAndInvalidate = variant.Method<FlushAndInvalidateMethod>("Seed003.DestructiveInvalidation", "FlushAndInvalidate");

        // The flush has written the pages back and unmapped them; a store faults page 0 back in and
        // dirties it before the invalidation pass drops it.
        var outcome = Interleaving.AssertBreaks(() =>
        {
            var (inode, table) = TwoStoredPages();
            var lastWritten = new long[] { 7, 8 };
            return new Interleaving.Attempt(
                Victim: () => flushAndInvalidate(inode, 0, 2),
                Intruder: () =>
                {
                    Assert.True(Faults.MmapStore(table, inode, 0, 9));
                    lastWritten[0] = 9;
                },
                Check: () =>
                {
                    Writeback.FlushRange(inode, 0, 2);
                    return Invariants.LostWrites(inode, lastWritten).Concat(inode.FileSystem.Allocator.Corruptions);
                });
        });
        _output.WriteLine(outcome.ToString());
        Assert.Contains(outcome.Broken, b => b.Contains("index 0 reads 7, last written 9", StringComparison.Ordinal));
    }

    [Fact]
    public void Seed003_InvalidationUnderTheSameScheduleKeepsTheStore()
    {
        using var validator = new ValidatorScope();
        var (inode, table) = TwoStoredPages();

        // The model's flush and invalidation with the same store in between, in sequence.
        Writeback.FlushRange(inode, 0, 2);
        Assert.True(Faults.MmapStore(table, inode, 0, 9));
        var result = Writeback.InvalidateRange(inode, 0, 2);

        Assert.Equal(new InvalidationResult(Removed: 1, Busy: 1), result);
        Writeback.FlushRange(inode, 0, 2);
        Assert.Empty(Invariants.LostWrites(inode, new long[] { 9, 8 }));
        validator.AssertNoViolations();
    }

    [Fact]
    public void Seed003_ADirtyPageIsReportedBusyAndKept()
    {
        using var validator = new ValidatorScope();
        var (inode, table) = TwoStoredPages();
        Writeback.FlushRange(inode, 1, 2);

        var result = Writeback.InvalidateRange(inode, 0, 2);

        Assert.Equal(new InvalidationResult(Removed: 1, Busy: 1), result);
        Assert.Equal(1, inode.Mapping.Count);
        Assert.Equal(7, PageCache.Read(inode, 0));
        Assert.Equal(8, PageCache.Read(inode, 1));
        validator.AssertNoViolations();
    }

    /// <summary>A two-page file whose pages were stored 7 and 8 through a mapping (both dirty in the cache).</summary>
    private static (Inode Inode, PageTable Table) TwoStoredPages()
    {
        var fileSystem = new FileSystem(blockCount: 16);
        var inode = fileSystem.CreateFile(FileKind.PageCache, 2);
        var table = fileSystem.CreatePageTable();
        Assert.True(Faults.MmapStore(table, inode, 0, 7));
        Assert.True(Faults.MmapStore(table, inode, 1, 8));
        return (inode, table);
    }

    /// <summary>
    /// Two processes store through their mappings, each to its own half of the pages (so the last
    /// value stored to each page is known), while a third flushes and invalidates the file over and
    /// over. Before each store a writer reads the page back: it must still hold the writer's
    /// previous store, whether from the cache or, once written back and invalidated, from the block.
    /// At the end, after a final writeback, every page must read its last store.
    /// </summary>
    private static List<string> StoresAgainstInvalidation(FlushAndInvalidateMethod flushAndInvalidate, out Inode inode)
    {
        var fileSystem = new FileSystem(blockCount: 256);
        var file = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        inode = file;
        var lastWritten = new long[FileSize];
        var lost = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // On a slow or busy machine the run goes on until every worker has raced the others a thousand times.
        var stress = new Stress(TimeSpan.FromSeconds(3)) { Enough = done => !lost.IsEmpty || done.Min() > 1_000 };

        Func<int, bool> Writer(PageTable table, int half) => i =>
        {
            var index = (i % (FileSize / 2)) * 2 + half;
            var seen = PageCache.Read(file, index);
            if (seen != lastWritten[index])
            {
                lost.Enqueue($"index {index} reads {seen}, but {lastWritten[index]} was stored there last");
                return false;
            }

            var value = (half + 1) * 1_000_000_000L + i;
            Assert.True(Faults.MmapStore(table, file, index, value));
            Volatile.Write(ref lastWritten[index], value);
            return true;
        };

        bool Invalidator(int i)
        {
            flushAndInvalidate(file, 0, FileSize);
            return lost.IsEmpty;
        }

        stress.Run(300_000, Writer(fileSystem.CreatePageTable(), 0), Writer(fileSystem.CreatePageTable(), 1), Invalidator);
        Assert.True(!lost.IsEmpty || stress.Done.Min() > 1_000, $"The stores barely raced the invalidation: {string.Join(", ", stress.Done)} iterations.");
        Writeback.FlushRange(file, 0, FileSize);
        return lost.Concat(Invariants.LostWrites(file, lastWritten)).ToList();
    }
}
