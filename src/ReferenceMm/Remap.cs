using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>
/// Dedupe (FIDEDUPERANGE / remap_file_range) between two files, in the order the seed 004 thread
/// settles on: both inodes' rwsems exclusively (in a fixed order), both invalidate locks, layouts
/// broken, direct I/O drained, dirty pages written back — only then is the data stable — and each
/// pair of pages locked in a fixed order and revalidated once locked before it is compared.
/// </summary>
public static class Remap
{
    /// <summary>
    /// Makes <paramref name="destination"/>'s pages [<paramref name="destinationIndex"/>, +count) share
    /// the blocks of <paramref name="source"/>'s [<paramref name="sourceIndex"/>, +count) if every
    /// page of the two ranges holds the same data. Returns whether it linked them.
    /// </summary>
    public static bool DedupeRange(Inode source, long sourceIndex, Inode destination, long destinationIndex, long count)
    {
        if (ReferenceEquals(source, destination))
        {
            throw new ArgumentException("Dedupe within one file is not modelled.", nameof(destination));
        }

        CheckedReaderWriterLock.EnterWriteBoth(source.Rwsem, destination.Rwsem);
        try
        {
            CheckedReaderWriterLock.EnterWriteBoth(source.InvalidateLock, destination.InvalidateLock);
            try
            {
                Layouts.BreakLayouts(source, sourceIndex, sourceIndex + count);
                Layouts.BreakLayouts(destination, destinationIndex, destinationIndex + count);
                DirectIo.WaitForDio(source);
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

                for (var offset = 0L; offset < count; offset++)
                {
                    LinkBlock(source, sourceIndex + offset, destination, destinationIndex + offset);
                }

                return true;
            }
            finally
            {
                CheckedReaderWriterLock.ExitWriteBoth(source.InvalidateLock, destination.InvalidateLock);
            }
        }
        finally
        {
            CheckedReaderWriterLock.ExitWriteBoth(source.Rwsem, destination.Rwsem);
        }
    }

    /// <summary>
    /// Compares one pair of pages. The pages are locked together in one fixed order whatever the
    /// argument order (two dedupes in opposite directions would otherwise deadlock), and checked to
    /// still belong to their files once locked: an invalidation may have removed them meanwhile.
    /// </summary>
    [RequiresHeld("Inode.Rwsem", On = "source"), RequiresHeld("Inode.Rwsem", On = "destination")]
    [RequiresState("DioDrained", On = "source"), RequiresState("DioDrained", On = "destination")]
    public static bool PagesMatch(Inode source, long sourceIndex, Inode destination, long destinationIndex)
    {
        var sourcePage = PageCache.ReadPageGet(source, sourceIndex);
        var destinationPage = PageCache.ReadPageGet(destination, destinationIndex);
        try
        {
            return LockedPagesMatch(source, sourcePage, destination, destinationPage);
        }
        finally
        {
            sourcePage.Put();
            destinationPage.Put();
        }
    }

    private static bool LockedPagesMatch(Inode source, Page sourcePage, Inode destination, Page destinationPage)
    {
        using (CheckedLock.EnterBothScope(sourcePage.Lock, destinationPage.Lock))
        {
            if (sourcePage.Mapping != source.Mapping || destinationPage.Mapping != destination.Mapping)
            {
                return false;
            }

            return sourcePage.Data == destinationPage.Data;
        }
    }

    /// <summary>
    /// Points the destination index at the source's block. Needs both files' data frozen: no direct
    /// I/O can start (rwsems exclusive) or be in flight (drained), no fault can map (invalidate locks
    /// exclusive) and no device can write (layouts broken).
    /// </summary>
    [RequiresHeld("Inode.Rwsem", On = "source"), RequiresHeld("Inode.Rwsem", On = "destination")]
    [RequiresHeld("Inode.InvalidateLock", On = "source"), RequiresHeld("Inode.InvalidateLock", On = "destination")]
    [RequiresState("DioDrained", On = "source"), RequiresState("DioDrained", On = "destination")]
    [RequiresState("LayoutsBroken", On = "source"), RequiresState("LayoutsBroken", On = "destination")]
    public static void LinkBlock(Inode source, long sourceIndex, Inode destination, long destinationIndex)
    {
        var block = source.GetOrAllocateBlock(sourceIndex);
        var cached = destination.Mapping.FindGet(destinationIndex);
        if (cached is not null)
        {
            using (cached.Lock.EnterScope())
            {
                if (cached.Mapping == destination.Mapping)
                {
                    Writeback.UnmapClean(destination, cached);
                    PageCache.RemoveClean(destination, cached);
                }
            }

            cached.Put();
        }

        destination.ReplaceBlock(destinationIndex, block);
    }
}
