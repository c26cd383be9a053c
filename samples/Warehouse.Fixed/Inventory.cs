using LockContracts;

[assembly: LockOrder("Inventory.Catalog", "Bin.Gate", "AuditLog.Gate")]

namespace Warehouse;

/// <summary>A storage bin. Moving stock between two bins locks both, lower id first.</summary>
public sealed class Bin(int id)
{
    public int Id { get; } = id;

    [Lock("Bin.Gate")] public readonly object Gate = new();

    public int Quantity;

    /// <summary>Where the order between two bins is decided: callers see both as ordered.</summary>
    [Acquires("Bin.Gate", On = "a"), Acquires("Bin.Gate", On = "b")]
    public static void LockBoth(Bin a, Bin b)
    {
        var (first, second) = a.Id < b.Id ? (a, b) : (b, a);
        Monitor.Enter(first.Gate);
        Monitor.Enter(second.Gate);
    }

    [Releases("Bin.Gate", On = "a"), Releases("Bin.Gate", On = "b")]
    public static void UnlockBoth(Bin a, Bin b)
    {
        Monitor.Exit(a.Gate);
        Monitor.Exit(b.Gate);
    }
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
        _catalog.EnterUpgradeableReadLock();
        try
        {
            if (_bins.TryGetValue(sku, out var bin))
            {
                return bin;
            }

            _catalog.EnterWriteLock();
            try
            {
                var created = new Bin(_bins.Count);
                Register(sku, created);
                return created;
            }
            finally { _catalog.ExitWriteLock(); }
        }
        finally { _catalog.ExitUpgradeableReadLock(); }
    }

    public void Restock(string sku, int quantity)
    {
        _catalog.EnterWriteLock();
        try { Register(sku, new Bin(_bins.Count) { Quantity = quantity }); }
        finally { _catalog.ExitWriteLock(); }
    }

    public void Move(Bin from, Bin to, int quantity)
    {
        Bin.LockBoth(from, to);
        try
        {
            from.Quantity -= quantity;
            to.Quantity += quantity;
        }
        finally { Bin.UnlockBoth(from, to); }

        Audit.Record($"moved {quantity} from bin {from.Id} to bin {to.Id}");
    }

    public int TotalOnHand()
    {
        var total = 0;
        _catalog.EnterReadLock();
        try
        {
            foreach (var bin in _bins.Values)
            {
                lock (bin.Gate)
                {
                    total += bin.Quantity;
                }
            }
        }
        finally { _catalog.ExitReadLock(); }

        return total;
    }

    public void ReorderLowStock(int threshold)
    {
        foreach (var (sku, bin) in SnapshotBySku())
        {
            lock (bin.Gate)
            {
                if (bin.Quantity < threshold)
                {
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

/// <summary>Queues reorders for low bins and delivers them, taking no bin while it holds the queue.</summary>
public sealed class Replenisher
{
    private readonly object _queue = new();
    private readonly Queue<(string Sku, Inventory Inventory)> _pending = new();
    private int _delivered;

    public int Delivered => Volatile.Read(ref _delivered);

    public void Request(string sku, Inventory inventory)
    {
        lock (_queue)
        {
            _pending.Enqueue((sku, inventory));
        }
    }

    public void Deliver(int quantity)
    {
        List<(string Sku, Inventory Inventory)> orders;
        lock (_queue)
        {
            orders = _pending.ToList();
            _pending.Clear();
        }

        foreach (var order in orders)
        {
            var bin = order.Inventory.GetOrAdd(order.Sku);
            lock (bin.Gate)
            {
                bin.Quantity += quantity;
            }

            Interlocked.Add(ref _delivered, quantity);
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
        await _gate.WaitAsync();
        try
        {
            foreach (var line in _lines)
            {
                await writer.WriteLineAsync(line);
            }

            _lines.Clear();
        }
        finally { _gate.Release(); }
    }
}
