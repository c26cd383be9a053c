using LockContracts.ReferenceMm;

namespace Seed002;

/// <summary>
/// hugetlb_no_page with the second i_size check "optimized" away (the change Hugh warns about):
/// the fault mutex keeps hole punch out, but truncate takes no fault mutex and relies on that check.
/// </summary>
public static class HugetlbFaultWithoutRecheck
{
    public static bool Fault(PageTable table, Inode inode, long index)
    {
        var slot = inode.FileSystem.FaultMutexes.For(inode.Mapping, index);
        using (slot.Lock.EnterScope())
        {
            if (index >= inode.Size)
            {
                return false;
            }

            // Allocating and clearing a huge page takes a while (2 MiB zeroed); truncate can run meanwhile.
            Thread.Sleep(1);
            var block = inode.GetOrAllocateBlock(index);
            using (table.Ptl.EnterScope()) // LOCK103: no second size check under the page-table lock
            {
                table.InstallBlock(inode, index, block);
            }

            return true;
        }
    }
}
