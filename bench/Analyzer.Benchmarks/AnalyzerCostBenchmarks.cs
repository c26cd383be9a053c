using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Analyzer.Benchmarks
{
    /// <summary>
    /// The cost of the lock analyzers on a build: a compilation of a synthetic codebase emitted to
    /// memory, with and without <see cref="LockContracts.Analyzers.Rules.LockStateAnalyzer"/> and
    /// <see cref="LockContracts.Analyzers.Rules.Lock201ContractValidationAnalyzer"/>, at three sizes.
    /// </summary>
    [Config(typeof(MacroConfig))]
    public class AnalyzerCostBenchmarks
    {
        private SyntheticCompilation _compilation = null!;

        /// <summary>Telemetry and diagnostics of every measured analyzed build, by target size; read by the report after the run.</summary>
        public static ConcurrentDictionary<int, List<AnalyzerRun>> Runs { get; } = new();

        /// <summary>The generated codebase of each size, for its real line count.</summary>
        public static ConcurrentDictionary<int, SyntheticCodebase> Codebases { get; } = new();

        [Params(10_000, 50_000, 200_000)]
        public int Size { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var code = Codebases.GetOrAdd(Size, size => SyntheticCodebase.Generate(size));
            _compilation = new SyntheticCompilation(code);
            Console.WriteLine($"// Synthetic codebase {Size}: {code.Lines} lines, {code.Files.Length} files, {code.Classes} classes "
                + $"({code.LockingClasses} with locks), {code.Methods} methods ({code.LockingMethods} lock), "
                + $"planted: {code.PlantedCycles} cycles, {code.PlantedUnheldCalls} unheld [RequiresHeld] calls");
        }

        [Benchmark(Baseline = true)]
        public long Compile() => SyntheticCompilation.Emit(_compilation.Create());

        [Benchmark]
        public int CompileWithLockAnalyzers()
        {
            var compilation = _compilation.Create();
            SyntheticCompilation.Emit(compilation);
            var run = SyntheticCompilation.Analyze(compilation, SyntheticCompilation.LockAnalyzers);
            var runs = Runs.GetOrAdd(Size, _ => new List<AnalyzerRun>());
            lock (runs)
            {
                runs.Add(run);
            }

            return run.DiagnosticsById.Count;
        }

        /// <summary>The same analyzers as an editor's design-time build runs them: LOCK001 checked live, per method, against a whole-program graph.</summary>
        [Benchmark]
        public int CompileWithLockAnalyzersLiveCycles()
        {
            var compilation = _compilation.Create();
            SyntheticCompilation.Emit(compilation);
            return SyntheticCompilation.Analyze(compilation, SyntheticCompilation.LockAnalyzers, liveCycles: true).DiagnosticsById.Count;
        }

        /// <summary>
        /// A build with one analyzer that registers an empty operation-block action: what hosting any
        /// operation-based analyzer costs (the analyzer driver, and binding every body to operations
        /// again), before the lock analysis does any work of its own.
        /// </summary>
        [Benchmark]
        public int CompileWithEmptyOperationAnalyzer()
        {
            var compilation = _compilation.Create();
            SyntheticCompilation.Emit(compilation);
            return SyntheticCompilation.Analyze(compilation, EmptyOperationAnalyzer.Set).DiagnosticsById.Count;
        }

        private sealed class MacroConfig : ManualConfig
        {
            public MacroConfig()
            {
                // One operation is a whole build (seconds at 200k lines): no pilot, no unrolling, one
                // warm-up for the JIT, five measured builds, in this process so the report can read the telemetry.
                AddJob(Job.Default
                    .WithStrategy(RunStrategy.Monitoring)
                    .WithLaunchCount(1)
                    .WithWarmupCount(1)
                    .WithIterationCount(5)
                    .WithInvocationCount(1)
                    .WithUnrollFactor(1)
                    .WithToolchain(InProcessEmitToolchain.Instance)
                    .WithId("Macro-InProcess"));
                AddDiagnoser(MemoryDiagnoser.Default);
                AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
                WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared));
            }
        }
    }
}
