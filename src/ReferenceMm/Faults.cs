namespace LockContracts.ReferenceMm;

/// <summary>
/// Page faults and mmap stores. Every fault checks the size early (to avoid work) and again under
/// the page-table lock it installs under (the check that counts): truncate sets the size before it
/// unmaps under the same lock, so an install either happens before that unmap (which removes it) or
/// sees the new size (seeds 000, 002).
/// </summary>
public static class Faults
{
    /// <summary>A fault on a page-cache file: find or read the page, lock it, check it is still cached, map it. False beyond the size.</summary>
    public static bool FaultPage(PageTable table, Inode inode, long index)
    {
        using (inode.InvalidateLock.EnterReadScope())
        {
            while (true)
            {
                if (index >= inode.Size)
                {
                    return false;
                }

                var page = PageCache.ReadPageGet(inode, index);
                try
                {
                    using (page.Lock.EnterScope())
                    {
                        if (page.Mapping != inode.Mapping)
                        {
                            // Invalidated since it was read in: look it up again.
                            continue;
                        }

                        using (table.Ptl.EnterScope())
                        {
                            if (index >= inode.Size)
                            {
                                return false;
                            }

                            table.InstallPage(inode, index, page);
                            return true;
                        }
                    }
                }
                finally
                {
                    page.Put();
                }
            }
        }
    }

    /// <summary>A DAX fault: map the file's block (its pfn) directly.</summary>
    public static bool FaultDax(PageTable table, Inode inode, long index)
    {
        using (inode.InvalidateLock.EnterReadScope())
        {
            if (index >= inode.Size)
            {
                return false;
            }

            var block = inode.GetOrAllocateBlock(index);
            using (table.Ptl.EnterScope())
            {
                if (index >= inode.Size)
                {
                    return false;
                }

                table.InstallBlock(inode, index, block);
            }

            return true;
        }
    }

    /// <summary>
    /// hugetlb_no_page: no invalidate lock. The fault mutex of (mapping, index) keeps hole punch and
    /// truncate's freeing of this index out from the lookup to the install; a block allocated after
    /// truncate already freed the tail is caught by the size recheck under the page-table lock and
    /// given back (seed 002).
    /// </summary>
    public static bool FaultHugetlb(PageTable table, Inode inode, long index)
    {
        var slot = inode.FileSystem.FaultMutexes.For(inode.Mapping, index);
        using (slot.Lock.EnterScope())
        {
            if (index >= inode.Size)
            {
                return false;
            }

            var block = inode.GetOrAllocateBlock(index, out var allocated);
            using (table.Ptl.EnterScope())
            {
                if (index < inode.Size)
                {
                    table.InstallBlock(inode, index, block);
                    return true;
                }
            }

            if (allocated)
            {
                inode.ReleaseBlockBeyondSize(index);
            }

            return false;
        }
    }

    /// <summary>A fault of the kind the file needs.</summary>
    public static bool Fault(PageTable table, Inode inode, long index) => inode.Kind switch
    {
        FileKind.PageCache => FaultPage(table, inode, index),
        FileKind.Dax => FaultDax(table, inode, index),
        _ => FaultHugetlb(table, inode, index),
    };

    /// <summary>
    /// A store through a mapping of a page-cache file: with the entry present it needs no fault and
    /// takes no page lock, only the page-table lock; it dirties the page. False beyond the size.
    /// </summary>
    public static bool MmapStore(PageTable table, Inode inode, long index, long data)
    {
        while (true)
        {
            using (table.Ptl.EnterScope())
            {
                if (table.TryGet(inode, index, out var pte) && pte.Page is { } page)
                {
                    page.StoreThroughMapping(data);
                    return true;
                }
            }

            if (!FaultPage(table, inode, index))
            {
                return false;
            }
        }
    }
}

/// <summary>A device doing DMA to a DAX file's block through a mapping (get_user_pages, RDMA, P2P).</summary>
public static class Dma
{
    /// <summary>Pins the block mapped at <paramref name="index"/>; -1 if nothing is mapped there.</summary>
    public static long Pin(PageTable table, Inode inode, long index)
    {
        using (table.Ptl.EnterScope())
        {
            if (!table.TryGet(inode, index, out var pte) || pte.Page is not null)
            {
                return -1;
            }

            inode.FileSystem.Allocator.Pin(pte.Block);
            return pte.Block;
        }
    }

    /// <summary>The device's write lands, then the pin is dropped; no lock of the file is involved.</summary>
    public static void CompleteWrite(Inode inode, long index, long block, long data)
    {
        var allocator = inode.FileSystem.Allocator;
        allocator.WriteThroughPin(block, inode, index, data);
        allocator.Unpin(block);
    }
}
