using LockContracts.ReferenceMm;

namespace Seed001;

/// <summary>
/// Eviction before the seed 001 patch: it unmaps and frees the blocks but never waits for DMA
/// pins to drop, so a block still being written by a device goes back to the allocator.
/// </summary>
public static class EvictWithoutBreakingLayouts
{
    public static void Evict(Inode inode)
    {
        using (inode.Rwsem.EnterWriteScope())
        using (inode.InvalidateLock.EnterWriteScope())
        {
            DirectIo.WaitForDio(inode);
            inode.SetSize(0);
            Layouts.UnmapRange(inode, 0, long.MaxValue);
            PageCache.TruncatePages(inode, 0, long.MaxValue);
            Truncation.FreeBlocks(inode, 0, long.MaxValue); // LOCK104: layouts were never broken, pinned blocks are freed
        }
    }
}
