namespace LockContracts.ReferenceMm;

/// <summary>Reading pages into the cache and taking them out of it.</summary>
public static class PageCache
{
    /// <summary>Fills a new page from the file's block at its index (a hole reads as zero).</summary>
    [RequiresHeld("Page.Lock", On = "page")]
    public static void FillLocked(Inode inode, Page page)
    {
        var block = inode.LookupBlock(page.Index);
        page.Fill(block < 0 ? 0 : inode.FileSystem.Allocator.Read(block));
    }

    /// <summary>The uptodate cached page at <paramref name="index"/>, read in if needed, with a reference for the caller.</summary>
    public static Page ReadPageGet(Inode inode, long index)
    {
        while (true)
        {
            var page = inode.Mapping.FindOrCreateGet(index);
            using (page.Lock.EnterScope())
            {
                if (page.Mapping == inode.Mapping)
                {
                    if (!page.Uptodate)
                    {
                        FillLocked(inode, page);
                    }

                    return page;
                }
            }

            // Invalidated between the lookup and the lock: look it up again.
            page.Put();
        }
    }

    /// <summary>What a reader sees at <paramref name="index"/>: the cached page, else the block, else zero.</summary>
    public static long Read(Inode inode, long index)
    {
        var page = inode.Mapping.FindGet(index);
        if (page is not null)
        {
            try
            {
                using (page.Lock.EnterScope())
                {
                    if (page.Mapping == inode.Mapping && page.Uptodate)
                    {
                        return page.Data;
                    }
                }
            }
            finally
            {
                page.Put();
            }
        }

        var block = inode.LookupBlock(index);
        return block < 0 ? 0 : inode.FileSystem.Allocator.Read(block);
    }

    /// <summary>
    /// Removes a locked, clean page from the cache. "Clean" is only known while the page is locked
    /// and unmapped; a page written back under an earlier hold of its lock may have been dirtied
    /// since (seed 003).
    /// </summary>
    [RequiresHeld("Page.Lock", On = "page")]
    [RequiresState("Clean", On = "page")]
    public static void RemoveClean(Inode inode, Page page) => inode.Mapping.Delete(page);

    /// <summary>
    /// truncate_inode_pages_range: unmaps and removes the pages of a range, dirty or not — the data
    /// is past the new size or inside the hole, so discarding it is the point.
    /// </summary>
    [RequiresHeld("Inode.InvalidateLock", On = "inode")]
    public static void TruncatePages(Inode inode, long first, long end)
    {
        foreach (var page in inode.Mapping.FindGetRange(first, end))
        {
            TruncatePage(inode, page);
            page.Put();
        }
    }

    [RequiresHeld("Inode.InvalidateLock", On = "inode")]
    private static void TruncatePage(Inode inode, Page page)
    {
        using (page.Lock.EnterScope())
        {
            if (page.Mapping == inode.Mapping)
            {
                Layouts.UnmapPage(inode, page);
                DiscardLocked(inode, page);
            }
        }
    }

    [RequiresHeld("Inode.InvalidateLock", On = "inode")]
    [RequiresHeld("Page.Lock", On = "page")]
    private static void DiscardLocked(Inode inode, Page page)
    {
        page.TestClearDirty();
        inode.Mapping.Delete(page);
    }
}
