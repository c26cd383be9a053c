using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace LockContracts.Analyzer.Benchmarks
{
    /// <summary>
    /// Builds the synthetic codebase as a real project with <c>dotnet build</c> (csc via MSBuild), with
    /// and without the lock analyzers, because the in-process host binds every body a second time for
    /// the analyzers and so cannot show what the analyzers add to a compiler run that hands them the
    /// operation trees it has already bound.
    /// </summary>
    public static class RealBuildBenchmark
    {
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        private sealed record Configuration(string Name, bool Analyzer, string? CycleReporting);

        private sealed record BuildResult(
            string Configuration,
            int Run,
            double WallMs,
            double CscMs,
            double? TotalAnalyzerSeconds,
            double? LockContractsSeconds,
            IReadOnlyDictionary<string, double> LockRuleSeconds,
            IReadOnlyDictionary<string, int> LockDiagnostics,
            bool Succeeded);

        /// <summary><c>--msbuild SIZES [--runs N] [--live]</c>; SIZES is a comma-separated list of target line counts.</summary>
        public static int Run(string[] args)
        {
            var sizes = args[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, Invariant)).ToArray();
            var runs = 5;
            var live = false;
            for (var i = 2; i < args.Length; i++)
            {
                if (args[i] == "--runs" && i + 1 < args.Length)
                {
                    runs = int.Parse(args[++i], Invariant);
                }
                else if (args[i] == "--live")
                {
                    live = true;
                }
                else
                {
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    return 2;
                }
            }

            var repo = FindRepositoryRoot();
            var annotations = EnsureBuilt(repo, Path.Combine("src", "Annotations"), "LockContracts.Annotations.dll");
            var analyzer = EnsureBuilt(repo, Path.Combine("src", "Analyzers"), "LockContracts.Analyzers.dll");
            var configurations = new List<Configuration>
            {
                new("without", false, null),
                new("with", true, "build"),
            };
            if (live)
            {
                configurations.Add(new Configuration("live", true, "live"));
            }

            var root = Path.Combine(Path.GetTempPath(), "lockcontracts-msbuild-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", Invariant));
            Directory.CreateDirectory(root);
            Console.WriteLine($"projects and build logs under {root}");
            Console.WriteLine($"analyzer {analyzer}");
            Console.WriteLine($"annotations {annotations}");
            Console.WriteLine($"{runs} timed builds per configuration and size, interleaved ({string.Join(", ", configurations.Select(c => c.Name))}, ...), "
                + "each after touching one source file; UseSharedCompilation=false (a fresh csc process per build)");

            var summaries = new List<(int Lines, Dictionary<string, List<BuildResult>> Results)>();
            foreach (var size in sizes)
            {
                var clock = Stopwatch.StartNew();
                var code = SyntheticCodebase.Generate(size);
                Console.WriteLine();
                Console.WriteLine($"== {code.Lines} lines, {code.Files.Length} files, {code.Classes} classes ({code.LockingClasses} with locks), "
                    + $"{code.Methods} methods ({code.LockingMethods} lock), planted {code.PlantedCycles} cycles / {code.PlantedUnheldCalls} unheld calls");
                var projects = configurations.ToDictionary(
                    c => c.Name,
                    c => WriteProject(Path.Combine(root, $"{size}-{c.Name}"), code, c, annotations, analyzer));
                foreach (var configuration in configurations)
                {
                    Dotnet(Path.GetDirectoryName(projects[configuration.Name])!, Path.Combine(root, $"{size}-{configuration.Name}-restore.log"),
                        "restore", projects[configuration.Name]);
                    var warm = Build(projects[configuration.Name], Path.Combine(root, $"{size}-{configuration.Name}-warmup.log"), configuration.Name, 0);
                    Console.WriteLine($"warm-up {Describe(warm)}");
                }

                var results = configurations.ToDictionary(c => c.Name, _ => new List<BuildResult>());
                for (var run = 1; run <= runs; run++)
                {
                    foreach (var configuration in configurations)
                    {
                        var project = projects[configuration.Name];
                        var touched = Path.Combine(Path.GetDirectoryName(project)!, code.Files[0].Path);
                        File.SetLastWriteTimeUtc(touched, DateTime.UtcNow);
                        var result = Build(project, Path.Combine(root, $"{size}-{configuration.Name}-{run}.log"), configuration.Name, run);
                        results[configuration.Name].Add(result);
                        Console.WriteLine(Describe(result));
                    }
                }

                Console.WriteLine($"size {size} done in {clock.Elapsed.TotalSeconds:F0} s");
                summaries.Add((code.Lines, results));
                WriteSummary(summaries, configurations);
            }

            return 0;
        }

        private static string Describe(BuildResult r) =>
            $"{r.Configuration} #{r.Run}: {(r.Succeeded ? "ok" : "FAILED")}, wall {r.WallMs:F0} ms, Csc {r.CscMs:F0} ms, "
            + $"total analyzer time {Seconds(r.TotalAnalyzerSeconds)}, LockContracts.Analyzers {Seconds(r.LockContractsSeconds)}"
            + (r.LockRuleSeconds.Count > 0 ? $" ({string.Join(", ", r.LockRuleSeconds.Select(kv => $"{kv.Key} {kv.Value:F3} s"))})" : string.Empty)
            + (r.LockDiagnostics.Count > 0 ? $"; {string.Join(", ", r.LockDiagnostics.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"))}" : string.Empty);

        private static string Seconds(double? s) => s is null ? "-" : $"{s.Value:F3} s";

        private static void WriteSummary(List<(int Lines, Dictionary<string, List<BuildResult>> Results)> summaries, List<Configuration> configurations)
        {
            Console.WriteLine();
            Console.WriteLine("Medians (ms unless noted):");
            var header = new StringBuilder("| lines | runs |");
            var rule = new StringBuilder("|---|---|");
            foreach (var c in configurations)
            {
                header.Append($" wall {c.Name} | Csc {c.Name} |");
                rule.Append("---|---|");
                if (c.Analyzer)
                {
                    header.Append($" Csc ratio {c.Name}/without | all analyzers {c.Name} (s) | LockContracts.Analyzers {c.Name} (s) |");
                    rule.Append("---|---|---|");
                }
                else
                {
                    header.Append($" all analyzers {c.Name} (s) |");
                    rule.Append("---|");
                }
            }

            Console.WriteLine(header);
            Console.WriteLine(rule);
            foreach (var (lines, results) in summaries)
            {
                var row = new StringBuilder($"| {lines:N0} | {results["without"].Count} |");
                var baseCsc = Median(results["without"].Select(r => r.CscMs));
                foreach (var c in configurations)
                {
                    var rs = results[c.Name];
                    var csc = Median(rs.Select(r => r.CscMs));
                    row.Append($" {Median(rs.Select(r => r.WallMs)):N0} | {csc:N0} |");
                    if (c.Analyzer)
                    {
                        row.Append($" {csc / baseCsc:F3}× | {MedianOrDash(rs.Select(r => r.TotalAnalyzerSeconds))} | {MedianOrDash(rs.Select(r => r.LockContractsSeconds))} |");
                    }
                    else
                    {
                        row.Append($" {MedianOrDash(rs.Select(r => r.TotalAnalyzerSeconds))} |");
                    }
                }

                Console.WriteLine(row);
                foreach (var c in configurations.Where(c => c.Analyzer))
                {
                    var rules = results[c.Name].SelectMany(r => r.LockRuleSeconds.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal);
                    Console.WriteLine($"    {c.Name}: per rule (median s): "
                        + string.Join(", ", rules.Select(k => $"{k} {Median(results[c.Name].Where(r => r.LockRuleSeconds.ContainsKey(k)).Select(r => r.LockRuleSeconds[k])):F3}"))
                        + $"; added Csc (median with − median without) {Median(results[c.Name].Select(r => r.CscMs)) - baseCsc:N0} ms"
                        + $"; failed builds {results.Values.Sum(l => l.Count(r => !r.Succeeded))}");
                }
            }

            for (var i = 1; i < summaries.Count; i++)
            {
                var (n0, r0) = summaries[i - 1];
                var (n1, r1) = summaries[i];
                var x = Math.Log((double)n1 / n0);
                var nLogN = Math.Log(n1 * Math.Log(n1) / (n0 * Math.Log(n0))) / x;
                string Slope(double a, double b) => a > 0 && b > 0 ? (Math.Log(b / a) / x).ToString("F2", Invariant) : "-";
                var line = new StringBuilder($"slope {n0:N0} → {n1:N0} (log-log; n·log n = {nLogN:F2}): Csc without {Slope(Median(r0["without"].Select(r => r.CscMs)), Median(r1["without"].Select(r => r.CscMs)))}");
                foreach (var c in configurations.Where(c => c.Analyzer))
                {
                    var added0 = Median(r0[c.Name].Select(r => r.CscMs)) - Median(r0["without"].Select(r => r.CscMs));
                    var added1 = Median(r1[c.Name].Select(r => r.CscMs)) - Median(r1["without"].Select(r => r.CscMs));
                    line.Append($"; {c.Name}: Csc {Slope(Median(r0[c.Name].Select(r => r.CscMs)), Median(r1[c.Name].Select(r => r.CscMs)))}"
                        + $", LockContracts.Analyzers time {Slope(MedianOf(r0[c.Name].Select(r => r.LockContractsSeconds)), MedianOf(r1[c.Name].Select(r => r.LockContractsSeconds)))}"
                        + $", added Csc {Slope(added0, added1)}");
                }

                Console.WriteLine(line);
            }
        }

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            if (sorted.Length == 0)
            {
                return double.NaN;
            }

            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        private static double MedianOf(IEnumerable<double?> values)
        {
            var present = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
            return present.Length == 0 ? double.NaN : Median(present);
        }

        private static string MedianOrDash(IEnumerable<double?> values)
        {
            var m = MedianOf(values);
            return double.IsNaN(m) ? "-" : m.ToString("F3", Invariant);
        }

        private static string WriteProject(string folder, SyntheticCodebase code, Configuration configuration, string annotations, string analyzer)
        {
            Directory.CreateDirectory(folder);

            // Stop MSBuild's upward search so no Directory.* file above the temp folder applies.
            File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />\n");

            // The planted defects are errors by default; as warnings the build succeeds and emits, as a clean build does.
            File.WriteAllText(Path.Combine(folder, "bench.globalconfig"), string.Join("\n",
                "is_global = true",
                "dotnet_diagnostic.LOCK001.severity = warning",
                "dotnet_diagnostic.LOCK101.severity = warning",
                string.Empty));

            foreach (var (path, text) in code.Files)
            {
                var target = Path.Combine(folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, text);
            }

            var analyzerItems = configuration.Analyzer
                ? $"""
                    <PropertyGroup>
                      <LockContractsCycleReporting>{configuration.CycleReporting}</LockContractsCycleReporting>
                      <LockContractsLiveCycleLimit>0</LockContractsLiveCycleLimit>
                    </PropertyGroup>
                    <ItemGroup>
                      <Analyzer Include="{analyzer}" />
                      <CompilerVisibleProperty Include="LockContractsCycleReporting" />
                      <CompilerVisibleProperty Include="LockContractsLiveCycleLimit" />
                    </ItemGroup>
                  """
                : string.Empty;
            var project = Path.Combine(folder, "Synthetic.csproj");
            File.WriteAllText(project, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <AssemblyName>Synthetic</AssemblyName>
                    <LangVersion>13</LangVersion>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
                    <Deterministic>true</Deterministic>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="LockContracts.Annotations">
                      <HintPath>{annotations}</HintPath>
                    </Reference>
                    <GlobalAnalyzerConfigFiles Include="bench.globalconfig" />
                  </ItemGroup>
                {analyzerItems}
                </Project>
                """);
            return project;
        }

        private static BuildResult Build(string project, string log, string configuration, int run)
        {
            var clock = Stopwatch.StartNew();
            var exit = Dotnet(Path.GetDirectoryName(project)!, log,
                "build", project, "-c", "Release", "--no-restore", "-nodeReuse:false", "--disable-build-servers",
                "-p:ReportAnalyzer=true", "-p:UseSharedCompilation=false", "-v:q", "-nologo");
            var wall = clock.Elapsed.TotalMilliseconds;
            return Parse(File.ReadAllText(log), configuration, run, wall, exit == 0);
        }

        private static readonly Regex CscTask = new(@"^\s*(\d+) ms\s+Csc\s+\d+ calls", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        private static readonly Regex TotalAnalyzer = new(@"Total analyzer execution time: ([\d.,]+) seconds", RegexOptions.CultureInvariant);
        private static readonly Regex TimedLine = new(@"^\s*<?([\d]+[.,][\d]+)\s+<?\d+\s+(\S+)", RegexOptions.CultureInvariant);
        private static readonly Regex LockDiagnostic = new(@"warning (LOCK\d{3})", RegexOptions.CultureInvariant);

        /// <summary>Reads the Csc task time (performance summary) and the compiler's -reportanalyzer block from a detailed build log.</summary>
        private static BuildResult Parse(string log, string configuration, int run, double wallMs, bool exitOk)
        {
            var csc = CscTask.Match(log);
            var total = TotalAnalyzer.Match(log);
            double? lockAssembly = null;
            var rules = new Dictionary<string, double>(StringComparer.Ordinal);
            var diagnostics = new Dictionary<string, int>(StringComparer.Ordinal);
            var seenWarnings = new HashSet<string>(StringComparer.Ordinal);
            var inReport = false;
            foreach (var rawLine in log.Split('\n'))
            {
                var line = rawLine.TrimEnd('\r');
                if (line.Contains("Total analyzer execution time:", StringComparison.Ordinal))
                {
                    inReport = !inReport && rules.Count == 0 && lockAssembly is null;
                    continue;
                }

                if (line.Contains("Total generator execution time:", StringComparison.Ordinal))
                {
                    inReport = false;
                }

                if (inReport && line.Contains("LockContracts.Analyzers", StringComparison.Ordinal))
                {
                    var m = TimedLine.Match(line);
                    if (m.Success)
                    {
                        var seconds = Number(m.Groups[1].Value);
                        var name = m.Groups[2].Value;
                        if (name.StartsWith("LockContracts.Analyzers,", StringComparison.Ordinal))
                        {
                            lockAssembly = seconds;
                        }
                        else
                        {
                            rules[name[(name.LastIndexOf('.') + 1)..]] = seconds;
                        }
                    }
                }

                var d = LockDiagnostic.Match(line);
                if (d.Success && seenWarnings.Add(Regex.Replace(line.Trim(), @"^\d+>", string.Empty).Trim()))
                {
                    diagnostics[d.Groups[1].Value] = diagnostics.GetValueOrDefault(d.Groups[1].Value) + 1;
                }
            }

            return new BuildResult(
                configuration,
                run,
                wallMs,
                csc.Success ? double.Parse(csc.Groups[1].Value, Invariant) : double.NaN,
                total.Success ? Number(total.Groups[1].Value) : null,
                lockAssembly,
                rules,
                diagnostics,
                exitOk && csc.Success);
        }

        private static double Number(string text) =>
            double.Parse(text.Contains('.', StringComparison.Ordinal) ? text.Replace(",", string.Empty, StringComparison.Ordinal) : text.Replace(',', '.'), Invariant);

        /// <summary>Runs dotnet with a detailed file log (the compiler's analyzer report and the task performance summary are in it).</summary>
        private static int Dotnet(string workingDirectory, string log, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            start.ArgumentList.Add("-fl");
            start.ArgumentList.Add($"-flp:LogFile={log};Verbosity=detailed;PerformanceSummary");
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode} (log {log}):");
                Console.WriteLine(output.Result + error.Result);
            }

            return process.ExitCode;
        }

        private static string FindRepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
        }

        private static string EnsureBuilt(string repo, string projectFolder, string assembly)
        {
            // Always built (incremental, seconds when up to date), so a stale assembly is never measured.
            var path = Path.Combine(repo, projectFolder, "bin", "Release", "netstandard2.0", assembly);
            {
                var psi = new ProcessStartInfo("dotnet", $"build -c Release \"{Path.Combine(repo, projectFolder)}\"") { UseShellExecute = false };
                using var process = Process.Start(psi)!;
                process.WaitForExit();
                if (process.ExitCode != 0 || !File.Exists(path))
                {
                    throw new InvalidOperationException($"could not build {path}");
                }
            }

            return path;
        }
    }
}
