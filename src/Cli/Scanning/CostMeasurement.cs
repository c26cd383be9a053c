using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Cli.Scanning;

/// <summary>What the analyzer adds to a compile, timed as a build pays for it.</summary>
internal sealed record CostResult(TimeSpan Empty, TimeSpan WithAnalyzer, int Rounds, long EmptyAllocated = 0, long WithAnalyzerAllocated = 0)
{
    /// <summary>The analyzer's wall-clock time over the empty analyzer's, as a fraction (0.25 is +25%).</summary>
    public double Added => Empty.Ticks == 0 ? 0 : (WithAnalyzer.Ticks - Empty.Ticks) / (double)Empty.Ticks;
}

/// <summary>
/// Times fresh copies of one compilation (nothing bound yet) through <see cref="CompilationWithAnalyzers"/>: once with
/// an empty analyzer that asks for every body's operations, as any analyzer does, and once with the package's
/// analyzers in build mode, in turns, keeping each one's fastest round. Both pay for binding; the difference is
/// what the analyzer adds.
/// </summary>
internal static class CostMeasurement
{
    public const int Rounds = 3;

    public static async Task<CostResult> MeasureAsync(Compilation compilation, AnalyzerOptions? options, CancellationToken cancellationToken)
    {
        var empty = TimeSpan.MaxValue;
        var analyzer = TimeSpan.MaxValue;
        long emptyAllocated = 0, analyzerAllocated = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var (time, allocated) = await TimeAsync(compilation, ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()), options, cancellationToken).ConfigureAwait(false);
            empty = time < empty ? time : empty;
            emptyAllocated = allocated;
            (time, allocated) = await TimeAsync(compilation, CompilationScanner.Analyzers, options, cancellationToken).ConfigureAwait(false);
            analyzer = time < analyzer ? time : analyzer;
            analyzerAllocated = allocated;
        }

        return new CostResult(empty, analyzer, Rounds, emptyAllocated, analyzerAllocated);
    }

    /// <returns>The wall-clock time, and the bytes the process allocated meanwhile (the run's own work: nothing else runs).</returns>
    private static async Task<(TimeSpan Time, long Allocated)> TimeAsync(
        Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions? options, CancellationToken cancellationToken)
    {
        // A fresh copy shares the syntax trees and nothing that was bound.
        var fresh = compilation.Clone();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var withAnalyzers = fresh.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            options ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true,
            logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        return (elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
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
