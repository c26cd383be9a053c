using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LockContracts.Lockdep.Benchmarks
{
    /// <summary>
    /// Runs the scenarios one category at a time, records the load average before and after each, and
    /// prints a report that cannot flatter itself: absolute nanoseconds added next to every ratio, and
    /// every figure taken with a load average of 2 or more marked as such and never judged against a
    /// target.
    /// </summary>
    /// <remarks>
    /// Arguments: the usual BenchmarkDotNet ones (<c>--filter '*'</c>), plus
    /// <c>--wait-quiet SECONDS</c> to wait (up to that long) before each category for the load average
    /// to fall under the threshold, <c>--report PATH</c> for the Markdown report (default
    /// BenchmarkDotNet.Artifacts/results/Lockdep-report.md), and <c>--disabled-by-switch</c> to set
    /// the AppContext switch that disables Lockdep for the process and run the "disabled" category
    /// alone (the switch cannot be undone, so no other category would measure anything checked).
    /// </remarks>
    public static class Program
    {
        /// <summary>A 1-minute load average at or above this marks a run as taken under load.</summary>
        public const double LoadThreshold = 2.0;

        private const string DisabledCategory = "7 Disabled";

        public static int Main(string[] args)
        {
            // Must come before anything touches Lockdep: the switch is read once, when it starts.
            var bySwitch = Array.IndexOf(args, "--disabled-by-switch") >= 0;
            if (bySwitch)
            {
                AppContext.SetSwitch(Lockdep.DisableSwitchName, true);
            }

            if (args.Length >= 3 && args[0] == "--instructions")
            {
                return InstructionDriver.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
            }

            var waitQuiet = TimeSpan.Zero;
            var reportPath = Path.Combine("BenchmarkDotNet.Artifacts", "results", "Lockdep-report.md");
            var passThrough = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "--wait-quiet" && i + 1 < args.Length)
                {
                    waitQuiet = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
                }
                else if (args[i] == "--disabled-by-switch")
                {
                    // Handled above.
                }
                else if (args[i] == "--report" && i + 1 < args.Length)
                {
                    reportPath = args[++i];
                }
                else
                {
                    passThrough.Add(args[i]);
                }
            }

            if (passThrough.Count == 0)
            {
                passThrough.AddRange(new[] { "--filter", "*" });
            }

            var categories = typeof(LockdepBenchmarks).GetMethods()
                .SelectMany(m => m.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.BenchmarkCategoryAttribute), false))
                .Cast<BenchmarkDotNet.Attributes.BenchmarkCategoryAttribute>()
                .SelectMany(a => a.Categories)
                .Distinct()
                .OrderBy(c => c, StringComparer.Ordinal)
                .Where(c => !bySwitch || c == DisabledCategory)
                .ToList();

            // Tier-1 code before anything is measured (see InstructionDriver.Prewarm).
            InstructionDriver.Prewarm(disabledOnly: bySwitch);

            var runs = new List<CategoryRun>();
            foreach (var category in categories)
            {
                if (waitQuiet > TimeSpan.Zero)
                {
                    WaitForQuiet(waitQuiet);
                }

                var before = LoadAverage.Read();
                var config = ManualConfig.Create(DefaultConfig.Instance)
                    .AddFilter(new AnyCategoriesFilter(new[] { category }));
                Summary summary;
                try
                {
                    summary = BenchmarkRunner.Run(typeof(LockdepBenchmarks), config, passThrough.ToArray());
                }
                catch (InvalidOperationException)
                {
                    // Nothing in this category matches the filter.
                    continue;
                }

                var after = LoadAverage.Read();
                if (summary.Reports.Length > 0)
                {
                    runs.Add(new CategoryRun(category, before, after, summary));
                }
            }

            var report = Report(runs, bySwitch);
            Console.WriteLine();
            Console.WriteLine(report);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);
            File.WriteAllText(reportPath, report);
            Console.WriteLine($"Report written to {Path.GetFullPath(reportPath)}");
            return runs.SelectMany(r => r.Summary.Reports).All(r => r.Success) ? 0 : 1;
        }

        private static void WaitForQuiet(TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            while (LoadAverage.Read().OneMinute >= LoadThreshold && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromSeconds(5));
            }
        }

        private static string Report(List<CategoryRun> runs, bool bySwitch)
        {
            var text = new StringBuilder();
            var loaded = runs.Where(r => r.UnderLoad).ToList();
            text.AppendLine("## Lockdep benchmark report");
            text.AppendLine();
            text.AppendLine("Every synchronous scenario was first called 16,000 times (8 rounds, 250 ms apart), so that " +
                            "tiered compilation had replaced its first code with the final code before anything was measured.");
            text.AppendLine();
            if (bySwitch)
            {
                text.AppendLine($"Lockdep disabled for the process by the `{Lockdep.DisableSwitchName}` switch " +
                                $"(`--disabled-by-switch`): only the \"{DisabledCategory}\" category is run.");
                text.AppendLine();
            }

            text.AppendLine($"Machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}. " +
                            $"Taken {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
            text.AppendLine();
            if (loaded.Count > 0)
            {
                text.AppendLine($"**UNDER LOAD**: {loaded.Count} of {runs.Count} categories were measured with a 1-minute load " +
                                $"average of {LoadThreshold.ToString("0.0", CultureInfo.InvariantCulture)} or more " +
                                "(the benchmark itself adds about 1). Their figures are marked and are not judged " +
                                "against any target: load inflates the raw baseline more than the checked path, so " +
                                "their ratios flatter the validator. Use the \"added\" columns, and a quiet run, instead.");
            }
            else
            {
                text.AppendLine($"Quiet: every category was measured with a 1-minute load average under {LoadThreshold.ToString("0.0", CultureInfo.InvariantCulture)}.");
            }

            text.AppendLine();
            text.AppendLine("Mean: all 60 iterations; min: the fastest iteration, the least disturbed by other processes. " +
                            "Ratio and added are mean against mean, and min against min; acq. = locks taken per call. " +
                            "A verdict uses the less favourable of the two.");
            text.AppendLine();
            text.AppendLine("| category | method | mean ns | min ns | ratio (mean) | ratio (min) | added ns/call (mean) | added ns/call (min) | acq. | added ns/acq. (min) | allocated B/op | load before → after | target | verdict |");
            text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
            foreach (var run in runs)
            {
                var baseline = run.Summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
                var baseMean = baseline?.ResultStatistics?.Mean;
                var baseMin = baseline?.ResultStatistics?.Min;
                foreach (var report in run.Summary.Reports)
                {
                    var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                    var stats = report.ResultStatistics;
                    var mean = stats?.Mean;
                    var min = stats?.Min;
                    var isBaseline = ReferenceEquals(report, baseline);
                    double? ratio = mean is not null && baseMean is > 0 ? mean / baseMean : null;
                    double? ratioMin = min is not null && baseMin is > 0 ? min / baseMin : null;
                    double? added = mean is not null && baseMean is not null && !isBaseline ? mean - baseMean : null;
                    double? addedMin = min is not null && baseMin is not null && !isBaseline ? min - baseMin : null;
                    var acquisitions = LockdepBenchmarks.AcquisitionsPerCall(name);
                    double? addedPerAcquisition = addedMin is not null && acquisitions > 0 ? addedMin / acquisitions : null;
                    var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                    var target = LockdepBenchmarks.Target(name);
                    var verdict = target is null ? "—"
                        : run.UnderLoad ? "not judged: under load"
                        : target.Value.Met(Worse(ratio, ratioMin), Worse(added, addedMin), allocated) ? "met" : "**missed**";
                    text.Append("| ").Append(run.Category)
                        .Append(" | ").Append(name).Append(isBaseline ? " (baseline)" : string.Empty)
                        .Append(" | ").Append(Format(mean))
                        .Append(" | ").Append(Format(min))
                        .Append(" | ").Append(Ratio(ratio))
                        .Append(" | ").Append(Ratio(ratioMin))
                        .Append(" | ").Append(Added(added))
                        .Append(" | ").Append(Added(addedMin))
                        .Append(" | ").Append(acquisitions == 0 ? "—" : acquisitions.ToString(CultureInfo.InvariantCulture))
                        .Append(" | ").Append(Added(addedPerAcquisition))
                        .Append(" | ").Append(allocated?.ToString(CultureInfo.InvariantCulture) ?? "?")
                        .Append(" | ").Append(run.Before.OneMinute.ToString("0.00", CultureInfo.InvariantCulture))
                        .Append(" → ").Append(run.After.OneMinute.ToString("0.00", CultureInfo.InvariantCulture))
                        .Append(run.UnderLoad ? " **UNDER LOAD**" : " quiet")
                        .Append(" | ").Append(target?.ToString() ?? "—")
                        .Append(" | ").Append(verdict)
                        .AppendLine(" |");
                }
            }

            return text.ToString();
        }

        // A verdict takes the less favourable of the mean and the fastest iteration: a preempted
        // baseline iteration inflates the mean baseline and would flatter the ratio.
        private static double? Worse(double? a, double? b) =>
            a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

        private static string Ratio(double? ratio) =>
            ratio is null ? "—" : ratio.Value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

        private static string Added(double? nanoseconds) =>
            nanoseconds is null ? "—" : nanoseconds.Value.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

        private static string Format(double? nanoseconds) =>
            nanoseconds is null ? "failed" : nanoseconds.Value.ToString("#,0.00", CultureInfo.InvariantCulture);

        private sealed class CategoryRun
        {
            public CategoryRun(string category, LoadAverage before, LoadAverage after, Summary summary)
            {
                Category = category;
                Before = before;
                After = after;
                Summary = summary;
            }

            public string Category { get; }

            public LoadAverage Before { get; }

            public LoadAverage After { get; }

            public Summary Summary { get; }

            public bool UnderLoad => Before.OneMinute >= LoadThreshold || After.OneMinute >= LoadThreshold || double.IsNaN(Before.OneMinute) || double.IsNaN(After.OneMinute);
        }
    }

    /// <summary>The load averages of /proc/loadavg; NaN where it cannot be read (then the run counts as loaded).</summary>
    public readonly struct LoadAverage
    {
        public LoadAverage(double oneMinute, double fiveMinutes)
        {
            OneMinute = oneMinute;
            FiveMinutes = fiveMinutes;
        }

        public double OneMinute { get; }

        public double FiveMinutes { get; }

        public static LoadAverage Read()
        {
            try
            {
                var fields = File.ReadAllText("/proc/loadavg").Split(' ');
                return new LoadAverage(
                    double.Parse(fields[0], CultureInfo.InvariantCulture),
                    double.Parse(fields[1], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                return new LoadAverage(double.NaN, double.NaN);
            }
            catch (UnauthorizedAccessException)
            {
                return new LoadAverage(double.NaN, double.NaN);
            }
        }
    }
}
