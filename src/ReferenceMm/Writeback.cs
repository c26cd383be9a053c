namespace LockContracts.ReferenceMm;

/// <summary>How many pages an invalidation left in the cache because they were dirty or in use.</summary>
public readonly record struct InvalidationResult(int Removed, int Busy);

/// <summary>
/// Writeback, and invalidate_inode_pages2 made non-destructive (seed 003): a page dirtied again
/// after the flush is reported busy and kept, never dropped with its data.
/// </summary>
public static class Writeback
{
    /// <summary>
    /// Writes a locked page back if it is dirty. The page is unmapped first (page_mkclean): an mmap
    /// store needs a mapping, and a new mapping needs the page lock, so the page stays clean until
    /// it is unlocked.
    /// </summary>
    [RequiresHeld("Page.Lock", On = "page")]
    [EstablishesState("Clean", On = "page", ValidWhileHeld = "Page.Lock")]
    public static void WriteBackLocked(Inode inode, Page page)
    {
        Layouts.UnmapPage(inode, page);
        if (!page.TestClearDirty())
        {
            return;
        }

        var block = inode.GetBlockForWrite(page.Index);
        if (block >= 0)
        {
            inode.FileSystem.Allocator.Write(block, page.Data);
        }
    }

    /// <summary>
    /// Establishes that a locked page is clean without writing it: unmaps it and fails if it is
    /// dirty. The caller checks <see cref="Page.Dirty"/> first and keeps dirty pages.
    /// </summary>
    [RequiresHeld("Page.Lock", On = "page")]
    [EstablishesState("Clean", On = "page", ValidWhileHeld = "Page.Lock")]
    public static void UnmapClean(Inode inode, Page page)
    {
        Layouts.UnmapPage(inode, page);
        if (page.Dirty)
        {
            throw new InvalidOperationException($"{inode}: page {page.Index} is dirty; removing it would lose data.");
        }
    }

    /// <summary>filemap_write_and_wait_range: writes back every dirty page of a range.</summary>
    public static void FlushRange(Inode inode, long first, long end)
    {
        foreach (var page in inode.Mapping.FindGetRange(first, end))
        {
            FlushPage(inode, page);
            page.Put();
        }
    }

    /// <summary>Writes back one page if it is still in the cache.</summary>
    public static void FlushPage(Inode inode, Page page)
    {
        using (page.Lock.EnterScope())
        {
            if (page.Mapping == inode.Mapping)
            {
                WriteBackLocked(inode, page);
            }
        }
    }

    /// <summary>
    /// Flush, then invalidate the range (NFS revalidation, O_DIRECT coherency). Pages dirtied
    /// between the two passes — an mmap store needs no lock the flush holds — are reported busy and
    /// kept for the next writeback; so are pages someone else holds a reference to.
    /// </summary>
    public static InvalidationResult FlushAndInvalidate(Inode inode, long first, long end)
    {
        FlushRange(inode, first, end);
        return InvalidateRange(inode, first, end);
    }

    /// <summary>invalidate_inode_pages2_range, non-destructive: it never loses dirty data.</summary>
    public static InvalidationResult InvalidateRange(Inode inode, long first, long end)
    {
        int removed = 0, busy = 0;
        foreach (var page in inode.Mapping.FindGetRange(first, end))
        {
            switch (InvalidatePage(inode, page))
            {
                case PageInvalidation.Removed:
                    removed++;
                    break;
                case PageInvalidation.Busy:
                    busy++;
                    break;
            }

            page.Put();
        }

        return new InvalidationResult(removed, busy);
    }

    /// <summary>
    /// Removes one page the caller holds a reference to, unless it is dirty (stored to since the
    /// flush) or someone besides the cache and the caller holds it: then it stays, reported busy.
    /// </summary>
    public static PageInvalidation InvalidatePage(Inode inode, Page page)
    {
        using (page.Lock.EnterScope())
        {
            if (page.Mapping != inode.Mapping)
            {
                return PageInvalidation.Gone;
            }

            Layouts.UnmapPage(inode, page);
            if (page.Dirty || page.References > 2)
            {
                return PageInvalidation.Busy;
            }

            UnmapClean(inode, page);
            PageCache.RemoveClean(inode, page);
            return PageInvalidation.Removed;
        }
    }
}

public enum PageInvalidation
{
    Removed,
    Busy,
    Gone,
}
