using LockContracts.ReferenceMm;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Seed 004: dedupe racing direct writes. Dedupe may only link the destination to the source's
/// blocks if the data it compared is still the data when it links; otherwise the destination
/// silently changes contents. Two dedupes in opposite directions must not deadlock.
/// </summary>
public class DedupeTests
{
    private const int FileSize = 4;

    public delegate bool DedupeMethod(Inode source, long sourceIndex, Inode destination, long destinationIndex, long count);

    [Fact]
    public void Seed004_DedupesBothWaysRacingDirectWritesNeverLinkMismatchedData()
    {
        using var validator = new ValidatorScope();
        var (broken, linked) = DedupeAgainstDirectWrites(Remap.DedupeRange, bothDirections: true);
        Assert.Empty(broken);
        Assert.True(linked > 0, "No dedupe ever found equal data: the test did not exercise linking.");
        validator.AssertNoViolations();
        Invariants.AssertObservedOrderIsDeclared();
    }

    [Fact]
    public async Task Seed004_DedupeWithTheSourceLockedSharedLinksDataThatChangedAfterTheCompare()
    {
        var variant = Variant.Load("Seed004SharedSourceDedupe.cs");
        await variant.AssertAnalyzerReportsMarkersAsync();
        using var validator = new ValidatorScope();
        // The buggy variant stops at its first break: a generous budget costs nothing when it breaks early,
        // and keeps a loaded machine, where the racing threads seldom run at once, from missing it.
        var (broken, _) = DedupeAgainstDirectWrites(variant.Method<DedupeMethod>("Seed004.SharedSourceDedupe", "DedupeRange"), bothDirections: false, TimeSpan.FromSeconds(20));
        Assert.Contains(validator.Violations, v => v.Id == "LOCK004");
        Assert.NotEmpty(broken);
    }

    [Fact]
    public void Seed004_DedupeLinksEqualDataAndWritesAfterwardsStayPrivate()
    {
        using var validator = new ValidatorScope();
        var fileSystem = new FileSystem(blockCount: 32);
        var source = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        var destination = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        for (var index = 0; index < FileSize; index++)
        {
            DirectIo.Write(source, index, 100 + index);
            DirectIo.Write(destination, index, 100 + index);
        }

        Assert.True(Remap.DedupeRange(source, 0, destination, 0, FileSize));
        Assert.Equal(source.LookupBlock(2), destination.LookupBlock(2));
        Assert.Equal(32 - FileSize, fileSystem.Allocator.FreeCount);

        DirectIo.Write(source, 2, 999);
        Assert.Equal(999, PageCache.Read(source, 2));
        Assert.Equal(102, PageCache.Read(destination, 2));
        Assert.False(Remap.DedupeRange(source, 0, destination, 0, FileSize));
        Assert.Empty(fileSystem.Allocator.Corruptions);
        validator.AssertNoViolations();
    }

    /// <summary>
    /// Two files start with the same data. Direct writers change a page of a file and then write
    /// its original value back, so the pages keep matching now and then, while dedupe links them
    /// page by page (in both directions when asked). Each file must end up holding exactly what was last
    /// written to it: a dedupe never changes what a file reads.
    /// </summary>
    private static (List<string> Broken, int Linked) DedupeAgainstDirectWrites(DedupeMethod dedupe, bool bothDirections, TimeSpan? budget = null)
    {
        var fileSystem = new FileSystem(blockCount: 1024);
        var first = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        var second = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        var firstWritten = new long[FileSize];
        var secondWritten = new long[FileSize];
        for (var index = 0; index < FileSize; index++)
        {
            DirectIo.Write(first, index, Original(index));
            DirectIo.Write(second, index, Original(index));
            firstWritten[index] = secondWritten[index] = Original(index);
        }

        var linked = 0;
        var mismatches = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var stress = new Stress(budget ?? TimeSpan.FromSeconds(3));

        Func<int, bool> Writer(Inode inode, long[] written, long tag) => i =>
        {
            var index = i % FileSize;
            var value = (i / FileSize) % 2 == 0 ? tag + i : Original(index);
            Assert.True(DirectIo.Write(inode, index, value, () => Thread.SpinWait(2_000)));
            Volatile.Write(ref written[index], value);
            return fileSystem.Allocator.Corruptions.Count == 0 && mismatches.IsEmpty;
        };

        Func<int, bool> Deduper(Inode source, Inode destination) => i =>
        {
            var index = i % FileSize;
            if (dedupe(source, index, destination, index, 1))
            {
                Interlocked.Increment(ref linked);
            }

            return fileSystem.Allocator.Corruptions.Count == 0 && mismatches.IsEmpty;
        };

        // With nobody writing the second file, it must read its original data at every moment.
        bool SecondFileWatcher(int i)
        {
            var index = i % FileSize;
            var read = PageCache.Read(second, index);
            if (read != Original(index))
            {
                mismatches.Enqueue($"{second}: index {index} reads {read} after a dedupe, but nobody wrote it");
                return false;
            }

            return true;
        }

        var workers = new List<Func<int, bool>> { Writer(first, firstWritten, 1_000_000), Deduper(first, second) };
        if (bothDirections)
        {
            workers.Add(Writer(second, secondWritten, 2_000_000));
            workers.Add(Deduper(second, first));
        }
        else
        {
            workers.Add(SecondFileWatcher);
        }

        stress.Run(50_000, workers.ToArray());
        var broken = mismatches.Concat(Invariants.LostWrites(first, firstWritten))
            .Concat(Invariants.LostWrites(second, secondWritten))
            .Concat(fileSystem.Allocator.Corruptions)
            .ToList();
        return (broken, linked);
    }

    private static long Original(long index) => 100 + index;
}
