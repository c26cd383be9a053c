using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>What a page-table entry points at: a block (DAX, hugetlb) or a page-cache page.</summary>
public readonly record struct Pte(long Block, Page? Page);

/// <summary>
/// One process's page table. All entries are changed under <see cref="Ptl"/>: a fault installs under
/// it after rechecking the file size, truncate and layout breaking remove under it, so an entry can
/// never be installed "behind" an unmap that already passed.
/// </summary>
public sealed class PageTable
{
    private readonly Dictionary<(Inode Inode, long Index), Pte> _entries = new();
    private readonly BlockAllocator _allocator;

    public PageTable(BlockAllocator allocator) => _allocator = allocator;

    [Lock("PageTable.Ptl")] public readonly CheckedLock Ptl = new("PageTable.Ptl");

    [RequiresHeld("PageTable.Ptl")]
    public bool TryGet(Inode inode, long index, out Pte pte) => _entries.TryGetValue((inode, index), out pte);

    /// <summary>Maps a block of <paramref name="inode"/>; the allocator checks that the block is still the file's.</summary>
    [RequiresHeld("PageTable.Ptl")]
    public void InstallBlock(Inode inode, long index, long block)
    {
        if (_entries.ContainsKey((inode, index)))
        {
            return;
        }

        _allocator.Map(block, inode, index);
        _entries.Add((inode, index), new Pte(block, null));
    }

    [RequiresHeld("PageTable.Ptl")]
    public void InstallPage(Inode inode, long index, Page page)
    {
        if (_entries.ContainsKey((inode, index)))
        {
            return;
        }

        page.Get();
        _entries.Add((inode, index), new Pte(-1, page));
    }

    /// <summary>Removes the entries of <paramref name="inode"/> with <paramref name="first"/> ≤ index &lt; <paramref name="end"/>.</summary>
    [RequiresHeld("PageTable.Ptl")]
    public void RemoveRange(Inode inode, long first, long end)
    {
        List<(Inode, long)>? doomed = null;
        foreach (var (key, _) in _entries)
        {
            if (ReferenceEquals(key.Inode, inode) && key.Index >= first && key.Index < end)
            {
                (doomed ??= new()).Add(key);
            }
        }

        if (doomed is null)
        {
            return;
        }

        foreach (var key in doomed)
        {
            var pte = _entries[key];
            _entries.Remove(key);
            if (pte.Page is { } page)
            {
                page.Put();
            }
            else
            {
                _allocator.Unmap(pte.Block);
            }
        }
    }

    [RequiresHeld("PageTable.Ptl")]
    public List<(Inode Inode, long Index, Pte Pte)> Entries() => _entries.Select(e => (e.Key.Inode, e.Key.Index, e.Value)).ToList();
}
