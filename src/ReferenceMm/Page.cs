using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>
/// A page-cache page. <see cref="Mapping"/> is cleared under the page lock when the page leaves the
/// cache, so a holder of a reference must lock the page and look again before trusting it. The
/// data and dirty bit are written by mmap writes under the page-table lock of a mapping entry, and
/// by writeback under the page lock after unmapping it, which is what keeps them consistent.
/// </summary>
public sealed class Page
{
    private int _references = 1;
    private long _data;
    private int _dirty;

    public Page(AddressSpace mapping, long index)
    {
        Mapping = mapping;
        Index = index;
    }

    [Lock("Page.Lock")] public readonly CheckedLock Lock = new("Page.Lock");

    /// <summary>The cache this page belongs to, or null once it was removed (truncated, invalidated).</summary>
    [MustRecheck(Under = new[] { "Page.Lock" })]
    public AddressSpace? Mapping { get; private set; }

    public long Index { get; }

    public bool Uptodate { get; private set; }

    public bool Dirty => Volatile.Read(ref _dirty) != 0;

    public long Data => Volatile.Read(ref _data);

    public int References => Volatile.Read(ref _references);

    public void Get() => Interlocked.Increment(ref _references);

    public void Put() => Interlocked.Decrement(ref _references);

    /// <summary>Fills a new page from its block (or zeroes for a hole).</summary>
    [RequiresHeld("Page.Lock")]
    public void Fill(long data)
    {
        Volatile.Write(ref _data, data);
        Uptodate = true;
    }

    /// <summary>An mmap store: the caller holds the page-table lock of an entry that maps this page.</summary>
    public void StoreThroughMapping(long data)
    {
        Volatile.Write(ref _data, data);
        Volatile.Write(ref _dirty, 1);
    }

    /// <summary>Clears the dirty bit and says whether it was set (the kernel's test_clear_page_dirty).</summary>
    [RequiresHeld("Page.Lock")]
    public bool TestClearDirty() => Interlocked.Exchange(ref _dirty, 0) != 0;

    [RequiresHeld("Page.Lock")]
    internal void Detach() => Mapping = null;
}
