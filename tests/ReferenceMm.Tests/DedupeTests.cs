using LockContracts.ReferenceMm;
using Xunit.Abstractions;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Seed 004: dedupe racing direct writes. Dedupe may only link the destination to the source's
/// blocks if the data it compared is still the data when it links; otherwise the destination
/// silently changes contents. Two dedupes in opposite directions must not deadlock.
/// </summary>
public class DedupeTests
{
    private const int FileSize = 4;
    private readonly ITestOutputHelper _output;

    public DedupeTests(ITestOutputHelper output) => _output = output;

    public delegate bool DedupeMethod(Inode source, long sourceIndex, Inode destination, long destinationIndex, long count);

    [Fact]
    public void Seed004_DedupesBothWaysRacingDirectWritesNeverLinkMismatchedData()
    {
        using var validator = new ValidatorScope();
        var (broken, linked) = DedupeAgainstDirectWrites(Remap.DedupeRange);
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
        var dedupe = variant.Method<DedupeMethod>("Seed004.SharedSourceDedupe", "DedupeRange");

        // The dedupe has compared the equal pages at index 2 and is about to link them; holding the
        // source's rwsem shared does not keep a direct write out, which changes the source's block
        // that the destination then shares.
        const int index = 2;
        var outcome = Interleaving.AssertBreaks(() =>
        {
            var (first, second) = FilesWithEqualData();
            var firstWritten = Enumerable.Range(0, FileSize).Select(i => Original(i)).ToArray();
            var secondWritten = firstWritten.ToArray();
            return new Interleaving.Attempt(
                Victim: () => dedupe(first, index, second, index, 1),
                Intruder: () =>
                {
                    Assert.True(DirectIo.Write(first, index, 999));
                    firstWritten[index] = 999;
                },
                Check: () => Invariants.LostWrites(first, firstWritten)
                    .Concat(Invariants.LostWrites(second, secondWritten))
                    .Concat(first.FileSystem.Allocator.Corruptions));
        });
        _output.WriteLine(outcome.ToString());
        Assert.Contains(validator.Violations, v => v.Id == "LOCK004");
        Assert.Contains(outcome.Broken, b => b.Contains($"index {index} reads 999, last written {Original(index)}", StringComparison.Ordinal));
    }

    [Fact]
    public void Seed004_DedupeLinksEqualDataAndWritesAfterwardsStayPrivate()
    {
        using var validator = new ValidatorScope();
        var (source, destination) = FilesWithEqualData();
        var fileSystem = source.FileSystem;

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

    /// <summary>Two page-cache files of a new file system, each holding <see cref="Original"/> of every index on its own blocks.</summary>
    private static (Inode First, Inode Second) FilesWithEqualData()
    {
        var fileSystem = new FileSystem(blockCount: 32);
        var first = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        var second = fileSystem.CreateFile(FileKind.PageCache, FileSize);
        for (var index = 0; index < FileSize; index++)
        {
            Assert.True(DirectIo.Write(first, index, Original(index)));
            Assert.True(DirectIo.Write(second, index, Original(index)));
        }

        return (first, second);
    }

    /// <summary>
    /// Two files start with the same data. Direct writers change a page of a file and then write
    /// its original value back, so the pages keep matching now and then, while dedupes in both
    /// directions link them page by page. Each file must end up holding exactly what was last
    /// written to it: a dedupe never changes what a file reads.
    /// </summary>
    private static (List<string> Broken, int Linked) DedupeAgainstDirectWrites(DedupeMethod dedupe)
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
        // On a slow or busy machine the run goes on until some dedupe has found equal data and linked it.
        var stress = new Stress(TimeSpan.FromSeconds(3)) { Enough = _ => Volatile.Read(ref linked) > 0 };

        Func<int, bool> Writer(Inode inode, long[] written, long tag) => i =>
        {
            var index = i % FileSize;
            var value = (i / FileSize) % 2 == 0 ? tag + i : Original(index);
            Assert.True(DirectIo.Write(inode, index, value, () => Thread.SpinWait(2_000)));
            Volatile.Write(ref written[index], value);
            return fileSystem.Allocator.Corruptions.Count == 0;
        };

        Func<int, bool> Deduper(Inode source, Inode destination) => i =>
        {
            var index = i % FileSize;
            if (dedupe(source, index, destination, index, 1))
            {
                Interlocked.Increment(ref linked);
            }

            return fileSystem.Allocator.Corruptions.Count == 0;
        };

        stress.Run(
            50_000,
            Writer(first, firstWritten, 1_000_000),
            Deduper(first, second),
            Writer(second, secondWritten, 2_000_000),
            Deduper(second, first));
        var broken = Invariants.LostWrites(first, firstWritten)
            .Concat(Invariants.LostWrites(second, secondWritten))
            .Concat(fileSystem.Allocator.Corruptions)
            .ToList();
        return (broken, linked);
    }

    private static long Original(long index) => 100 + index;
}
