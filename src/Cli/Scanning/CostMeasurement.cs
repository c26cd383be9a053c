using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Cli.Scanning;

/// <summary>What the analyzer adds to a compile, timed as a build pays for it.</summary>
internal sealed record CostResult(TimeSpan Empty, TimeSpan WithAnalyzer, int Rounds, long EmptyAllocated = 0, long WithAnalyzerAllocated = 0)
{
    /// <summary>The analyzer's wall-clock time over the empty analyzer's, as a fraction (0.25 is +25%).</summary>
    public double Added => Ratio(WithAnalyzer.Ticks, Empty.Ticks) - 1;

    /// <summary>The process's CPU time (all threads) of the fastest round of each.</summary>
    public TimeSpan EmptyCpu { get; init; }

    public TimeSpan WithAnalyzerCpu { get; init; }

    /// <summary>The analyzer's CPU time over the empty analyzer's, as a fraction.</summary>
    public double AddedCpu => Ratio(WithAnalyzerCpu.Ticks, EmptyCpu.Ticks) - 1;

    /// <summary>The managed heap held before each round (after a full collection): the loaded project and its syntax.</summary>
    public long HeldBefore { get; init; }

    /// <summary>The largest growth of the managed heap over <see cref="HeldBefore"/> seen in any round of each.</summary>
    public long EmptyPeakGrowth { get; init; }

    public long WithAnalyzerPeakGrowth { get; init; }

    /// <summary>Peak heap with the analyzer over peak heap with the empty one, the held project counted in both.</summary>
    public double PeakRatio => Ratio(HeldBefore + WithAnalyzerPeakGrowth, HeldBefore + EmptyPeakGrowth);

    /// <summary>The same, counting only what each run added to the heap (the stricter figure).</summary>
    public double PeakGrowthRatio => Ratio(WithAnalyzerPeakGrowth, EmptyPeakGrowth);

    /// <summary>The fastest emit of a fresh copy: the compile a build does besides its analyzers.</summary>
    public TimeSpan Compile { get; init; }

    /// <summary>The largest growth of the heap over <see cref="HeldBefore"/> while the compile alone ran.</summary>
    public long CompilePeakGrowth { get; init; }

    /// <summary>
    /// The peak heap of a compile with the analyzer against the compile alone, the analyzer's growth added to the
    /// compile's as if both peaked at once (a build runs them together): an upper bound.
    /// </summary>
    public double BuildPeakRatio => Ratio(HeldBefore + CompilePeakGrowth + WithAnalyzerPeakGrowth, HeldBefore + CompilePeakGrowth);

    /// <summary>
    /// What the analyzer adds to a build with the empty analyzer, as a fraction: its time over the empty analyzer's, over
    /// the compile plus the empty analyzer (a build binds every body twice when analyzers ask for operations: once for
    /// the compile, once for them).
    /// </summary>
    public double AddedToBuild => Ratio(Compile.Ticks + WithAnalyzer.Ticks, Compile.Ticks + Empty.Ticks) - 1;

    /// <summary>
    /// Whether the analyzers timed were compiled with optimizations, as the package ships them. A Debug build of the
    /// scanner carries Debug analyzers, which the JIT does not optimize: their times overstate what a build pays.
    /// </summary>
    public bool AnalyzersOptimized { get; init; } = true;

    private static double Ratio(long value, long baseline) => baseline == 0 ? 1 : value / (double)baseline;
}

/// <summary>
/// Times fresh copies of one compilation (nothing bound yet) through <see cref="CompilationWithAnalyzers"/>: once with
/// an empty analyzer that asks for every body's operations, as any analyzer does, and once with the package's
/// analyzers in build mode, in turns, keeping each one's fastest round (wall clock, and the process's CPU time). Both
/// pay for binding; the difference is what the analyzer adds. Each round also emits a fresh copy, the compile itself,
/// so the difference can be read against a build's time as well. Memory: a thread samples the managed heap while each
/// round runs (its size now, and the size before each collection it learns of), so the peak is what the round needed
/// on top of what was held before it.
/// </summary>
internal static class CostMeasurement
{
    public const int DefaultRounds = 5;

    public const int MaxRounds = 100;

    public static async Task<CostResult> MeasureAsync(Compilation compilation, AnalyzerOptions? options, int rounds, CancellationToken cancellationToken)
    {
        Round? compile = null, empty = null, analyzer = null;
        for (var round = 0; round < rounds; round++)
        {
            compile = Round.Best(compile, await CompileAsync(compilation, cancellationToken).ConfigureAwait(false));
            empty = Round.Best(empty, await RunAsync(compilation, ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()), options, cancellationToken).ConfigureAwait(false));
            analyzer = Round.Best(analyzer, await RunAsync(compilation, CompilationScanner.Analyzers, options, cancellationToken).ConfigureAwait(false));
        }

        return new CostResult(empty!.Wall, analyzer!.Wall, rounds, empty.Allocated, analyzer.Allocated)
        {
            EmptyCpu = empty.Cpu,
            WithAnalyzerCpu = analyzer.Cpu,
            HeldBefore = Math.Max(empty.Held, analyzer.Held),
            EmptyPeakGrowth = empty.PeakGrowth,
            WithAnalyzerPeakGrowth = analyzer.PeakGrowth,
            Compile = compile!.Wall,
            CompilePeakGrowth = compile.PeakGrowth,
            AnalyzersOptimized = CompilationScanner.Analyzers.All(analyzer => IsOptimized(analyzer.GetType().Assembly)),
        };
    }

    /// <summary>False when the assembly was compiled without optimizations (its <see cref="DebuggableAttribute"/> turns the JIT's off).</summary>
    internal static bool IsOptimized(System.Reflection.Assembly assembly) =>
        assembly.GetCustomAttributes(typeof(DebuggableAttribute), inherit: false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }, ..];

    /// <summary>One run, or the best of several: fastest wall and CPU time, the last allocation count, the largest peak.</summary>
    private sealed record Round(TimeSpan Wall, TimeSpan Cpu, long Allocated, long Held, long PeakGrowth)
    {
        public static Round Best(Round? kept, Round next) => kept is null
            ? next
            : new Round(Min(kept.Wall, next.Wall), Min(kept.Cpu, next.Cpu), next.Allocated, Math.Max(kept.Held, next.Held), Math.Max(kept.PeakGrowth, next.PeakGrowth));

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    /// <returns>
    /// The wall-clock and CPU time, the bytes the process allocated meanwhile (the run's own work: nothing else runs), the
    /// heap held before, and the most the heap grew over it.
    /// </returns>
    private static Task<Round> RunAsync(
        Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions? options, CancellationToken cancellationToken) =>
        MeasureAsync(compilation, fresh => fresh.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            options ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true,
            logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false)).GetAnalyzerDiagnosticsAsync(cancellationToken));

    /// <summary>The compiler's own work: a fresh copy emitted (declarations, binding, lowering, IL) to nowhere.</summary>
    private static Task<Round> CompileAsync(Compilation compilation, CancellationToken cancellationToken) =>
        MeasureAsync(compilation, fresh => Task.FromResult(fresh.Emit(Stream.Null, cancellationToken: cancellationToken)));

    /// <returns>
    /// The wall-clock and CPU time of <paramref name="work"/> on a fresh copy of the compilation, the bytes the process
    /// allocated meanwhile (the run's own work: nothing else runs), the heap held before, and the most the heap grew over it.
    /// </returns>
    private static async Task<Round> MeasureAsync<T>(Compilation compilation, Func<Compilation, Task<T>> work)
    {
        // A fresh copy shares the syntax trees and nothing that was bound.
        var fresh = compilation.Clone();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var held = GC.GetTotalMemory(forceFullCollection: false);
        using var peak = new HeapPeak();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = await work(fresh).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        GC.KeepAlive(result);
        GC.KeepAlive(fresh);
        return new Round(elapsed, cpu, allocated, held, Math.Max(0, peak.Stop() - held));
    }

    /// <summary>
    /// Samples the managed heap every millisecond on a thread of its own: its size now, and for each collection it
    /// learns of, the size just before it (the heap's high points fall there).
    /// </summary>
    private sealed class HeapPeak : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _peak;

        public HeapPeak()
        {
            _thread = new Thread(Sample) { IsBackground = true, Name = "heap peak" };
            _thread.Start();
        }

        /// <summary>Stops sampling; the largest heap size seen.</summary>
        public long Stop()
        {
            _stop = true;
            _thread.Join();
            return Interlocked.Read(ref _peak);
        }

        public void Dispose()
        {
            if (!_stop)
            {
                Stop();
            }
        }

        private void Sample()
        {
            var lastCollection = GC.GetGCMemoryInfo(GCKind.Any).Index;
            do
            {
                var size = GC.GetTotalMemory(forceFullCollection: false);
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index != lastCollection)
                {
                    lastCollection = info.Index;
                    long before = 0;
                    foreach (var generation in info.GenerationInfo)
                    {
                        before += generation.SizeBeforeBytes;
                    }

                    size = Math.Max(size, before);
                }

                if (size > _peak)
                {
                    Interlocked.Exchange(ref _peak, size);
                }

                Thread.Sleep(1);
            }
            while (!_stop);
        }
    }

    /// <summary>Asks for every body's operations and does nothing with them: the binding every analyzer pays for.</summary>
    /// <remarks>Not a shipped analyzer (no attribute, never loaded by a compiler): the scanner's baseline only.</remarks>
#pragma warning disable RS1001 // Created by the scanner itself, never found by a compiler through the attribute.
    private sealed class EmptyAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1001
    {
#pragma warning disable RS2008 // Never reported, never shipped.
        private static readonly DiagnosticDescriptor Never = new("LOCKCOST", "unused", "unused", "Cost", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationBlockAction(_ => { });
        }
    }
}
