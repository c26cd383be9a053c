using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock103StaleValueTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(Model + source, "LOCK103");

    private const string Model = """
        class PageTable
        {
            [Lock("PageTable.Ptl")] public readonly object Ptl = new();
            public readonly Dictionary<long, long> Entries = new();
        }
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly ReaderWriterLockSlim Rwsem = new();
            [MustRecheck(Under = new[] { "PageTable.Ptl", "Inode.Rwsem" })] public long Size { get; set; }
            [TemporarilyReleases("PageTable.Ptl", On = "table")] public static void Sleep(PageTable table) { Monitor.Exit(table.Ptl); Monitor.Enter(table.Ptl); }
        }
        class Page { public Inode Inode = new(); public long Index; }

        """;

    [Fact]
    public async Task CheckedBeforeThePageTableLockAndNotAgain()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Model + """
            class Fault
            {
                bool Map(Inode inode, PageTable table, long index, long pfn)
                {
                    if (index >= inode.Size) return false;
                    lock ([|table.Ptl|]) { table.Entries[index] = pfn; }
                    return true;
                }
            }
            """, "LOCK103");
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "'Inode.Size' of inode was read before taking 'PageTable.Ptl' and is not read again while it is held; the value may already be stale",
            diagnostic.GetMessage());
        var read = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal("inode.Size", read.SourceTree!.GetText().ToString(read.SourceSpan));
    }

    [Fact]
    public Task RecheckedUnderTheLockIsSilent() => Verify("""
        class Fault
        {
            bool Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return false;
                lock (table.Ptl)
                {
                    if (index >= inode.Size) return false;
                    table.Entries[index] = pfn;
                }
                return true;
            }
        }
        """);

    [Fact]
    public Task ValueKeptInALocalIsNotARecheck() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                var size = inode.Size;
                lock ([|table.Ptl|]) { if (index < size) table.Entries[index] = pfn; }
            }
        }
        """);

    [Fact]
    public Task MonitorEnterAndExit() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                [|Monitor.Enter(table.Ptl)|];
                try { table.Entries[index] = pfn; }
                finally { Monitor.Exit(table.Ptl); }
            }
        }
        """);

    [Fact]
    public Task RecheckedOnOnlyOnePath() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn, bool fast)
            {
                if (index >= inode.Size) return;
                lock ([|table.Ptl|])
                {
                    if (!fast && index >= inode.Size) return;
                    table.Entries[index] = pfn;
                }
            }
        }
        """);

    [Fact]
    public Task AnyLockWhenUnderIsEmpty() => LockAnalyzerVerifier.VerifyAsync("""
        class Queue
        {
            readonly object _sync = new();
            [MustRecheck] public int Count { get; set; }
            void Drain()
            {
                if (Count == 0) return;
                lock ([|_sync|]) { Count--; }
            }
            void DrainChecked()
            {
                if (Count == 0) return;
                lock (_sync) { if (Count > 0) Count--; }
            }
        }
        """, "LOCK103");

    [Fact]
    public Task AliasThroughALocalIsTheSameObject() => Verify("""
        class Fault
        {
            void Map(Page page, PageTable table, long pfn)
            {
                var inode = page.Inode;
                if (page.Index >= inode.Size) return;
                lock (table.Ptl)
                {
                    if (page.Index >= page.Inode.Size) return;
                    table.Entries[page.Index] = pfn;
                }
            }
        }
        """);

    [Fact]
    public Task RecheckOfAnotherObjectDoesNotCount() => Verify("""
        class Fault
        {
            void Map(Inode inode, Inode other, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                lock ([|table.Ptl|])
                {
                    if (index >= other.Size) return;
                    table.Entries[index] = pfn;
                }
            }
        }
        """);

    [Fact]
    public Task TemporaryReleaseMakesTheRecheckStale() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                lock (table.Ptl)
                {
                    if (index >= inode.Size) return;
                    [|Inode.Sleep(table)|];
                    table.Entries[index] = pfn;
                }
            }
        }
        """);

    [Fact]
    public Task RecheckAfterTheTemporaryReleaseIsSilent() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                lock (table.Ptl)
                {
                    if (index >= inode.Size) return;
                    Inode.Sleep(table);
                    if (index >= inode.Size) return;
                    table.Entries[index] = pfn;
                }
            }
        }
        """);

    [Fact]
    public Task ConditionWaitWithIfInsteadOfWhile() => LockAnalyzerVerifier.VerifyAsync("""
        class Mailbox
        {
            readonly object _sync = new();
            [MustRecheck] public bool HasMail { get; set; }
            void TakeWrong()
            {
                lock (_sync)
                {
                    if (!HasMail) [|Monitor.Wait(_sync)|];
                    HasMail = false;
                }
            }
            void TakeRight()
            {
                lock (_sync)
                {
                    while (!HasMail) Monitor.Wait(_sync);
                    HasMail = false;
                }
            }
        }
        """, "LOCK103");

    [Fact]
    public Task ReadBeforeALoopOfCriticalSections() => Verify("""
        class Fault
        {
            void MapAll(Inode inode, PageTable table, long[] pfns)
            {
                var end = inode.Size;
                for (var i = 0L; i < pfns.Length && i < end; i++)
                {
                    lock ([|table.Ptl|]) { table.Entries[i] = pfns[i]; }
                }
            }
        }
        """);

    [Fact]
    public Task RecheckInsideTheLoopIsSilent() => Verify("""
        class Fault
        {
            void MapAll(Inode inode, PageTable table, long[] pfns)
            {
                for (var i = 0L; i < pfns.Length && i < inode.Size; i++)
                {
                    lock (table.Ptl)
                    {
                        if (i >= inode.Size) break;
                        table.Entries[i] = pfns[i];
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ReaderWriterLockInUnder() => Verify("""
        class Truncate
        {
            void Shrink(Inode inode, long size)
            {
                if (size >= inode.Size) return;
                [|inode.Rwsem.EnterWriteLock()|];
                try { inode.Size = size; }
                finally { inode.Rwsem.ExitWriteLock(); }
            }
            void ShrinkChecked(Inode inode, long size)
            {
                if (size >= inode.Size) return;
                inode.Rwsem.EnterWriteLock();
                try { if (size < inode.Size) inode.Size = size; }
                finally { inode.Rwsem.ExitWriteLock(); }
            }
        }
        """);

    [Fact]
    public Task LockOutsideUnderIsNotConcerned() => LockAnalyzerVerifier.VerifyAsync(Model + """
        class Stats
        {
            readonly object _sync = new();
            long _seen;
            void Note(Inode inode) { var size = inode.Size; lock (_sync) { _seen = size; } }
        }
        """, "LOCK103");

    [Fact]
    public Task ReadOnlyUnderTheLockIsSilent() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                lock (table.Ptl) { if (index < inode.Size) table.Entries[index] = pfn; }
            }
        }
        """);

    [Fact]
    public Task ReadAfterTheLastLockIsSilent() => Verify("""
        class Fault
        {
            long Map(Inode inode, PageTable table, long index, long pfn)
            {
                lock (table.Ptl) { table.Entries[index] = pfn; }
                return inode.Size;
            }
        }
        """);

    [Fact]
    public Task AnExceptionBeforeTheRecheckAbandonsTheValue() => Verify("""
        class Fault
        {
            static long Translate(long pfn) => pfn < 0 ? throw new ArgumentOutOfRangeException(nameof(pfn)) : pfn;
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                lock (table.Ptl)
                {
                    var entry = Translate(pfn);
                    if (index >= inode.Size) return;
                    table.Entries[index] = entry;
                }
            }
        }
        """);

    [Fact]
    public Task WriteIsNotARead() => Verify("""
        class Truncate
        {
            void Set(Inode inode, PageTable table, long size)
            {
                inode.Size = size;
                lock (table.Ptl) { table.Entries.Clear(); }
            }
        }
        """);

    [Fact]
    public Task LockTakenThroughAnAcquiresContract() => Verify("""
        static class Tables
        {
            [Acquires("PageTable.Ptl", On = "table")] public static void Lock(PageTable table) => Monitor.Enter(table.Ptl);
            [Releases("PageTable.Ptl", On = "table")] public static void Unlock(PageTable table) => Monitor.Exit(table.Ptl);
        }
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                [|Tables.Lock(table)|];
                try { table.Entries[index] = pfn; } finally { Tables.Unlock(table); }
            }
            void MapChecked(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                Tables.Lock(table);
                try { if (index < inode.Size) table.Entries[index] = pfn; } finally { Tables.Unlock(table); }
            }
        }
        """);

    [Fact]
    public Task StaticMember() => LockAnalyzerVerifier.VerifyAsync("""
        static class Limits
        {
            static readonly object Sync = new();
            [MustRecheck(Under = new[] { "Limits.Sync" })] public static int Budget;
            static void Spend()
            {
                if (Budget <= 0) return;
                lock ([|Sync|]) { Budget--; }
            }
        }
        """, "LOCK103");

    [Fact]
    public Task NestedSectionOfTheSameReentrantLockKeepsTheRecheck() => Verify("""
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                lock (table.Ptl)
                {
                    if (index >= inode.Size) return;
                    lock (table.Ptl) { table.Entries[index] = pfn; }
                    table.Entries[index + 1] = pfn;
                }
            }
        }
        """);

    [Fact]
    public Task ShortCircuitGuardRechecksEveryValueItNames() => LockAnalyzerVerifier.VerifyAsync(Model + """
        class Dedupe
        {
            readonly object _sync = new();
            bool Same(Page a, Page b, Inode x, Inode y)
            {
                if (a.Inode != x || b.Inode != y) return false;
                lock (PageTableOf(a).Ptl)
                {
                    if (a.Inode.Size != x.Size || b.Inode.Size != y.Size) return false;
                    return true;
                }
            }
            static PageTable PageTableOf(Page page) => new();
        }
        """, "LOCK103");

    [Fact]
    public Task GuardOnOneValueDoesNotRecheckAnother() => Verify("""
        class Fault
        {
            void Map(Inode a, Inode b, PageTable table, long index, long pfn)
            {
                if (index >= a.Size || index >= b.Size) return;
                lock ([|table.Ptl|])
                {
                    if (index >= a.Size) return;
                    table.Entries[index] = pfn;
                }
            }
        }
        """);
}
