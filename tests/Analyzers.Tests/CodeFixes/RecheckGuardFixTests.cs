using LockContracts.Analyzers.Tests.Verification;
using LockContracts.CodeFixes;

namespace LockContracts.Analyzers.Tests.CodeFixes;

public class RecheckGuardFixTests
{
    private static readonly RecheckGuardCodeFixProvider Provider = new();

    private const string Model = """
        class PageTable { [Lock("PageTable.Ptl")] public readonly object Ptl = new(); public readonly Dictionary<long, long> Entries = new(); }
        class Inode { [MustRecheck(Under = new[] { "PageTable.Ptl" })] public long Size { get; set; } }

        """;

    [Fact]
    public Task CopiesTheGuardIntoTheLockStatement() => CodeFixVerifier.VerifyFixAsync(Model + """
        class Fault
        {
            bool Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return false;
                lock ({|LOCK103:table.Ptl|})
                {
                    table.Entries[index] = pfn;
                }
                return true;
            }
        }
        """, Model + """
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
        """, Provider);

    [Fact]
    public Task CopiesTheGuardIntoTheTryAfterMonitorEnter() => CodeFixVerifier.VerifyFixAsync(Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                {|LOCK103:Monitor.Enter(table.Ptl)|};
                try
                {
                    table.Entries[index] = pfn;
                }
                finally { Monitor.Exit(table.Ptl); }
            }
        }
        """, Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                Monitor.Enter(table.Ptl);
                try
                {
                    if (index >= inode.Size) return;
                    table.Entries[index] = pfn;
                }
                finally { Monitor.Exit(table.Ptl); }
            }
        }
        """, Provider);

    [Fact]
    public Task WrapsAnEmbeddedStatementInABlock() => CodeFixVerifier.VerifyFixAsync(Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                lock ({|LOCK103:table.Ptl|}) table.Entries[index] = pfn;
            }
        }
        """, Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                lock (table.Ptl)
                {
                    if (index >= inode.Size) return;
                    table.Entries[index] = pfn;
                }
            }
        }
        """, Provider);

    [Fact]
    public Task FixAllRechecksEverySection() => CodeFixVerifier.VerifyFixAsync(Model + """
        class Fault
        {
            void A(Inode inode, PageTable table, long index)
            {
                if (index >= inode.Size) return;
                lock ({|LOCK103:table.Ptl|}) { table.Entries[index] = 1; }
            }
            void B(Inode inode, PageTable table, long index)
            {
                if (index >= inode.Size) throw new ArgumentOutOfRangeException(nameof(index));
                lock ({|LOCK103:table.Ptl|}) { table.Entries[index] = 2; }
            }
        }
        """, Model + """
        class Fault
        {
            void A(Inode inode, PageTable table, long index)
            {
                if (index >= inode.Size) return;
                lock (table.Ptl) { if (index >= inode.Size) return; table.Entries[index] = 1; }
            }
            void B(Inode inode, PageTable table, long index)
            {
                if (index >= inode.Size) throw new ArgumentOutOfRangeException(nameof(index));
                lock (table.Ptl) { if (index >= inode.Size) throw new ArgumentOutOfRangeException(nameof(index)); table.Entries[index] = 2; }
            }
        }
        """, Provider, fixAll: true);

    [Fact]
    public Task NoFixWhenTheValueWasKeptInALocal() => CodeFixVerifier.VerifyNoFixAsync(Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index)
            {
                var size = inode.Size;
                lock ({|LOCK103:table.Ptl|}) { if (index < size) table.Entries[index] = 1; }
            }
        }
        """, Provider);
}
