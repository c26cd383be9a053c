using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>An inode's page cache: pages by index, each holding one reference for the cache.</summary>
public sealed class AddressSpace
{
    private readonly SortedDictionary<long, Page> _pages = new();

    public AddressSpace(Inode host) => Host = host;

    [Lock("AddressSpace.Lock")] public readonly CheckedLock Lock = new("AddressSpace.Lock");

    public Inode Host { get; }

    /// <summary>The cached page at <paramref name="index"/> with a reference for the caller, or null.</summary>
    [Excludes("AddressSpace.Lock")]
    public Page? FindGet(long index)
    {
        using (Lock.EnterScope())
        {
            if (!_pages.TryGetValue(index, out var page))
            {
                return null;
            }

            page.Get();
            return page;
        }
    }

    /// <summary>The cached page at <paramref name="index"/>, inserted (not yet uptodate) if absent, with a reference for the caller.</summary>
    [Excludes("AddressSpace.Lock")]
    public Page FindOrCreateGet(long index)
    {
        using (Lock.EnterScope())
        {
            if (!_pages.TryGetValue(index, out var page))
            {
                page = new Page(this, index);
                _pages.Add(index, page);
            }

            page.Get();
            return page;
        }
    }

    /// <summary>The cached pages with <paramref name="first"/> ≤ index &lt; <paramref name="end"/>, each with a reference for the caller.</summary>
    [Excludes("AddressSpace.Lock")]
    public List<Page> FindGetRange(long first, long end)
    {
        using (Lock.EnterScope())
        {
            var pages = new List<Page>();
            foreach (var (index, page) in _pages)
            {
                if (index >= first && index < end)
                {
                    page.Get();
                    pages.Add(page);
                }
            }

            return pages;
        }
    }

    public int Count
    {
        get
        {
            using (Lock.EnterScope())
            {
                return _pages.Count;
            }
        }
    }

    /// <summary>Takes a locked page out of the cache; whoever still holds a reference sees <see cref="Page.Mapping"/> null.</summary>
    [RequiresHeld("Page.Lock", On = "page")]
    internal void Delete(Page page)
    {
        using (Lock.EnterScope())
        {
            if (_pages.TryGetValue(page.Index, out var cached) && ReferenceEquals(cached, page))
            {
                _pages.Remove(page.Index);
            }
        }

        page.Detach();
        page.Put();
    }
}
