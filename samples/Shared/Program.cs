using Warehouse;

// A small warehouse: pickers move stock between bins while the catalog grows, the audit log is
// flushed and low bins are reordered and refilled. The run is short and bounded; the point of the
// sample is what the build says.
var inventory = new Inventory(new AuditLog());
var skus = Enumerable.Range(0, 8).Select(i => $"SKU-{i:000}").ToArray();
foreach (var sku in skus)
{
    inventory.Restock(sku, 100);
}

var pickers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
{
    var random = new Random(worker);
    for (var step = 0; step < 2_000; step++)
    {
        var from = inventory.GetOrAdd(skus[random.Next(skus.Length)]);
        var to = inventory.GetOrAdd(skus[random.Next(skus.Length)]);
        if (!ReferenceEquals(from, to))
        {
            inventory.Move(from, to, 1);
        }

        if (step % 500 == 0)
        {
            await inventory.Audit.FlushAsync(TextWriter.Null);
            inventory.ReorderLowStock(threshold: 95);
            inventory.Reorders.Deliver(quantity: 10);
        }
    }
})).ToArray();

var finished = Task.WaitAll(pickers, TimeSpan.FromSeconds(30));
Console.WriteLine(finished
    ? $"Moved stock between {skus.Length} bins; total on hand: {inventory.TotalOnHand()} (started with {skus.Length * 100}, delivered {inventory.Reorders.Delivered})"
    : "The pickers did not finish within 30 seconds: a deadlock is the likely cause.");
return finished ? 0 : 1;
