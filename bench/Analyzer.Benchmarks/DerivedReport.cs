using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Reports;

namespace LockContracts.Analyzer.Benchmarks
{
    /// <summary>
    /// The figures the targets are stated in, computed from the medians of one run: overhead ratio,
    /// time per 1,000 lines, and the growth exponent between sizes (the slope on a log-log scale:
    /// 1.0 is linear; n·log n between these sizes is about 1.1).
    /// </summary>
    public static class DerivedReport
    {
        public static void Write(Summary summary, TextWriter output)
        {
            var medians = summary.Reports
                .Where(r => r.ResultStatistics is not null)
                .ToDictionary(
                    r => (Method: r.BenchmarkCase.Descriptor.WorkloadMethod.Name, Size: (int)r.BenchmarkCase.Parameters["Size"]),
                    r => r.ResultStatistics!.Median / 1e6);
            var sizes = medians.Keys.Select(k => k.Size).Distinct().OrderBy(s => s).ToList();
            var rows = new List<Row>();
            foreach (var size in sizes)
            {
                if (!medians.TryGetValue((nameof(AnalyzerCostBenchmarks.Compile), size), out var compile)
                    || !medians.TryGetValue((nameof(AnalyzerCostBenchmarks.CompileWithLockAnalyzers), size), out var analyzed))
                {
                    continue;
                }

                var empty = medians.TryGetValue((nameof(AnalyzerCostBenchmarks.CompileWithEmptyOperationAnalyzer), size), out var e) ? e : double.NaN;
                var runs = AnalyzerCostBenchmarks.Runs.TryGetValue(size, out var r) ? r : new List<AnalyzerRun>();
                var lines = AnalyzerCostBenchmarks.Codebases.TryGetValue(size, out var code) ? code.Lines : size;
                rows.Add(new Row(size, lines, compile, analyzed, empty,
                    Median(runs.Select(x => x.ExecutionTimeByAnalyzer.GetValueOrDefault("LockStateAnalyzer").TotalMilliseconds)),
                    Median(runs.Select(x => x.ExecutionTimeByAnalyzer.GetValueOrDefault("Lock201ContractValidationAnalyzer").TotalMilliseconds)),
                    runs.LastOrDefault(), runs.Sum(x => x.AnalyzerExceptions)));
            }

            output.WriteLine();
            output.WriteLine("// * Analyzer cost (medians, ms) *");
            output.WriteLine("| size | lines | compile | + lock analyzers | ratio | added | + empty operation analyzer | added beyond empty | LockStateAnalyzer telemetry | Lock201 telemetry | compile ms/1k lines | added ms/1k lines |");
            output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var row in rows)
            {
                output.WriteLine($"| {row.Size:N0} | {row.Lines:N0} | {row.Compile:F0} | {row.Analyzed:F0} | {row.Analyzed / row.Compile:F3} | {row.Added:F0} "
                    + $"| {row.Empty:F0} | {row.Analyzed - row.Empty:F0} | {row.StateTelemetry:F0} | {row.ContractTelemetry:F0} "
                    + $"| {row.Compile / row.Lines * 1000:F1} | {row.Added / row.Lines * 1000:F1} |");
            }

            output.WriteLine();
            output.WriteLine("// * Growth between sizes (log-log slope; n log n is about 1.1 here) *");
            output.WriteLine("| from → to | compile | added by the analyzers | LockStateAnalyzer telemetry | n·log n would be |");
            output.WriteLine("|---|---|---|---|---|");
            for (var i = 1; i < rows.Count; i++)
            {
                var (a, b) = (rows[i - 1], rows[i]);
                output.WriteLine($"| {a.Lines:N0} → {b.Lines:N0} | {Slope(a.Lines, b.Lines, a.Compile, b.Compile):F2} | {Slope(a.Lines, b.Lines, a.Added, b.Added):F2} "
                    + $"| {Slope(a.Lines, b.Lines, a.StateTelemetry, b.StateTelemetry):F2} | {Slope(a.Lines, b.Lines, NLogN(a.Lines), NLogN(b.Lines)):F2} |");
            }

            if (rows.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("// * Added time / (n log2 n), relative to the smallest size (≤ 1 means no faster than n log n) *");
                foreach (var row in rows)
                {
                    output.WriteLine($"{row.Lines:N0} lines: added {row.Added / NLogN(row.Lines) / (rows[0].Added / NLogN(rows[0].Lines)):F2}, "
                        + $"LockStateAnalyzer telemetry {row.StateTelemetry / NLogN(row.Lines) / (rows[0].StateTelemetry / NLogN(rows[0].Lines)):F2}");
                }

                output.WriteLine();
                output.WriteLine("// * Diagnostics of one analyzed build per size *");
                foreach (var row in rows)
                {
                    var found = row.LastRun is null ? "(no run)" : string.Join(", ", row.LastRun.DiagnosticsById.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} ×{kv.Value}"));
                    var planted = AnalyzerCostBenchmarks.Codebases.TryGetValue(row.Size, out var code)
                        ? $"planted {code.PlantedCycles} two-class cycles, {code.PlantedUnheldCalls} unheld [RequiresHeld] calls"
                        : string.Empty;
                    output.WriteLine($"{row.Lines:N0} lines: {found}; {planted}; analyzer exceptions over all runs: {row.Exceptions}");
                }
            }
        }

        private static double NLogN(double n) => n * Math.Log2(n);

        private static double Slope(double n1, double n2, double t1, double t2) => Math.Log(t2 / t1) / Math.Log(n2 / n1);

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            if (sorted.Count == 0)
            {
                return double.NaN;
            }

            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        private sealed record Row(int Size, int Lines, double Compile, double Analyzed, double Empty, double StateTelemetry, double ContractTelemetry, AnalyzerRun? LastRun, int Exceptions)
        {
            public double Added => Analyzed - Compile;
        }
    }
}
