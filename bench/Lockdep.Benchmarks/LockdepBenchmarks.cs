using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace LockContracts.Lockdep.Benchmarks
{
    /// <summary>
    /// The cost of validation against the raw primitives, one category per scenario, each with its raw
    /// baseline so the Ratio column reads directly as "times the raw lock".
    /// </summary>
    [Config(typeof(ShortInProcessConfig))]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class LockdepBenchmarks
    {
        private readonly Lock _raw1 = new();
        private readonly Lock _raw2 = new();
        private readonly Lock _raw3 = new();
        private readonly Lock _raw4 = new();
        private readonly object _monitor = new();
        private readonly object _monitor2 = new();
        private readonly ReaderWriterLockSlim _rwls = new();
        private readonly SemaphoreSlim _semaphore = new(1, 1);
        private readonly SemaphoreSlim _semaphore2 = new(1, 1);
        private readonly object _flowMarker = new();
        private static readonly AsyncLocal<object?> s_flow = new();

        private readonly CheckedLock _checked1 = new("Bench.L1");
        private readonly CheckedLock _checked2 = new("Bench.L2");
        private readonly CheckedLock _checked3 = new("Bench.L3");
        private readonly CheckedLock _checked4 = new("Bench.L4");
        private readonly CheckedReaderWriterLock _checkedRw = new("Bench.Rw");
        private readonly CheckedAsyncLock _checkedAsync = new("Bench.Async");
        private readonly CheckedLock _fresh1 = new("Bench.Fresh1");
        private readonly CheckedLock _fresh2 = new("Bench.Fresh2");

        [GlobalSetup]
        public void Setup()
        {
            Lockdep.Enabled = true;
            Lockdep.Mode = LockdepMode.Report;
            Lockdep.Reset();
        }

        [GlobalSetup(Target = nameof(CheckedLockDisabled))]
        public void SetupDisabled()
        {
            Setup();
            Lockdep.Enabled = false;
        }

        [GlobalCleanup]
        public void Cleanup() => Lockdep.Enabled = true;

        [BenchmarkCategory("1 EnterExit"), Benchmark(Baseline = true)]
        public void RawLock()
        {
            _raw1.Enter();
            _raw1.Exit();
        }

        [BenchmarkCategory("1 EnterExit"), Benchmark]
        public void Monitor()
        {
            System.Threading.Monitor.Enter(_monitor);
            System.Threading.Monitor.Exit(_monitor);
        }

        [BenchmarkCategory("1 EnterExit"), Benchmark]
        public void CheckedLock()
        {
            _checked1.Enter();
            _checked1.Exit();
        }

        [BenchmarkCategory("1 EnterExit"), Benchmark]
        public void CheckedLockScope()
        {
            using (_checked1.EnterScope())
            {
            }
        }

        [BenchmarkCategory("2 Nested2"), Benchmark(Baseline = true)]
        public void RawLockNested2()
        {
            _raw1.Enter();
            _raw2.Enter();
            _raw2.Exit();
            _raw1.Exit();
        }

        [BenchmarkCategory("2 Nested2"), Benchmark]
        public void MonitorNested2()
        {
            System.Threading.Monitor.Enter(_monitor);
            System.Threading.Monitor.Enter(_monitor2);
            System.Threading.Monitor.Exit(_monitor2);
            System.Threading.Monitor.Exit(_monitor);
        }

        [BenchmarkCategory("2 Nested2"), Benchmark]
        public void CheckedLockNested2()
        {
            _checked1.Enter();
            _checked2.Enter();
            _checked2.Exit();
            _checked1.Exit();
        }

        [BenchmarkCategory("3 Nested4"), Benchmark(Baseline = true)]
        public void RawLockNested4()
        {
            _raw1.Enter();
            _raw2.Enter();
            _raw3.Enter();
            _raw4.Enter();
            _raw4.Exit();
            _raw3.Exit();
            _raw2.Exit();
            _raw1.Exit();
        }

        [BenchmarkCategory("3 Nested4"), Benchmark]
        public void CheckedLockNested4()
        {
            _checked1.Enter();
            _checked2.Enter();
            _checked3.Enter();
            _checked4.Enter();
            _checked4.Exit();
            _checked3.Exit();
            _checked2.Exit();
            _checked1.Exit();
        }

        [BenchmarkCategory("4 Read"), Benchmark(Baseline = true)]
        public void ReaderWriterLockSlimRead()
        {
            _rwls.EnterReadLock();
            _rwls.ExitReadLock();
        }

        [BenchmarkCategory("4 Read"), Benchmark]
        public void CheckedReaderWriterLockRead()
        {
            _checkedRw.EnterRead();
            _checkedRw.ExitRead();
        }

        [BenchmarkCategory("4b ReadUnderLock"), Benchmark(Baseline = true)]
        public void RawReadUnderRawLock()
        {
            _raw1.Enter();
            _rwls.EnterReadLock();
            _rwls.ExitReadLock();
            _raw1.Exit();
        }

        [BenchmarkCategory("4b ReadUnderLock"), Benchmark]
        public void CheckedReadUnderCheckedLock()
        {
            _checked1.Enter();
            _checkedRw.EnterRead();
            _checkedRw.ExitRead();
            _checked1.Exit();
        }

        [BenchmarkCategory("5 Async"), Benchmark(Baseline = true)]
        public async Task SemaphoreSlimAsync()
        {
            await _semaphore.WaitAsync();
            _semaphore.Release();
        }

        [BenchmarkCategory("5 Async"), Benchmark]
        public async Task CheckedAsyncLockAsync()
        {
            await _checkedAsync.EnterAsync();
            _checkedAsync.Exit();
        }

        /// <summary>
        /// The floor of any flow-tracking async lock built on <see cref="AsyncLocal{T}"/>: the raw
        /// semaphore plus one AsyncLocal set and clear, with a preallocated value.
        /// </summary>
        [BenchmarkCategory("5 Async"), Benchmark]
        public async Task SemaphoreSlimPlusAsyncLocal()
        {
            await _semaphore2.WaitAsync();
            s_flow.Value = _flowMarker;
            s_flow.Value = null;
            _semaphore2.Release();
        }

        [BenchmarkCategory("6 FirstSeenEdge"), Benchmark(Baseline = true)]
        public void ResetThenKnownChain()
        {
            // The same reset and check as below, with no new edge: what remains of the difference is the edge.
            Lockdep.Reset();
            _fresh1.Enter();
            _fresh1.Exit();
            ExpectDependencies(0);
        }

        /// <summary>
        /// Every call repeats, right after a reset, the chain the previous call validated, so the
        /// thread's "already validated" memo holds exactly this acquisition from an older generation:
        /// the edge must still be recorded on its first acquisition, every time, or the run fails.
        /// </summary>
        [BenchmarkCategory("6 FirstSeenEdge"), Benchmark]
        public void ResetThenFirstSeenEdge()
        {
            Lockdep.Reset();
            _fresh1.Enter();
            _fresh2.Enter();
            _fresh2.Exit();
            _fresh1.Exit();
            ExpectDependencies(1);
        }

        [BenchmarkCategory("7 Disabled"), Benchmark(Baseline = true)]
        public void RawLockForDisabled()
        {
            _raw1.Enter();
            _raw1.Exit();
        }

        [BenchmarkCategory("7 Disabled"), Benchmark]
        public void CheckedLockDisabled()
        {
            _checked1.Enter();
            _checked1.Exit();
        }

        /// <summary>Locks taken per call of a benchmark, to state the cost added per acquisition; 0 for baselines.</summary>
        public static int AcquisitionsPerCall(string method) => method switch
        {
            nameof(CheckedLock) or nameof(CheckedLockScope) or nameof(CheckedReaderWriterLockRead)
                or nameof(CheckedAsyncLockAsync) or nameof(CheckedLockDisabled) => 1,
            nameof(CheckedLockNested2) or nameof(CheckedReadUnderCheckedLock) => 2,
            nameof(CheckedLockNested4) => 4,
            _ => 0,
        };

        /// <summary>The target a checked scenario is judged against (only in a quiet run), or null.</summary>
        public static BenchTarget? Target(string method) => method switch
        {
            nameof(CheckedLock) or nameof(CheckedLockScope) => new BenchTarget(null, 5.0),
            nameof(CheckedLockNested2) or nameof(CheckedLockNested4) => new BenchTarget(1.4, null),
            nameof(CheckedReaderWriterLockRead) => new BenchTarget(1.5, null),
            nameof(CheckedReadUnderCheckedLock) => new BenchTarget(null, null),
            nameof(CheckedAsyncLockAsync) => new BenchTarget(1.5, null),
            nameof(CheckedLockDisabled) => new BenchTarget(1.02, null),
            _ => null,
        };

        private static void ExpectDependencies(int count)
        {
            var seen = Lockdep.GetDependencies().Count;
            if (seen != count)
            {
                throw new InvalidOperationException(
                    $"expected {count} recorded dependencies after this call, found {seen}: a new edge was missed");
            }
        }

        private sealed class ShortInProcessConfig : ManualConfig
        {
            public ShortInProcessConfig()
            {
                // Many short iterations (about 5 ms each, 60 of them) rather than a few long ones: on a
                // shared machine a time slice is a few milliseconds, so some iterations run without being
                // preempted and the minimum stays close to the unloaded cost, while the mean does not.
                // The report gives both; only a quiet run is judged against the targets.
                AddJob(Job.ShortRun
                    .WithWarmupCount(5)
                    .WithIterationCount(60)
                    .WithIterationTime(TimeInterval.FromMilliseconds(5))
                    .WithToolchain(InProcessEmitToolchain.Instance)
                    .WithId("Short-InProcess"));
                AddDiagnoser(MemoryDiagnoser.Default);
                AddColumn(StatisticColumn.Median, StatisticColumn.Min);
            }
        }
    }

    /// <summary>A ratio bound, a bound on the nanoseconds added per call, and zero bytes allocated.</summary>
    public readonly struct BenchTarget
    {
        public BenchTarget(double? maxRatio, double? maxAddedNanoseconds)
        {
            MaxRatio = maxRatio;
            MaxAddedNanoseconds = maxAddedNanoseconds;
        }

        public double? MaxRatio { get; }

        public double? MaxAddedNanoseconds { get; }

        public bool Met(double? ratio, double? added, long? allocated) =>
            allocated == 0
            && (MaxRatio is null || (ratio is not null && ratio <= MaxRatio))
            && (MaxAddedNanoseconds is null || (added is not null && added <= MaxAddedNanoseconds));

        public override string ToString()
        {
            var parts = new List<string>();
            if (MaxRatio is { } ratio)
            {
                parts.Add("≤ " + ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×");
            }

            if (MaxAddedNanoseconds is { } added)
            {
                parts.Add("≤ +" + added.ToString("0.0", CultureInfo.InvariantCulture) + " ns");
            }

            parts.Add("0 B");
            return string.Join(", ", parts);
        }
    }
}
