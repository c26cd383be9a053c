using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>A mounted file system: its blocks, its inodes, the page tables of the processes that map its files.</summary>
public sealed class FileSystem
{
    private readonly List<Inode> _inodes = new();
    private readonly List<PageTable> _pageTables = new();
    private long _nextInodeId;

    public FileSystem(int blockCount, int faultMutexSlots = 64)
    {
        Allocator = new BlockAllocator(blockCount);
        FaultMutexes = new FaultMutexTable(faultMutexSlots);
    }

    [Lock("FileSystem.Lists")] private readonly CheckedLock _lists = new("FileSystem.Lists");

    public BlockAllocator Allocator { get; }

    public FaultMutexTable FaultMutexes { get; }

    public Inode CreateFile(FileKind kind, long size)
    {
        var inode = new Inode(this, Interlocked.Increment(ref _nextInodeId), kind);
        using (inode.Rwsem.EnterWriteScope())
        using (inode.InvalidateLock.EnterWriteScope())
        {
            inode.SetSize(size);
        }

        using (_lists.EnterScope())
        {
            _inodes.Add(inode);
        }

        return inode;
    }

    public PageTable CreatePageTable()
    {
        var table = new PageTable(Allocator);
        using (_lists.EnterScope())
        {
            _pageTables.Add(table);
        }

        return table;
    }

    /// <summary>A snapshot: unmapping walks it without holding the list lock, like rmap walks the vmas.</summary>
    public IReadOnlyList<PageTable> PageTables
    {
        get
        {
            using (_lists.EnterScope())
            {
                return _pageTables.ToArray();
            }
        }
    }

    public IReadOnlyList<Inode> Inodes
    {
        get
        {
            using (_lists.EnterScope())
            {
                return _inodes.ToArray();
            }
        }
    }

    /// <summary>
    /// The last reference to <paramref name="inode"/> is gone: its pages and blocks go back. DAX
    /// layouts are broken first (seed 001): a device may still hold a pin on one of its blocks, and
    /// a block freed under a pin is handed to the next file while the device keeps writing to it.
    /// </summary>
    public void Evict(Inode inode)
    {
        using (inode.Rwsem.EnterWriteScope())
        using (inode.InvalidateLock.EnterWriteScope())
        {
            DirectIo.WaitForDio(inode);
            inode.SetSize(0);
            Layouts.BreakLayouts(inode, 0, long.MaxValue);
            PageCache.TruncatePages(inode, 0, long.MaxValue);
            Truncation.FreeBlocks(inode, 0, long.MaxValue);
        }

        using (_lists.EnterScope())
        {
            _inodes.Remove(inode);
        }
    }

    /// <summary>Writes back and evicts every inode, so no block stays in use past the unmount.</summary>
    public void Unmount()
    {
        foreach (var inode in Inodes)
        {
            Writeback.FlushRange(inode, 0, long.MaxValue);
            Evict(inode);
        }
    }
}
