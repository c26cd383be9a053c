using System;
using System.Threading;

namespace LockContracts.Lockdep.Benchmarks
{
    /// <summary>
    /// Calls one scenario a given number of times, for an instruction count that does not depend on
    /// the load: run it under <c>valgrind --tool=callgrind</c> with two counts and divide the difference
    /// in instructions by the difference in calls (see docs/benchmarks.md). Warm-up first, with a pause,
    /// so that the measured calls run the final (tier-1) code.
    /// </summary>
    public static class InstructionDriver
    {
        public static int Run(string scenario, int calls)
        {
            var bench = new LockdepBenchmarks();
            if (scenario == nameof(LockdepBenchmarks.CheckedLockDisabled))
            {
                bench.SetupDisabled();
            }
            else
            {
                bench.Setup();
            }

            var body = Scenario(bench, scenario);
            for (var round = 0; round < 8; round++)
            {
                for (var i = 0; i < 2000; i++)
                {
                    body();
                }

                Thread.Sleep(500);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
            {
                body();
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Console.WriteLine($"{scenario}: {calls} calls, {allocated} bytes allocated");
            bench.Cleanup();
            return 0;
        }

        /// <summary>
        /// Calls every synchronous scenario until tiered compilation has replaced its first code with
        /// the final (tier-1) code, before anything is measured. BenchmarkDotNet's short warm-up (5
        /// iterations of 5 ms) ends long before the runtime's tier-up (a 100 ms delay, restarted by
        /// every new method compiled, then a background compilation): without this, the first
        /// benchmarks of a process, or all of them in a short process, measure unoptimized code.
        /// </summary>
        public static void Prewarm(bool disabledOnly)
        {
            var bench = new LockdepBenchmarks();
            var enabled = new[]
            {
                nameof(LockdepBenchmarks.RawLock), nameof(LockdepBenchmarks.Monitor), nameof(LockdepBenchmarks.CheckedLock),
                nameof(LockdepBenchmarks.CheckedLockScope), nameof(LockdepBenchmarks.RawLockNested2),
                nameof(LockdepBenchmarks.CheckedLockNested2), nameof(LockdepBenchmarks.RawLockNested4),
                nameof(LockdepBenchmarks.CheckedLockNested4), nameof(LockdepBenchmarks.ReaderWriterLockSlimRead),
                nameof(LockdepBenchmarks.CheckedReaderWriterLockRead), nameof(LockdepBenchmarks.RawReadUnderRawLock),
                nameof(LockdepBenchmarks.CheckedReadUnderCheckedLock),
            };
            var disabled = new[] { nameof(LockdepBenchmarks.RawLockForDisabled), nameof(LockdepBenchmarks.CheckedLockDisabled) };
            for (var round = 0; round < 8; round++)
            {
                if (!disabledOnly)
                {
                    bench.Setup();
                    foreach (var scenario in enabled)
                    {
                        Repeat(Scenario(bench, scenario), 2000);
                    }
                }

                bench.SetupDisabled();
                foreach (var scenario in disabled)
                {
                    Repeat(Scenario(bench, scenario), 2000);
                }

                bench.Cleanup();
                Thread.Sleep(250);
            }

            static void Repeat(Action body, int calls)
            {
                for (var i = 0; i < calls; i++)
                {
                    body();
                }
            }
        }

        private static Action Scenario(LockdepBenchmarks bench, string scenario) =>
            scenario switch
            {
                nameof(LockdepBenchmarks.RawLock) => bench.RawLock,
                nameof(LockdepBenchmarks.Monitor) => bench.Monitor,
                nameof(LockdepBenchmarks.CheckedLock) => bench.CheckedLock,
                nameof(LockdepBenchmarks.CheckedLockScope) => bench.CheckedLockScope,
                nameof(LockdepBenchmarks.RawLockNested2) => bench.RawLockNested2,
                nameof(LockdepBenchmarks.CheckedLockNested2) => bench.CheckedLockNested2,
                nameof(LockdepBenchmarks.RawLockNested4) => bench.RawLockNested4,
                nameof(LockdepBenchmarks.CheckedLockNested4) => bench.CheckedLockNested4,
                nameof(LockdepBenchmarks.ReaderWriterLockSlimRead) => bench.ReaderWriterLockSlimRead,
                nameof(LockdepBenchmarks.CheckedReaderWriterLockRead) => bench.CheckedReaderWriterLockRead,
                nameof(LockdepBenchmarks.RawReadUnderRawLock) => bench.RawReadUnderRawLock,
                nameof(LockdepBenchmarks.CheckedReadUnderCheckedLock) => bench.CheckedReadUnderCheckedLock,
                nameof(LockdepBenchmarks.CheckedLockDisabled) => bench.CheckedLockDisabled,
                nameof(LockdepBenchmarks.RawLockForDisabled) => bench.RawLockForDisabled,
                _ => throw new ArgumentException("no such synchronous scenario: " + scenario),
            };
    }
}
