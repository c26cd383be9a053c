using LockContracts.ReferenceMm;

namespace Seed004;

/// <summary>
/// Dedupe as in the seed 004 thread before the fix: the source inode is locked shared, so a direct
/// write can start after its I/O was drained and change the data after it was compared; and the
/// two pages are locked in argument order, which deadlocks two dedupes in opposite directions.
/// </summary>
public static class SharedSourceDedupe
{
    public static bool DedupeRange(Inode source, long sourceIndex, Inode destination, long destinationIndex, long count)
    {
        source.Rwsem.EnterRead();
        destination.Rwsem.EnterWriteNested(1);
        source.InvalidateLock.EnterRead();
        destination.InvalidateLock.EnterWriteNested(1);
        try
        {
            Layouts.BreakLayouts(destination, destinationIndex, destinationIndex + count);
            DirectIo.WaitForDio(source); // LOCK101: draining means nothing unless the rwsem keeps new I/O out
            DirectIo.WaitForDio(destination);
            Writeback.FlushRange(source, sourceIndex, sourceIndex + count);
            Writeback.FlushRange(destination, destinationIndex, destinationIndex + count);
            for (var offset = 0L; offset < count; offset++)
            {
                if (!PagesMatch(source, sourceIndex + offset, destination, destinationIndex + offset))
                {
                    return false;
                }
            }

            // Each block is linked in a transaction of its own, and reserving log space for it takes a while.
            Thread.Sleep(1);
            for (var offset = 0L; offset < count; offset++)
            {
                Remap.LinkBlock(source, sourceIndex + offset, destination, destinationIndex + offset); // LOCK101: the source is not locked exclusively; LOCK104: nor are its layouts broken
            }

            return true;
        }
        finally
        {
            destination.InvalidateLock.ExitWrite();
            source.InvalidateLock.ExitRead();
            destination.Rwsem.ExitWrite();
            source.Rwsem.ExitRead();
        }
    }

    private static bool PagesMatch(Inode source, long sourceIndex, Inode destination, long destinationIndex)
    {
        var sourcePage = PageCache.ReadPageGet(source, sourceIndex);
        var destinationPage = PageCache.ReadPageGet(destination, destinationIndex);
        try
        {
            using (sourcePage.Lock.EnterScope())
            using (destinationPage.Lock.EnterScope()) // LOCK004: two page locks nested in argument order
            {
                return sourcePage.Mapping == source.Mapping && destinationPage.Mapping == destination.Mapping
                    && sourcePage.Data == destinationPage.Data;
            }
        }
        finally
        {
            sourcePage.Put();
            destinationPage.Put();
        }
    }
}
