using LockContracts;

[assembly: LockOrder("Inventory.Catalog", "Bin.Gate", "AuditLog.Gate")]

namespace Warehouse;

/// <summary>A storage bin. Moving stock between two bins locks both.</summary>
public sealed class Bin(int id)
{
    public int Id { get; } = id;

    [Lock("Bin.Gate")] public readonly object Gate = new();

    public int Quantity;
}

public sealed class Inventory(AuditLog audit)
{
    [Lock("Inventory.Catalog")] private readonly ReaderWriterLockSlim _catalog = new();
    private readonly Dictionary<string, Bin> _bins = new();

    public AuditLog Audit { get; } = audit;

    /// <summary>Reorders for bins that run low, delivered later into the same bins.</summary>
    public Replenisher Reorders { get; } = new();

    [RequiresHeld("Inventory.Catalog")]
    private void Register(string sku, Bin bin) => _bins[sku] = bin;

    public Bin GetOrAdd(string sku)
    {
        _catalog.EnterReadLock();
        try
        {
            if (_bins.TryGetValue(sku, out var bin))
            {
                return bin;
            }

            // A read lock cannot be upgraded: this throws LockRecursionException (LOCK003).
            _catalog.EnterWriteLock();
            try
            {
                var created = new Bin(_bins.Count);
                Register(sku, created);
                return created;
            }
            finally { _catalog.ExitWriteLock(); }
        }
        finally { _catalog.ExitReadLock(); }
    }

    // Restocking touches the catalog without its lock (LOCK101).
    public void Restock(string sku, int quantity) => Register(sku, new Bin(_bins.Count) { Quantity = quantity });

    public void Move(Bin from, Bin to, int quantity)
    {
        lock (from.Gate)
        {
            // Move(a, b) and Move(b, a) on two threads deadlock (LOCK004).
            lock (to.Gate)
            {
                from.Quantity -= quantity;
                to.Quantity += quantity;
            }
        }

        Audit.Record($"moved {quantity} from bin {from.Id} to bin {to.Id}");
    }

    public int TotalOnHand()
    {
        var total = 0;
        foreach (var bin in Snapshot())
        {
            lock (bin.Gate)
            {
                // The catalog comes before any bin in the declared order (LOCK002).
                _catalog.EnterReadLock();
                try { total += bin.Quantity; }
                finally { _catalog.ExitReadLock(); }
            }
        }

        return total;
    }

    private List<Bin> Snapshot()
    {
        _catalog.EnterReadLock();
        try { return _bins.Values.ToList(); }
        finally { _catalog.ExitReadLock(); }
    }

    public void ReorderLowStock(int threshold)
    {
        foreach (var (sku, bin) in SnapshotBySku())
        {
            lock (bin.Gate)
            {
                if (bin.Quantity < threshold)
                {
                    // Holds the bin while queuing its reorder; Replenisher.Deliver holds the queue
                    // while filling the bin: two threads doing both deadlock (LOCK001).
                    Reorders.Request(sku, this);
                }
            }
        }
    }

    private List<KeyValuePair<string, Bin>> SnapshotBySku()
    {
        _catalog.EnterReadLock();
        try { return _bins.ToList(); }
        finally { _catalog.ExitReadLock(); }
    }
}

/// <summary>Queues reorders for low bins and delivers them.</summary>
public sealed class Replenisher
{
    private readonly object _queue = new();
    private readonly Queue<(string Sku, Inventory Inventory)> _pending = new();

    public int Delivered { get; private set; }

    public void Request(string sku, Inventory inventory)
    {
        lock (_queue)
        {
            _pending.Enqueue((sku, inventory));
        }
    }

    public void Deliver(int quantity)
    {
        lock (_queue)
        {
            while (_pending.TryDequeue(out var order))
            {
                // A bin's gate under the queue: ReorderLowStock takes the two the other way round.
                var bin = order.Inventory.GetOrAdd(order.Sku);
                lock (bin.Gate)
                {
                    bin.Quantity += quantity;
                }

                Delivered += quantity;
            }
        }
    }
}

public sealed class AuditLog
{
    [Lock("AuditLog.Gate")] private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _lines = new();

    public void Record(string line)
    {
        _gate.Wait();
        try { _lines.Add(line); }
        finally { _gate.Release(); }
    }

    public async Task FlushAsync(TextWriter writer)
    {
        // The early return keeps the gate: every later Record blocks forever (LOCK102).
        await _gate.WaitAsync();
        if (_lines.Count == 0)
        {
            return;
        }

        foreach (var line in _lines)
        {
            await writer.WriteLineAsync(line);
        }

        _lines.Clear();
        _gate.Release();
    }
}
