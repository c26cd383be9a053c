using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm;

/// <summary>One slot of the fault mutex table; the lock is a named field so every holder is checked.</summary>
public sealed class FaultMutex
{
    [Lock("FaultMutex")] public readonly CheckedLock Lock = new("FaultMutex");
}

/// <summary>
/// hugetlb_fault_mutex_table: a fixed set of mutexes hashed by (mapping, index). A fault holds the
/// slot of its index from the size check to the page-table install; hole punch holds it while it
/// unmaps and frees that index, so the two never interleave on one index (seed 002).
/// </summary>
public sealed class FaultMutexTable
{
    private readonly FaultMutex[] _slots;

    public FaultMutexTable(int slotCount)
    {
        _slots = new FaultMutex[slotCount];
        for (var slot = 0; slot < slotCount; slot++)
        {
            _slots[slot] = new FaultMutex();
        }
    }

    public FaultMutex For(AddressSpace mapping, long index)
    {
        var hash = HashCode.Combine(mapping, index) & int.MaxValue;
        return _slots[hash % _slots.Length];
    }
}
