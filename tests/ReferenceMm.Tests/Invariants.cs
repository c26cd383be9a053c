using System.Reflection;
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
    }

    private static string ClassOf(string lockClass) => lockClass.Split('/')[0];
}
