using LockContracts.Analyzers.Tests.Testing;
using LockContracts.CodeFixes;

namespace LockContracts.Analyzers.Tests.CodeFixes;

public class RecheckGuardFixTests
{
    private const string Model = """
        class PageTable { [Lock("PageTable.Ptl")] public readonly object Ptl = new(); public readonly Dictionary<long, long> Entries = new(); }
        class Inode { [MustRecheck(Under = new[] { "PageTable.Ptl" })] public long Size { get; set; } }

        """;

    [Fact]
    public Task CopiesTheGuardIntoTheLockStatement() => LockCodeFixVerifier<RecheckGuardCodeFixProvider>.VerifyFixAsync(Model + """
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
        """);

    [Fact]
    public Task CopiesTheGuardIntoTheTryAfterMonitorEnter() => LockCodeFixVerifier<RecheckGuardCodeFixProvider>.VerifyFixAsync(Model + """
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
        """);

    /// <summary>The inserted line ends like the document's other lines (CRLF here, LF in the other cases).</summary>
    [Fact]
    public Task KeepsTheDocumentsCrLfLineEnds() => LockCodeFixVerifier<RecheckGuardCodeFixProvider>.VerifyFixAsync((Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index, long pfn)
            {
                if (index >= inode.Size) return;
                lock ({|LOCK103:table.Ptl|})
                {
                    table.Entries[index] = pfn;
                }
            }
        }
        """).ReplaceLineEndings("\r\n"), (Model + """
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
        """).ReplaceLineEndings("\r\n"));

    [Fact]
    public Task WrapsAnEmbeddedStatementInABlock() => LockCodeFixVerifier<RecheckGuardCodeFixProvider>.VerifyFixAsync(Model + """
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
        """);

    [Fact]
    public Task FixAllRechecksEverySection() => LockCodeFixVerifier<RecheckGuardCodeFixProvider>.VerifyFixAsync(Model + """
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
        """);

    [Fact]
    public Task NoFixWhenTheValueWasKeptInALocal() => LockCodeFixVerifier<RecheckGuardCodeFixProvider>.VerifyNoFixAsync(Model + """
        class Fault
        {
            void Map(Inode inode, PageTable table, long index)
            {
                var size = inode.Size;
                lock ({|LOCK103:table.Ptl|}) { if (index < size) table.Entries[index] = 1; }
            }
        }
        """);
}
