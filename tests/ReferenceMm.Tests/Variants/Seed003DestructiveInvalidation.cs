using LockContracts.ReferenceMm;

namespace Seed003;

/// <summary>
/// invalidate_inode_pages2 before the seed 003 patch: after the flush it clears the dirty bit and
/// drops the page, so an mmap store made between the flush and the invalidation is thrown away.
/// </summary>
public static class DestructiveInvalidation
{
    public static void FlushAndInvalidate(Inode inode, long first, long end)
    {
        Writeback.FlushRange(inode, first, end);

        // Waiting for the writeback I/O takes a while; the pages are unlocked and unmapped, so a store can fault one back in.
        Thread.Sleep(1);
        foreach (var page in inode.Mapping.FindGetRange(first, end))
        {
            InvalidatePage(inode, page);
            page.Put();
        }
    }

    private static void InvalidatePage(Inode inode, Page page)
    {
        using (page.Lock.EnterScope())
        {
            if (page.Mapping == inode.Mapping)
            {
                Layouts.UnmapPage(inode, page);
                page.TestClearDirty();
                PageCache.RemoveClean(inode, page); // LOCK104: clean only as of the flush, under an earlier hold of the page lock
            }
        }
    }
}
