using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

public enum FileKind
{
    /// <summary>Data lives in page-cache pages that writeback copies to blocks.</summary>
    PageCache,

    /// <summary>Faults map the blocks themselves (pfns); devices may pin them for DMA.</summary>
    Dax,

    /// <summary>Faults map blocks and are serialized against hole punch by the fault mutex table, not the invalidate lock.</summary>
    Hugetlb,
}

/// <summary>
/// A file. <see cref="Rwsem"/> (i_rwsem, XFS IOLOCK) serializes writers, truncate and remap;
/// <see cref="InvalidateLock"/> (mapping->invalidate_lock, XFS MMAPLOCK) is taken shared by page
/// faults and exclusively by whoever removes pages or blocks; <see cref="ExtentLock"/> (XFS ILOCK)
/// guards the index → block map. Sizes and indexes are in pages.
/// </summary>
public sealed class Inode
{
    private readonly Dictionary<long, long> _extents = new();
    private long _size;
    private int _directIoInFlight;

    internal Inode(FileSystem fileSystem, long id, FileKind kind)
    {
        FileSystem = fileSystem;
        Id = id;
        Kind = kind;
        Mapping = new AddressSpace(this);
    }

    [Lock("Inode.Rwsem")] public readonly CheckedReaderWriterLock Rwsem = new("Inode.Rwsem");

    [Lock("Inode.InvalidateLock")] public readonly CheckedReaderWriterLock InvalidateLock = new("Inode.InvalidateLock");

    [Lock("Inode.ExtentLock")] public readonly CheckedLock ExtentLock = new("Inode.ExtentLock");

    public FileSystem FileSystem { get; }

    public long Id { get; }

    public FileKind Kind { get; }

    public AddressSpace Mapping { get; }

    /// <summary>
    /// i_size. Truncate changes it with no lock a fault holds, so a fault that checked it must check
    /// again under the page-table lock it installs under (seeds 000, 002).
    /// </summary>
    [MustRecheck(Under = new[] { "PageTable.Ptl" })]
    public long Size => Volatile.Read(ref _size);

    public int DirectIoInFlight => Volatile.Read(ref _directIoInFlight);

    [RequiresHeld("Inode.Rwsem"), RequiresHeld("Inode.InvalidateLock")]
    public void SetSize(long pages) => Volatile.Write(ref _size, pages);

    [RequiresHeld("Inode.ExtentLock")]
    public long BlockAt(long index) => _extents.TryGetValue(index, out var block) ? block : -1;

    [Excludes("Inode.ExtentLock")]
    public long LookupBlock(long index)
    {
        using (ExtentLock.EnterScope())
        {
            return BlockAt(index);
        }
    }

    /// <summary>
    /// The block at <paramref name="index"/>, allocated if it is a hole. Like adding a page to the
    /// page cache, it does not look at the size: a fault checks the size before and again under
    /// the page-table lock, and backs out with <see cref="ReleaseBlockBeyondSize"/>.
    /// </summary>
    [Excludes("Inode.ExtentLock")]
    public long GetOrAllocateBlock(long index) => GetOrAllocateBlock(index, out _);

    [Excludes("Inode.ExtentLock")]
    public long GetOrAllocateBlock(long index, out bool allocated)
    {
        using (ExtentLock.EnterScope())
        {
            allocated = !_extents.TryGetValue(index, out var block);
            if (allocated)
            {
                block = FileSystem.Allocator.Allocate(this, index);
                _extents.Add(index, block);
            }

            return block;
        }
    }

    /// <summary>
    /// A fault's back-out: the block it allocated lies beyond a size a truncate set meanwhile, and
    /// the truncate may already have freed the tail, so the fault returns the block itself. Only a
    /// block the fault allocated: nobody else can have mapped it, since the caller holds the index's
    /// fault mutex (which truncate also takes to free an index's block).
    /// </summary>
    [Excludes("Inode.ExtentLock")]
    public void ReleaseBlockBeyondSize(long index)
    {
        using (ExtentLock.EnterScope())
        {
            if (index < Volatile.Read(ref _size) || !_extents.Remove(index, out var block))
            {
                return;
            }

            FileSystem.Allocator.Release(block, this, index);
        }
    }

    /// <summary>
    /// The block a write to <paramref name="index"/> may change: a block shared with another file
    /// (after a dedupe) is copied first, so the write cannot show through in the other file.
    /// </summary>
    [Excludes("Inode.ExtentLock")]
    public long GetBlockForWrite(long index)
    {
        using (ExtentLock.EnterScope())
        {
            if (index >= Volatile.Read(ref _size))
            {
                return -1;
            }

            var allocator = FileSystem.Allocator;
            if (!_extents.TryGetValue(index, out var block))
            {
                block = allocator.Allocate(this, index);
                _extents.Add(index, block);
                return block;
            }

            if (allocator.ReferenceCount(block) == 1)
            {
                return block;
            }

            var copy = allocator.Allocate(this, index);
            allocator.Write(copy, allocator.Read(block));
            _extents[index] = copy;
            allocator.Release(block, this, index);
            return copy;
        }
    }

    /// <summary>Points <paramref name="index"/> at a block of another file; the block it had is released.</summary>
    [RequiresHeld("Inode.InvalidateLock"), RequiresState("LayoutsBroken")]
    [Excludes("Inode.ExtentLock")]
    public void ReplaceBlock(long index, long block)
    {
        using (ExtentLock.EnterScope())
        {
            var allocator = FileSystem.Allocator;
            allocator.Share(block, this, index);
            if (_extents.TryGetValue(index, out var old))
            {
                allocator.Release(old, this, index);
            }

            _extents[index] = block;
        }
    }

    /// <summary>Removes and returns the extents with <paramref name="first"/> ≤ index &lt; <paramref name="end"/>.</summary>
    [RequiresHeld("Inode.ExtentLock")]
    public List<(long Index, long Block)> DetachExtents(long first, long end)
    {
        var detached = _extents.Where(e => e.Key >= first && e.Key < end).Select(e => (e.Key, e.Value)).ToList();
        foreach (var (index, _) in detached)
        {
            _extents.Remove(index);
        }

        return detached;
    }

    [Excludes("Inode.ExtentLock")]
    public List<long> ExtentIndexes(long first, long end)
    {
        using (ExtentLock.EnterScope())
        {
            return _extents.Keys.Where(index => index >= first && index < end).Order().ToList();
        }
    }

    [Excludes("Inode.ExtentLock")]
    public List<long> BlocksInRange(long first, long end)
    {
        using (ExtentLock.EnterScope())
        {
            return _extents.Where(e => e.Key >= first && e.Key < end).Select(e => e.Value).ToList();
        }
    }

    /// <summary>Counts a direct I/O in flight; its data transfer happens after the rwsem is dropped.</summary>
    [RequiresHeld("Inode.Rwsem", Shared = true)]
    public void BeginDirectIo() => Interlocked.Increment(ref _directIoInFlight);

    public void EndDirectIo() => Interlocked.Decrement(ref _directIoInFlight);

    public override string ToString() => $"inode {Id} ({Kind})";
}
