using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Seeds 000 and 002: page faults racing truncate (and, for hugetlb, hole punch). A fault that
/// checked the size before truncate changed it must not install a mapping afterwards.
/// </summary>
public class FaultRaceTests
{
    private const long FileSize = 8;
    private const long FaultedIndex = 5;
    private readonly ITestOutputHelper _output;

    public FaultRaceTests(ITestOutputHelper output) => _output = output;

    public delegate bool FaultMethod(PageTable table, Inode inode, long index);

    [Fact]
    public void Seed000_DaxFaultsRacingTruncateNeverMapAFreedBlock()
    {
        using var validator = new ValidatorScope();
        var broken = FaultsAgainstTruncate(FileKind.Dax, Faults.FaultDax, TimeSpan.FromSeconds(4));
        Assert.Empty(broken);
        validator.AssertNoViolations();
        Invariants.AssertObservedOrderIsDeclared();
    }

    [Fact]
    public void Seed000_PageCacheFaultsRacingTruncateNeverMapARemovedPage()
    {
        using var validator = new ValidatorScope();
        var broken = FaultsAgainstTruncate(FileKind.PageCache, Faults.FaultPage, TimeSpan.FromSeconds(3));
        Assert.Empty(broken);
        validator.AssertNoViolations();
        Invariants.AssertObservedOrderIsDeclared();
    }

    [Fact]
    public async Task Seed000_FaultThatDropsTheLockBeforeInstallingMapsFreedBlocks()
    {
        var variant = Variant.Load("Seed000UnlockedDaxFault.cs");
        await variant.AssertAnalyzerReportsMarkersAsync();
        using var validator = new ValidatorScope();
        var fault = variant.Method<FaultMethod>("Seed000.UnlockedDaxFault", "Fault");

        // The fault has looked the block up and dropped the invalidate lock; truncate frees the block
        // before the fault installs it.
        var outcome = Interleaving.AssertBreaks(() => FaultAgainstTruncate(FileKind.Dax, fault));
        _output.WriteLine(outcome.ToString());
        Assert.Contains(outcome.Broken, b => b.Contains("which the file does not own", StringComparison.Ordinal));
    }

    [Fact]
    public void Seed002_HugetlbFaultsRacingTruncateAndPunchNeverMapAFreedBlock()
    {
        using var validator = new ValidatorScope();
        var broken = FaultsAgainstTruncate(FileKind.Hugetlb, Faults.FaultHugetlb, TimeSpan.FromSeconds(4));
        Assert.Empty(broken);
        validator.AssertNoViolations();
        Invariants.AssertObservedOrderIsDeclared();
    }

    [Fact]
    public async Task Seed002_HugetlbFaultWithoutTheSecondSizeCheckMapsFreedBlocks()
    {
        var variant = Variant.Load("Seed002HugetlbFaultWithoutRecheck.cs");
        await variant.AssertAnalyzerReportsMarkersAsync();
        using var validator = new ValidatorScope();
        var fault = variant.Method<FaultMethod>("Seed002.HugetlbFaultWithoutRecheck", "Fault");

        // The fault has checked the size of a hole and holds its fault mutex while the huge page is
        // cleared; truncate to zero has no block to free there, so it does not wait for that mutex,
        // and the fault maps a block of the now empty file.
        var outcome = Interleaving.AssertBreaks(() => FaultAgainstTruncate(FileKind.Hugetlb, fault));
        _output.WriteLine(outcome.ToString());
        Assert.Contains(outcome.Broken, b => b.Contains("mapped beyond the size 0", StringComparison.Ordinal));
    }

    /// <summary>
    /// One attempt of the directed schedule: a fault of index <see cref="FaultedIndex"/> of a new file
    /// (no block allocated yet, no lock contended) is the victim, a truncate to zero the intruder;
    /// afterwards the empty file must have no mapping and the allocator no corruption.
    /// </summary>
    private static Interleaving.Attempt FaultAgainstTruncate(FileKind kind, FaultMethod fault)
    {
        var fileSystem = new FileSystem(blockCount: 64);
        var inode = fileSystem.CreateFile(kind, FileSize);
        var table = fileSystem.CreatePageTable();
        return new Interleaving.Attempt(
            Victim: () => fault(table, inode, FaultedIndex),
            Intruder: () => Truncation.Truncate(inode, 0),
            Check: () => Invariants.MappingsOutsideTheirFile(fileSystem).Concat(fileSystem.Allocator.Corruptions));
    }

    /// <summary>
    /// Two processes fault the file in (and unmap it now and then, so they fault again) while a
    /// third truncates it to nothing and back, punching holes in between. While the file
    /// is empty after a truncate to zero no mapping of it may exist; at the end every mapping must be inside
    /// the file and point at a block the file owns. Stops at the first break.
    /// </summary>
    private static List<string> FaultsAgainstTruncate(FileKind kind, FaultMethod fault, TimeSpan budget)
    {
        var fileSystem = new FileSystem(blockCount: 1024);
        var inode = fileSystem.CreateFile(kind, FileSize);
        var broken = new ConcurrentQueue<string>();
        var stress = new Stress(budget);

        Func<int, bool> Faulter(PageTable table, int stride) => i =>
        {
            fault(table, inode, (i * stride) % FileSize);
            if (i % 32 == 31)
            {
                using (table.Ptl.EnterScope())
                {
                    table.RemoveRange(inode, 0, long.MaxValue);
                }
            }

            return broken.IsEmpty && fileSystem.Allocator.Corruptions.Count == 0;
        };

        bool Truncater(int i)
        {
            if (i % 3 == 2)
            {
                Truncation.PunchHole(inode, 0, FileSize);
            }
            else
            {
                Truncation.Truncate(inode, 0);

                // While the file is empty no fault may map it: look right away, and again, twice, once the
                // faults that were in flight during the truncate have had time to finish (on a busy machine
                // a faulting thread may not run at once).
                for (var look = 0; look < 3; look++)
                {
                    foreach (var mapping in Invariants.MappingsOutsideTheirFile(fileSystem))
                    {
                        broken.Enqueue("after truncate to 0: " + mapping);
                    }

                    Thread.Sleep(look < 2 ? 2 : 0);
                }

                Truncation.Truncate(inode, FileSize);

                // Let the faults fill the file in again before the next truncate.
                Thread.Sleep(1);
            }

            return broken.IsEmpty && fileSystem.Allocator.Corruptions.Count == 0;
        }

        var first = fileSystem.CreatePageTable();
        var second = fileSystem.CreatePageTable();
        stress.Run(500_000, Faulter(first, 1), Faulter(second, 3), Truncater);

        return broken.Concat(fileSystem.Allocator.Corruptions).Concat(Invariants.MappingsOutsideTheirFile(fileSystem)).ToList();
    }
}
