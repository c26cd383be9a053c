using System.Collections.Concurrent;
using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>
/// The file system's blocks. Besides handing blocks out, it keeps for each block the files that
/// reference it (more than one after a dedupe), how many page-table entries map it and how many
/// DMA pins hold it, so that freeing or reusing a block that is still in use is detected where it
/// happens and recorded in <see cref="Corruptions"/> instead of silently corrupting another file.
/// </summary>
public sealed class BlockAllocator
{
    private readonly BlockState[] _blocks;
    private readonly Stack<long> _free = new();
    private readonly ConcurrentQueue<string> _corruptions = new();

    [Lock("BlockAllocator.Lock")] private readonly CheckedLock _lock = new("BlockAllocator.Lock");

    public BlockAllocator(int blockCount)
    {
        _blocks = new BlockState[blockCount];
        for (var block = blockCount - 1; block >= 0; block--)
        {
            _blocks[block] = new BlockState();
            _free.Push(block);
        }
    }

    /// <summary>Every use of a freed or reused block seen so far; empty while the model is correct.</summary>
    public IReadOnlyCollection<string> Corruptions => _corruptions;

    public int FreeCount
    {
        get
        {
            using (_lock.EnterScope())
            {
                return _free.Count;
            }
        }
    }

    /// <summary>Hands out a free block for <paramref name="owner"/> at <paramref name="index"/>, zeroed.</summary>
    public long Allocate(Inode owner, long index)
    {
        using (_lock.EnterScope())
        {
            if (_free.Count == 0)
            {
                throw new InvalidOperationException("The file system is out of blocks.");
            }

            var block = _free.Pop();
            var state = _blocks[block];
            if (state.MapCount > 0 || state.Pins > 0)
            {
                Report($"block {block} handed to inode {owner.Id} while still mapped ({state.MapCount}) or pinned ({state.Pins})");
            }

            state.Owners.Add((owner, index));
            state.Data = 0;
            return block;
        }
    }

    /// <summary>Adds a reference from another file to a block (dedupe / reflink).</summary>
    public void Share(long block, Inode owner, long index)
    {
        using (_lock.EnterScope())
        {
            var state = _blocks[block];
            if (state.Owners.Count == 0)
            {
                Report($"inode {owner.Id} linked to free block {block} at {index}");
            }

            state.Owners.Add((owner, index));
        }
    }

    /// <summary>Drops one file's reference; the last one frees the block.</summary>
    public void Release(long block, Inode owner, long index)
    {
        using (_lock.EnterScope())
        {
            var state = _blocks[block];
            if (!state.Owners.Remove((owner, index)))
            {
                Report($"inode {owner.Id} released block {block} at {index} that it does not reference");
                return;
            }

            if (state.Owners.Count > 0)
            {
                return;
            }

            if (state.MapCount > 0)
            {
                Report($"block {block} of inode {owner.Id} at {index} freed while mapped by {state.MapCount} page-table entries");
            }

            if (state.Pins > 0)
            {
                Report($"block {block} of inode {owner.Id} at {index} freed while pinned for DMA ({state.Pins})");
            }

            _free.Push(block);
        }
    }

    public int ReferenceCount(long block)
    {
        using (_lock.EnterScope())
        {
            return _blocks[block].Owners.Count;
        }
    }

    /// <summary>A page-table entry now maps the block; it must belong to that file at that index.</summary>
    public void Map(long block, Inode owner, long index)
    {
        using (_lock.EnterScope())
        {
            var state = _blocks[block];
            if (!state.Owners.Contains((owner, index)))
            {
                Report($"inode {owner.Id} at {index} mapped block {block}, which is not part of the file there (freed or reused)");
            }

            state.MapCount++;
        }
    }

    public void Unmap(long block)
    {
        using (_lock.EnterScope())
        {
            _blocks[block].MapCount--;
        }
    }

    public void Pin(long block)
    {
        using (_lock.EnterScope())
        {
            _blocks[block].Pins++;
        }
    }

    public void Unpin(long block)
    {
        using (_lock.EnterScope())
        {
            _blocks[block].Pins--;
        }
    }

    public bool IsPinned(long block)
    {
        using (_lock.EnterScope())
        {
            return _blocks[block].Pins > 0;
        }
    }

    public bool IsOwnedBy(long block, Inode owner, long index)
    {
        using (_lock.EnterScope())
        {
            return _blocks[block].Owners.Contains((owner, index));
        }
    }

    public long Read(long block)
    {
        using (_lock.EnterScope())
        {
            return _blocks[block].Data;
        }
    }

    public void Write(long block, long data)
    {
        using (_lock.EnterScope())
        {
            _blocks[block].Data = data;
        }
    }

    /// <summary>A device writes through its pin: the block must still belong to the file it pinned.</summary>
    public void WriteThroughPin(long block, Inode owner, long index, long data)
    {
        using (_lock.EnterScope())
        {
            var state = _blocks[block];
            if (!state.Owners.Contains((owner, index)))
            {
                Report($"DMA for inode {owner.Id} at {index} wrote block {block}, which the file no longer owns");
            }

            state.Data = data;
        }
    }

    private void Report(string corruption) => _corruptions.Enqueue(corruption);

    private sealed class BlockState
    {
        public readonly List<(Inode Owner, long Index)> Owners = new();
        public int MapCount;
        public int Pins;
        public long Data;
    }
}
