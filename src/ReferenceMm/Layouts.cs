using System.Diagnostics;

namespace LockContracts.ReferenceMm;

/// <summary>Unmapping a file range from every page table, and breaking DAX layouts (waiting for DMA pins).</summary>
public static class Layouts
{
    /// <summary>How long breaking layouts waits for a device to drop its pins before declaring the model stuck.</summary>
    public static TimeSpan PinWaitLimit { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Removes every page-table entry of <paramref name="inode"/> with <paramref name="first"/> ≤ index &lt; <paramref name="end"/>.</summary>
    public static void UnmapRange(Inode inode, long first, long end)
    {
        foreach (var table in inode.FileSystem.PageTables)
        {
            using (table.Ptl.EnterScope())
            {
                table.RemoveRange(inode, first, end);
            }
        }
    }

    /// <summary>Unmaps a locked page, so that no store can dirty it until it is unlocked and faulted in again.</summary>
    [RequiresHeld("Page.Lock", On = "page")]
    public static void UnmapPage(Inode inode, Page page) => UnmapRange(inode, page.Index, page.Index + 1);

    /// <summary>
    /// dax_break_mapping: unmaps the range, then waits until no block in it is pinned for DMA. Pins
    /// are only taken through a mapping, and faults need the invalidate lock the caller holds
    /// exclusively, so once this returns no device can reach the range's blocks until that lock is
    /// released — which is exactly how long the state lasts.
    /// </summary>
    [RequiresHeld("Inode.InvalidateLock", On = "inode")]
    [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
    public static void BreakLayouts(Inode inode, long first, long end)
    {
        UnmapRange(inode, first, end);
        var allocator = inode.FileSystem.Allocator;
        var blocks = inode.BlocksInRange(first, end);
        var waited = Stopwatch.StartNew();
        foreach (var block in blocks)
        {
            while (allocator.IsPinned(block))
            {
                if (waited.Elapsed > PinWaitLimit)
                {
                    throw new TimeoutException($"{inode}: block {block} stayed pinned for DMA longer than {PinWaitLimit}.");
                }

                Thread.Yield();
            }
        }
    }
}
