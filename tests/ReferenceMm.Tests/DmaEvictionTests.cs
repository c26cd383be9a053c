using LockContracts.ReferenceMm;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Seed 001: a device holds DMA pins on a DAX file's blocks while the inode is evicted. Eviction
/// must break the layouts (wait for the pins) before the blocks go back to the allocator; otherwise
/// the next file gets a block the device is still writing.
/// </summary>
public class DmaEvictionTests
{
    private const long FileSize = 4;
    private const long PinnedIndex = 1;
    private const long DeviceData = 42;

    public delegate void EvictMethod(Inode inode);

    [Fact]
    public void Seed001_EvictionWaitsForDmaPinsBeforeFreeingBlocks()
    {
        using var validator = new ValidatorScope();
        var corruptions = PinsAgainstEviction(inode => inode.FileSystem.Evict(inode), TimeSpan.FromSeconds(4));
        Assert.Empty(corruptions);
        validator.AssertNoViolations();
        Invariants.AssertObservedOrderIsDeclared();
    }

    [Fact]
    public async Task Seed001_EvictionWithoutBreakingLayoutsHandsPinnedBlocksToTheNextFile()
    {
        var variant = Variant.Load("Seed001EvictWithoutBreakingLayouts.cs");
        await variant.AssertAnalyzerReportsMarkersAsync();
        using var validator = new ValidatorScope();
        var evict = variant.Method<EvictMethod>("Seed001.EvictWithoutBreakingLayouts", "Evict");

        // The buggy eviction never waits for a pin, so the schedule needs no second thread: pin,
        // evict, hand the block to the next file, then let the device's write land.
        var (fileSystem, table, inode, block) = PinnedFile();
        evict(inode);
        var next = fileSystem.CreateFile(FileKind.Dax, FileSize);
        Assert.True(Faults.FaultDax(table, next, 0));
        Assert.Equal(block, next.LookupBlock(0));
        Dma.CompleteWrite(inode, PinnedIndex, block, DeviceData);

        var corruptions = fileSystem.Allocator.Corruptions;
        Assert.Contains(corruptions, c => c.Contains("freed while pinned", StringComparison.Ordinal));
        Assert.Contains(corruptions, c => c.Contains("DMA for inode", StringComparison.Ordinal));
        Assert.Equal(DeviceData, PageCache.Read(next, 0));
    }

    [Fact]
    public void Seed001_EvictionUnderTheSameScheduleWaitsForThePin()
    {
        using var validator = new ValidatorScope();
        var (fileSystem, table, inode, block) = PinnedFile();

        // The same schedule with the model's eviction, which waits for the pin: it runs on its own
        // thread, and the block must stay the old file's until the device's write has landed.
        var evictor = new Thread(() => inode.FileSystem.Evict(inode)) { IsBackground = true };
        evictor.Start();
        while (inode.Size != 0 && evictor.IsAlive)
        {
            Thread.Yield();
        }

        // The size is 0, so the eviction is past its start; give it time to (wrongly) free the block.
        Assert.True(evictor.IsAlive, "The eviction finished while the block was still pinned.");
        Thread.Sleep(10);
        Assert.True(fileSystem.Allocator.IsOwnedBy(block, inode, PinnedIndex), "The eviction freed the block while it was still pinned.");
        Dma.CompleteWrite(inode, PinnedIndex, block, DeviceData);
        Assert.True(evictor.Join(Stress.DeadlockLimit), $"The eviction did not finish within {Stress.DeadlockLimit} after the pin was dropped.");

        var next = fileSystem.CreateFile(FileKind.Dax, FileSize);
        Assert.True(Faults.FaultDax(table, next, 0));
        Assert.Equal(block, next.LookupBlock(0));
        Assert.Equal(0, PageCache.Read(next, 0));
        Assert.Empty(fileSystem.Allocator.Corruptions);
        validator.AssertNoViolations();
    }

    [Fact]
    public void Seed001_UnmountWaitsForEveryPinAndReturnsEveryBlock()
    {
        using var validator = new ValidatorScope();
        var fileSystem = new FileSystem(blockCount: 64);
        var table = fileSystem.CreatePageTable();
        var files = Enumerable.Range(0, 3).Select(_ => fileSystem.CreateFile(FileKind.Dax, FileSize)).ToList();
        var pins = new List<(Inode Inode, long Index, long Block)>();
        foreach (var file in files)
        {
            for (var index = 0L; index < FileSize; index++)
            {
                Assert.True(Faults.FaultDax(table, file, index));
                pins.Add((file, index, Dma.Pin(table, file, index)));
            }
        }

        var device = new Thread(() =>
        {
            Thread.Sleep(200);
            foreach (var (inode, index, block) in pins)
            {
                Dma.CompleteWrite(inode, index, block, 42);
            }
        });
        device.Start();
        fileSystem.Unmount();
        Assert.True(device.Join(TimeSpan.FromSeconds(10)));

        Assert.Empty(fileSystem.Allocator.Corruptions);
        Assert.Equal(64, fileSystem.Allocator.FreeCount);
        Assert.Empty(fileSystem.Inodes);
        validator.AssertNoViolations();
    }

    /// <summary>A DAX file whose block at <see cref="PinnedIndex"/> is faulted in and pinned by a device, the only block allocated.</summary>
    private static (FileSystem FileSystem, PageTable Table, Inode Inode, long Block) PinnedFile()
    {
        var fileSystem = new FileSystem(blockCount: 16);
        var table = fileSystem.CreatePageTable();
        var inode = fileSystem.CreateFile(FileKind.Dax, FileSize);
        Assert.True(Faults.FaultDax(table, inode, PinnedIndex));
        var block = Dma.Pin(table, inode, PinnedIndex);
        Assert.True(block >= 0);
        return (fileSystem, table, inode, block);
    }

    /// <summary>
    /// Two devices fault a DAX file in and pin its blocks for short DMA writes while another thread
    /// replaces the file with a new one and evicts the old one, over and over; freed blocks are
    /// handed out again at once (the allocator reuses the last freed block first).
    /// </summary>
    private static List<string> PinsAgainstEviction(EvictMethod evict, TimeSpan budget)
    {
        var fileSystem = new FileSystem(blockCount: 256);
        var table = fileSystem.CreatePageTable();
        var current = fileSystem.CreateFile(FileKind.Dax, FileSize);
        var stress = new Stress(budget);

        Func<int, bool> Device(int stride) => i =>
        {
            var inode = Volatile.Read(ref current);
            var index = (i * stride) % FileSize;
            Faults.FaultDax(table, inode, index);
            var block = Dma.Pin(table, inode, index);
            if (block >= 0)
            {
                Thread.SpinWait(200);
                Dma.CompleteWrite(inode, index, block, i);
            }

            return fileSystem.Allocator.Corruptions.Count == 0;
        };

        bool Evictor(int i)
        {
            var old = Volatile.Read(ref current);
            Volatile.Write(ref current, fileSystem.CreateFile(FileKind.Dax, FileSize));
            evict(old);
            return fileSystem.Allocator.Corruptions.Count == 0;
        }

        stress.Run(100_000, Device(1), Device(3), Evictor);
        return fileSystem.Allocator.Corruptions.Concat(Invariants.MappingsOutsideTheirFile(fileSystem)).ToList();
    }
}
