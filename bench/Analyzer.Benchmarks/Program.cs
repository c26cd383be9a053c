using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;

namespace LockContracts.Analyzer.Benchmarks
{
    public static class Program
    {
        /// <summary>
        /// With no arguments or BenchmarkDotNet's own (<c>--filter</c> ...), the benchmark and then the
        /// derived figures; <c>--probe LINES [SHARE]</c> times two rounds of a plain build, the empty
        /// operation analyzer and the lock analyzers at one size, optionally with another share of
        /// classes that own locks (default 0.4); <c>--msbuild SIZES [--runs N] [--live]</c> builds the code
        /// as a real project with <c>dotnet build</c>, with and without the analyzers (<see cref="RealBuildBenchmark"/>).
        /// </summary>
        public static int Main(string[] args)
        {
            if (args.Length >= 2 && args[0] == "--msbuild")
            {
                return RealBuildBenchmark.Run(args);
            }

            if (args.Length >= 2 && args[0] == "--probe" && int.TryParse(args[1], out var lines))
            {
                Probe(lines, args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.4);
                return 0;
            }

            var summary = BenchmarkRunner.Run<AnalyzerCostBenchmarks>(args: args);
            DerivedReport.Write(summary, Console.Out);
            return 0;
        }

        private static void Probe(int lines, double share)
        {
            var clock = Stopwatch.StartNew();
            var code = SyntheticCodebase.Generate(lines, lockingClassShare: share);
            Console.WriteLine($"generated {code.Lines} lines, {code.Files.Length} files, {code.Classes} classes ({code.LockingClasses} with locks), "
                + $"{code.Methods} methods ({code.LockingMethods} lock), planted {code.PlantedCycles} cycles, {code.PlantedUnheldCalls} unheld calls, in {clock.ElapsedMilliseconds} ms");
            var compilation = new SyntheticCompilation(code);
            for (var round = 0; round < 2; round++)
            {
                var plain = Measure(() => SyntheticCompilation.Emit(compilation.Create()));
                var c = compilation.Create();
                SyntheticCompilation.Emit(c);
                var empty = Measure(() => SyntheticCompilation.Analyze(c, EmptyOperationAnalyzer.Set));
                c = compilation.Create();
                SyntheticCompilation.Emit(c);
                AnalyzerRun? run = null;
                var analyzed = Measure(() => run = SyntheticCompilation.Analyze(c, SyntheticCompilation.LockAnalyzers));
                Console.WriteLine($"round {round}: compile {plain}; then empty operation analyzer {empty}; then lock analyzers {analyzed} "
                    + $"(telemetry {string.Join(", ", run!.ExecutionTimeByAnalyzer.Select(kv => $"{kv.Key} {kv.Value.TotalMilliseconds:F0} ms"))}); "
                    + $"diagnostics {string.Join(", ", run.DiagnosticsById.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"))}; analyzer exceptions {run.AnalyzerExceptions}");
            }
        }

        /// <summary>Wall clock, this process's CPU time (less disturbed by other processes on a shared machine) and bytes allocated.</summary>
        private static string Measure(Action action)
        {
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            action();
            var wall = clock.Elapsed;
            process.Refresh();
            return $"{wall.TotalMilliseconds:F0} ms wall / {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU / "
                + $"{(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024)} MB";
        }
    }
}
