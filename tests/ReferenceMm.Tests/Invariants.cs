using System.Reflection;
using LockContracts.Cli.Scanning;
using LockContracts.Lockdep;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>Checks of the model's state that must hold after any interleaving.</summary>
public static class Invariants
{
    /// <summary>Every page-table entry maps a block the file owns at that index, inside the file's size.</summary>
    public static List<string> MappingsOutsideTheirFile(FileSystem fileSystem)
    {
        var broken = new List<string>();
        foreach (var table in fileSystem.PageTables)
        {
            using (table.Ptl.EnterScope())
            {
                foreach (var (inode, index, pte) in table.Entries())
                {
                    if (index >= inode.Size)
                    {
                        broken.Add($"{inode}: index {index} mapped beyond the size {inode.Size}");
                    }

                    if (pte.Page is null && !fileSystem.Allocator.IsOwnedBy(pte.Block, inode, index))
                    {
                        broken.Add($"{inode}: index {index} maps block {pte.Block}, which the file does not own");
                    }

                    if (pte.Page is { } page && page.Mapping != inode.Mapping)
                    {
                        broken.Add($"{inode}: index {index} maps a page that left the cache");
                    }
                }
            }
        }

        return broken;
    }

    /// <summary>The indexes whose contents differ from the last value written there.</summary>
    public static List<string> LostWrites(Inode inode, long[] lastWritten)
    {
        var lost = new List<string>();
        for (var index = 0; index < lastWritten.Length; index++)
        {
            var read = PageCache.Read(inode, index);
            if (read != Volatile.Read(ref lastWritten[index]))
            {
                lost.Add($"{inode}: index {index} reads {read}, last written {lastWritten[index]}");
            }
        }

        return lost;
    }

    /// <summary>
    /// Every lock-order edge the validator observed runs from an earlier to a later class of the
    /// declared <c>[assembly: LockOrder]</c>, or between instances of one class taken through the
    /// ordered APIs (shown as a nesting level, "Class/1"): the declaration describes what runs.
    /// </summary>
    public static void AssertObservedOrderIsDeclared()
    {
        var declared = typeof(Inode).Assembly.GetCustomAttributes<LockOrderAttribute>().Single().Names.ToList();
        var observed = Lockdep.Lockdep.GetDependencies();
        Assert.NotEmpty(observed);
        foreach (var dependency in observed)
        {
            var from = ClassOf(dependency.From);
            var to = ClassOf(dependency.To);
            Assert.Contains(from, declared);
            Assert.Contains(to, declared);
            if (from == to)
            {
                Assert.True(dependency.To.Contains('/'), $"{dependency} nests one class without a nesting level.");
                continue;
            }

            Assert.True(declared.IndexOf(from) < declared.IndexOf(to), $"Observed {dependency} runs against the declared order {string.Join(" → ", declared)}.");
        }

        AssertObservedOrderIsInStaticGraph();
    }

    /// <summary>
    /// Every lock-order edge the validator observed is one the analyzer found in the model's source
    /// (what <c>lockcontracts compare-runtime</c> checks): an observed edge it lacks is a path the
    /// static analysis cannot see.
    /// </summary>
    public static void AssertObservedOrderIsInStaticGraph()
    {
        var observedFile = Path.Combine(Path.GetTempPath(), $"lockcontracts-observed-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            Lockdep.Lockdep.ExportObservedOrder(observedFile);
            var comparison = RuntimeComparison.Compare(RuntimeComparison.Read(observedFile), StaticGraph.Value.GetAwaiter().GetResult());
            Assert.True(comparison.MissingFromStatic.Count == 0, comparison.Describe());
        }
        finally
        {
            File.Delete(observedFile);
        }
    }

    /// <summary>The static lock-order graph of src/ReferenceMm, scanned once per test run as the scanner does it (already restored by the build).</summary>
    private static readonly Lazy<Task<IReadOnlyList<GraphEdge>>> StaticGraph = new(async () =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "src", "ReferenceMm", "ReferenceMm.csproj")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var project = Path.Combine(directory.FullName, "src", "ReferenceMm", "ReferenceMm.csproj");
        var result = await Scanner.ScanAsync(new ScanRequest(project, Array.Empty<string>(), ImplicitUsings: false, Restore: false), _ => { }, CancellationToken.None);
        Assert.True(result.Findings.Count == 0, "The scanner reports on ReferenceMm: " + string.Join("\n", result.Findings.Select(f => $"{f.Place}: {f.Id} {f.Message}")));
        Assert.NotEmpty(result.Edges);
        return result.Edges;
    });

    private static string ClassOf(string lockClass) => lockClass.Split('/')[0];
}
