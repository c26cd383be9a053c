using System.Diagnostics;

namespace LockContracts.ReferenceMm;

/// <summary>
/// Direct I/O. A direct write takes the rwsem shared only to start: the transfer to the block runs
/// after it is dropped, so whoever needs the data stable must also wait for I/O in flight
/// (inode_dio_wait) while holding the rwsem exclusively, which stops new I/O from starting.
/// </summary>
public static class DirectIo
{
    public static TimeSpan DrainLimit { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Writes <paramref name="data"/> to the block at <paramref name="index"/>; false beyond the size.</summary>
    public static bool Write(Inode inode, long index, long data, Action? transferDelay = null)
    {
        long block;
        using (inode.Rwsem.EnterReadScope())
        {
            block = inode.GetBlockForWrite(index);
            if (block < 0)
            {
                return false;
            }

            inode.BeginDirectIo();
            InvalidateForDirectIo(inode, index);
        }

        try
        {
            transferDelay?.Invoke();
            inode.FileSystem.Allocator.Write(block, data);
        }
        finally
        {
            inode.EndDirectIo();
        }

        return true;
    }

    /// <summary>inode_dio_wait: no direct I/O of the inode is in flight, and none can start while the rwsem is held.</summary>
    [RequiresHeld("Inode.Rwsem", On = "inode")]
    [EstablishesState("DioDrained", On = "inode", ValidWhileHeld = "Inode.Rwsem")]
    public static void WaitForDio(Inode inode)
    {
        var waited = Stopwatch.StartNew();
        while (inode.DirectIoInFlight > 0)
        {
            if (waited.Elapsed > DrainLimit)
            {
                throw new TimeoutException($"{inode}: direct I/O did not drain within {DrainLimit}.");
            }

            Thread.Yield();
        }
    }

    /// <summary>Writes back and drops the cached page a direct write is about to bypass.</summary>
    private static void InvalidateForDirectIo(Inode inode, long index)
    {
        var page = inode.Mapping.FindGet(index);
        if (page is null)
        {
            return;
        }

        using (page.Lock.EnterScope())
        {
            if (page.Mapping == inode.Mapping)
            {
                Writeback.WriteBackLocked(inode, page);
                PageCache.RemoveClean(inode, page);
            }
        }

        page.Put();
    }
}
