using LockContracts.ReferenceMm;

namespace Seed000;

/// <summary>
/// The DAX fault of the seed 000 thread: the block is looked up and the size checked under the
/// inode lock taken shared, the lock is dropped, then the pte is set up. Truncate can update the
/// size, unmap and free the block in between, and the pte points at a block the file lost.
/// </summary>
public static class UnlockedDaxFault
{
    public static bool Fault(PageTable table, Inode inode, long index)
    {
        long block;
        using (inode.InvalidateLock.EnterReadScope())
        {
            if (index >= inode.Size)
            {
                return false;
            }

            block = inode.GetOrAllocateBlock(index);
        }

        // Setting up the pfn takes a while (a new block is zeroed first); truncate can run meanwhile.
        Thread.Sleep(1);
        using (table.Ptl.EnterScope()) // LOCK103: the size was checked before the page-table lock and not again under it
        {
            table.InstallBlock(inode, index, block);
        }

        return true;
    }
}
