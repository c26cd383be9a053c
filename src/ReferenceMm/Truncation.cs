namespace LockContracts.ReferenceMm;

/// <summary>
/// Truncate and hole punch, in the kernel's order: new size, unmap, remove pages, free blocks.
/// Blocks are freed only with layouts broken under the invalidate lock still held (seed 001).
/// </summary>
public static class Truncation
{
    public static void Truncate(Inode inode, long newSize)
    {
        using (inode.Rwsem.EnterWriteScope())
        using (inode.InvalidateLock.EnterWriteScope())
        {
            DirectIo.WaitForDio(inode);
            inode.SetSize(newSize);
            Layouts.BreakLayouts(inode, newSize, long.MaxValue);
            PageCache.TruncatePages(inode, newSize, long.MaxValue);
            FreeBlocksAgainstFaults(inode, newSize, long.MaxValue);
        }
    }

    /// <summary>
    /// Frees the blocks of <paramref name="first"/> ≤ index &lt; <paramref name="end"/> without changing
    /// the size. There is no size fence here, so hugetlb-style faults (which do not take the
    /// invalidate lock) are kept out of each index by its fault mutex while it is unmapped and freed (seed 002).
    /// </summary>
    public static void PunchHole(Inode inode, long first, long end)
    {
        using (inode.Rwsem.EnterWriteScope())
        using (inode.InvalidateLock.EnterWriteScope())
        {
            DirectIo.WaitForDio(inode);
            Layouts.BreakLayouts(inode, first, end);
            PageCache.TruncatePages(inode, first, end);
            FreeBlocksAgainstFaults(inode, first, end);
        }
    }

    /// <summary>
    /// Frees a range's blocks. Hugetlb faults do not take the invalidate lock, and the size check
    /// alone cannot stop them here: a fault may have looked its block up before a truncate to zero
    /// and recheck the size after the file grew back (or there is no size change at all, for a
    /// hole punch). So each index is unmapped again and freed under the fault mutex the fault holds
    /// from lookup to install (remove_inode_hugepages).
    /// </summary>
    [RequiresHeld("Inode.InvalidateLock", On = "inode")]
    [RequiresState("LayoutsBroken", On = "inode")]
    private static void FreeBlocksAgainstFaults(Inode inode, long first, long end)
    {
        if (inode.Kind != FileKind.Hugetlb)
        {
            FreeBlocks(inode, first, end);
            return;
        }

        var indexes = inode.ExtentIndexes(first, end);
        for (var i = 0; i < indexes.Count; i++)
        {
            var index = indexes[i];
            var slot = inode.FileSystem.FaultMutexes.For(inode.Mapping, index);
            using (slot.Lock.EnterScope())
            {
                Layouts.UnmapRange(inode, index, index + 1);
                FreeBlocks(inode, index, index + 1);
            }
        }
    }

    /// <summary>Returns the blocks of a range to the allocator.</summary>
    [RequiresHeld("Inode.InvalidateLock", On = "inode")]
    [RequiresState("LayoutsBroken", On = "inode")]
    public static void FreeBlocks(Inode inode, long first, long end)
    {
        var allocator = inode.FileSystem.Allocator;
        using (inode.ExtentLock.EnterScope())
        {
            foreach (var (index, block) in inode.DetachExtents(first, end))
            {
                allocator.Release(block, inode, index);
            }
        }
    }
}
