using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using LockContracts.Analyzer.Benchmarks;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LockContracts.Editor.Benchmarks
{
    /// <summary>
    /// Imitates an editor on the synthetic lock-heavy codebase of bench/Analyzer.Benchmarks: one compilation;
    /// then, for each edit, one method body changes, a new compilation is made
    /// (<see cref="Compilation.ReplaceSyntaxTree"/>), and the program times
    /// <see cref="CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(SemanticModel, TextSpan?, CancellationToken)"/>
    /// for the edited document, which is what an IDE asks after each keystroke. The same edits run with
    /// LockContracts (as a user gets it, and with the live bound lifted), with the VS threading analyzers,
    /// and with no analyzer (the compiler's own semantic diagnostics of the document).
    /// </summary>
    public static class Program
    {
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary><c>[--sizes 50000,200000] [--edits 20] [--warmup 3]</c></summary>
        public static int Main(string[] args)
        {
            var sizes = new[] { 50_000, 200_000 };
            var edits = 20;
            var warmup = 3;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--sizes" when i + 1 < args.Length:
                        sizes = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, Invariant)).ToArray();
                        break;
                    case "--edits" when i + 1 < args.Length:
                        edits = int.Parse(args[++i], Invariant);
                        break;
                    case "--warmup" when i + 1 < args.Length:
                        warmup = int.Parse(args[++i], Invariant);
                        break;
                    default:
                        Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--sizes 50000,200000] [--edits 20] [--warmup 3]");
                        return 2;
                }
            }

            var vsThreading = VsThreadingAnalyzers.Load();
            Console.WriteLine($"# Editor benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine($"runtime {Environment.Version}, Roslyn {typeof(Compilation).Assembly.GetName().Version}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            Console.WriteLine($"VS threading analyzers: {vsThreading.Analyzers.Length} analyzers from {vsThreading.Package}");
            Console.WriteLine($"{edits} timed edits after {warmup} untimed ones, per configuration");
            Console.WriteLine();

            // Everything once on a small codebase first, untimed, so that no figure below pays for compiling the analyzers' code.
            RunSize(5_000, 2, 1, vsThreading.Analyzers, new List<string>(), new List<string>());
            Console.WriteLine("(the 5k-line round above warms up the process; its figures are not reported)");
            Console.WriteLine();

            var rows = new List<string>();
            var firstRows = new List<string>();
            foreach (var size in sizes)
            {
                RunSize(size, edits, warmup, vsThreading.Analyzers, rows, firstRows);
            }

            Console.WriteLine("## Per edit (GetAnalyzerSemanticDiagnosticsAsync for the edited document)");
            Console.WriteLine();
            Console.WriteLine("| lines | configuration | median | p90 | min | max | CPU median | median to VS threading | LOCK001 in the edited document (edits showing it / edits) | graph bodies analyzed / kept per edit (median) |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---|---|");
            rows.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine("## First analysis of a fresh compilation against a build");
            Console.WriteLine();
            Console.WriteLine("| lines | analyzers | first analysis of the edited document, fresh compilation (wall) | build: whole compilation, wall | build: analyzers' execution time (Roslyn telemetry) | diagnostics in the build |");
            Console.WriteLine("|---:|---|---:|---:|---:|---|");
            firstRows.ForEach(Console.WriteLine);
            return 0;
        }

        private static void RunSize(int size, int edits, int warmup, ImmutableArray<DiagnosticAnalyzer> vsThreading, List<string> rows, List<string> firstRows)
        {
            var code = SyntheticCodebase.Generate(size);
            var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp13);
            var trees = code.Files.Select(f => CSharpSyntaxTree.ParseText(SourceText.From(f.Text), parseOptions, path: f.Path)).ToImmutableArray();
            Console.WriteLine($"## {code.Lines} lines, {code.Files.Length} files, {code.Classes} classes ({code.LockingClasses} with locks), {code.Methods} methods, {code.PlantedCycles} planted cycles (load average {LoadAverage()})");
            var lockContracts = ImmutableArray.Create<DiagnosticAnalyzer>(new LockStateAnalyzer(), new Lock201ContractValidationAnalyzer());

            // The build: whole compilation, cycles at compilation end. It also says where LOCK001 is.
            var build = AnalyzeBuild(Create(trees), lockContracts, Options.Build);
            var cycles = build.Diagnostics.Where(d => d.Id == "LOCK001").OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ToList();
            if (cycles.Count == 0)
            {
                throw new InvalidOperationException("The build reports no LOCK001: the synthetic code or the analyzer is not what this benchmark expects.");
            }

            var edited = cycles[0].Location.SourceTree!.FilePath;
            var expectedInDocument = cycles.Count(d => d.Location.SourceTree!.FilePath == edited);
            Console.WriteLine($"build (LockContracts): {build.WallMs:F0} ms wall, analyzers {build.AnalyzerMs:F0} ms; {Summary(build.Diagnostics)}; edits go to {edited}, which has {expectedInDocument} LOCK001 in the build");
            var vsBuild = AnalyzeBuild(Create(trees), vsThreading, Options.Build);
            Console.WriteLine($"build (VS threading): {vsBuild.WallMs:F0} ms wall, analyzers {vsBuild.AnalyzerMs:F0} ms; {Summary(vsBuild.Diagnostics)}");

            var document = trees.Single(t => t.FilePath == edited);
            var firstLive = FirstAnalysis(trees, document, lockContracts, Options.Live);
            var firstFromScratch = FirstAnalysis(trees, document, lockContracts, Options.LiveFromScratch);
            var firstVs = FirstAnalysis(trees, document, vsThreading, Options.Live);
            Console.WriteLine($"first analysis of {edited} on a fresh compilation: LockContracts {firstLive.WallMs:F0} ms ({firstLive.Lock001} LOCK001), from scratch {firstFromScratch.WallMs:F0} ms ({firstFromScratch.Lock001} LOCK001), VS threading {firstVs.WallMs:F0} ms");
            firstRows.Add($"| {code.Lines:N0} | LockContracts, defaults | {firstLive.WallMs:F0} ms (LOCK001 {(firstLive.Lock001 > 0 ? "shown" : "not shown")}) | {build.WallMs:F0} ms | {build.AnalyzerMs:F0} ms | {Summary(build.Diagnostics)} |");
            firstRows.Add($"| {code.Lines:N0} | LockContracts, LockContractsLiveIncremental=false | {firstFromScratch.WallMs:F0} ms (LOCK001 {(firstFromScratch.Lock001 > 0 ? "shown" : "not shown")}) | | | |");
            firstRows.Add($"| {code.Lines:N0} | VS threading | {firstVs.WallMs:F0} ms | {vsBuild.WallMs:F0} ms | {vsBuild.AnalyzerMs:F0} ms | {Summary(vsBuild.Diagnostics)} |");

            var configurations = new (string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers, CompilationWithAnalyzersOptions? Options)[]
            {
                ("no analyzer (compiler's semantic diagnostics)", ImmutableArray<DiagnosticAnalyzer>.Empty, null),
                ("LockContracts, defaults (live, incremental)", lockContracts, Options.Live),
                ("LockContracts, LockContractsLiveIncremental=false (live, from scratch)", lockContracts, Options.LiveFromScratch),
                ("VS threading analyzers 18.12.1", vsThreading, Options.Live),
            };
            // The configurations take turns on each edit, so that a busy moment of a shared machine falls on all of them.
            // Each configuration parses the files itself, as each editor session would: no two share a tree object.
            var states = configurations.Select(c => Reparse(trees, document)).Select(p => new EditorState(Create(p.Trees), p.Document)).ToArray();
            for (var edit = 1; edit <= warmup + edits; edit++)
            {
                for (var k = 0; k < configurations.Length; k++)
                {
                    var (_, analyzers, options) = configurations[(k + edit) % configurations.Length];
                    var state = states[(k + edit) % configurations.Length];
                    var newTree = Edit(state.Tree, edit);
                    state.Compilation = state.Compilation.ReplaceSyntaxTree(state.Tree, newTree);
                    state.Tree = newTree;
                    var cpu = CpuTime();
                    var clock = Stopwatch.StartNew();
                    ImmutableArray<Diagnostic> diagnostics;
                    if (options is null)
                    {
                        diagnostics = state.Compilation.GetSemanticModel(newTree).GetDiagnostics();
                    }
                    else
                    {
                        var withAnalyzers = state.Compilation.WithAnalyzers(analyzers, options);
                        diagnostics = withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(state.Compilation.GetSemanticModel(newTree), null, CancellationToken.None).GetAwaiter().GetResult();
                    }

                    var wall = clock.Elapsed.TotalMilliseconds;
                    if (edit > warmup)
                    {
                        state.Wall.Add(wall);
                        state.Cpu.Add((CpuTime() - cpu).TotalMilliseconds);
                        if (diagnostics.Count(d => d.Id == "LOCK001") >= expectedInDocument)
                        {
                            state.Shown++;
                        }

                        if (LockContracts.Analyzers.Flow.LiveCache.CountersOf(state.Compilation) is { } counters)
                        {
                            state.Analyzed.Add(counters.BodiesAnalyzed);
                            state.Kept.Add(counters.BodiesKept);
                        }
                    }
                }
            }

            foreach (var state in states)
            {
                state.Wall.Sort();
                state.Cpu.Sort();
            }

            var vsMedian = Percentile(states[^1].Wall, 0.5);
            var vsCpu = Percentile(states[^1].Cpu, 0.5);
            for (var k = 0; k < configurations.Length; k++)
            {
                var (name, analyzers, _) = configurations[k];
                var state = states[k];
                var median = Percentile(state.Wall, 0.5);
                var cpu = Percentile(state.Cpu, 0.5);
                var lock001 = analyzers.IsEmpty || name.StartsWith("VS", StringComparison.Ordinal) ? "—" : $"{(state.Shown == edits ? "shown" : state.Shown == 0 ? "not shown" : "sometimes")} ({state.Shown}/{edits})";
                var ratio = name.StartsWith("LockContracts", StringComparison.Ordinal) ? $"{median / vsMedian:F1}× ({cpu / vsCpu:F1}× CPU)" : "";
                state.Analyzed.Sort();
                state.Kept.Sort();
                var reuse = state.Analyzed.Count == 0 ? "—" : $"{state.Analyzed[state.Analyzed.Count / 2]} / {state.Kept[state.Kept.Count / 2]}";
                rows.Add($"| {code.Lines:N0} | {name} | {median:F0} ms | {Percentile(state.Wall, 0.9):F0} ms | {state.Wall[0]:F0} ms | {state.Wall[^1]:F0} ms | {cpu:F0} ms | {ratio} | {lock001} | {reuse} |");
                Console.WriteLine($"{name}: median {median:F0} ms, p90 {Percentile(state.Wall, 0.9):F0} ms, min {state.Wall[0]:F0} ms, max {state.Wall[^1]:F0} ms, CPU median {cpu:F0} ms; {(ratio.Length > 0 ? $"to VS threading {ratio}; " : "")}LOCK001 {lock001}");
            }

            Console.WriteLine($"(load average {LoadAverage()})");
            Console.WriteLine();
        }

        private sealed class EditorState(Compilation compilation, SyntaxTree tree)
        {
            public Compilation Compilation { get; set; } = compilation;

            public SyntaxTree Tree { get; set; } = tree;

            public List<double> Wall { get; } = new();

            public List<double> Cpu { get; } = new();

            public int Shown { get; set; }

            /// <summary>Per edit: bodies of the lock-order graph analyzed again, and kept from the compilation before.</summary>
            public List<int> Analyzed { get; } = new();

            public List<int> Kept { get; } = new();
        }

        /// <summary>This process's CPU time, all threads: less disturbed than the wall clock by other processes on a shared machine.</summary>
        private static TimeSpan CpuTime()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }

        /// <summary>
        /// One keystroke-sized change in one method body: the first <c>_total += _count…;</c> statement of the
        /// document (in a <c>Touch()</c> under its lock) gets another constant. The tree is reparsed incrementally, as an editor does.
        /// </summary>
        private static SyntaxTree Edit(SyntaxTree tree, int edit)
        {
            var text = tree.GetText();
            var content = text.ToString();
            var start = content.IndexOf("_total += _count", StringComparison.Ordinal);
            if (start < 0)
            {
                throw new InvalidOperationException($"{tree.FilePath} has no statement to edit");
            }

            var end = content.IndexOf(';', start);
            return tree.WithChangedText(text.WithChanges(new TextChange(TextSpan.FromBounds(start, end), $"_total += _count + {edit}")));
        }

        private sealed record BuildRun(ImmutableArray<Diagnostic> Diagnostics, double WallMs, double AnalyzerMs);

        private static BuildRun AnalyzeBuild(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, CompilationWithAnalyzersOptions options)
        {
            var clock = Stopwatch.StartNew();
            var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            var wall = clock.Elapsed.TotalMilliseconds;
            var analyzerTime = analyzers.Sum(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
            return new BuildRun(diagnostics, wall, analyzerTime);
        }

        private static (double WallMs, int Lock001) FirstAnalysis(ImmutableArray<SyntaxTree> trees, SyntaxTree document, ImmutableArray<DiagnosticAnalyzer> analyzers, CompilationWithAnalyzersOptions options)
        {
            (trees, document) = Reparse(trees, document);
            var compilation = Create(trees);
            var clock = Stopwatch.StartNew();
            var diagnostics = compilation.WithAnalyzers(analyzers, options)
                .GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(document), null, CancellationToken.None).GetAwaiter().GetResult();
            return (clock.Elapsed.TotalMilliseconds, diagnostics.Count(d => d.Id == "LOCK001"));
        }

        /// <summary>The same files parsed again: new tree objects, as a new editor session has.</summary>
        private static (ImmutableArray<SyntaxTree> Trees, SyntaxTree Document) Reparse(ImmutableArray<SyntaxTree> trees, SyntaxTree document)
        {
            var parsed = trees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)).ToImmutableArray();
            return (parsed, parsed.Single(t => t.FilePath == document.FilePath));
        }

        private static string Summary(ImmutableArray<Diagnostic> diagnostics) => diagnostics.IsEmpty
            ? "none"
            : string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"));

        /// <summary>The nearest-rank percentile of a sorted list.</summary>
        private static double Percentile(List<double> sorted, double p) =>
            sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

        private static string LoadAverage()
        {
            try
            {
                return File.ReadAllText("/proc/loadavg").Split(' ')[0];
            }
            catch (IOException)
            {
                return "unknown";
            }
        }

        private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        {
            var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                    || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .ToList();
            paths.Add(typeof(LockAttribute).Assembly.Location);
            return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        });

        private static CSharpCompilation Create(ImmutableArray<SyntaxTree> trees) => CSharpCompilation.Create(
            "Synthetic",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: true));

        /// <summary>The analyzer options an IDE and a build pass: the package's build_property values, concurrent analysis, telemetry.</summary>
        private static class Options
        {
            public static CompilationWithAnalyzersOptions Build { get; } = Make(new() { [LockStateAnalyzer.CycleReportingProperty] = "build" });

            /// <summary>What a design-time build passes: live cycles, the defaults (results kept across compilations, no bound).</summary>
            public static CompilationWithAnalyzersOptions Live { get; } = Make(new() { [LockStateAnalyzer.CycleReportingProperty] = "live" });

            /// <summary>Live, with nothing kept across compilations: every compilation analyzed from scratch, as before the incremental analysis.</summary>
            public static CompilationWithAnalyzersOptions LiveFromScratch { get; } = Make(new()
            {
                [LockStateAnalyzer.CycleReportingProperty] = "live",
                [LockStateAnalyzer.LiveIncrementalProperty] = "false",
            });

            private static CompilationWithAnalyzersOptions Make(Dictionary<string, string> values) => new(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new BuildProperties(values)),
                (exception, analyzer, diagnostic) => throw new InvalidOperationException($"{analyzer} threw", exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: true);
        }

        private sealed class BuildProperties : AnalyzerConfigOptionsProvider
        {
            private readonly Values _global;

            public BuildProperties(IReadOnlyDictionary<string, string> values) => _global = new Values(values);

            public override AnalyzerConfigOptions GlobalOptions => _global;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.None;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.None;

            private sealed class Values : AnalyzerConfigOptions
            {
                public static readonly Values None = new(new Dictionary<string, string>());

                private readonly IReadOnlyDictionary<string, string> _values;

                public Values(IReadOnlyDictionary<string, string> values) => _values = values;

                public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                    _values.TryGetValue(key, out value);
            }
        }
    }

    /// <summary>The VS threading analyzers, loaded from the restored package as a compiler loads an analyzer reference.</summary>
    internal static class VsThreadingAnalyzers
    {
        public static (string Package, ImmutableArray<DiagnosticAnalyzer> Analyzers) Load()
        {
            var package = typeof(VsThreadingAnalyzers).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "VsThreadingAnalyzersPackage").Value;
            var folder = Path.Combine(package ?? "", "analyzers", "cs");
            if (!Directory.Exists(folder))
            {
                throw new InvalidOperationException($"Microsoft.VisualStudio.Threading.Analyzers is not restored where the build said ({folder})");
            }

            var loader = new Loader();
            var analyzers = Directory.GetFiles(folder, "*.dll")
                .SelectMany(path => new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp))
                .ToImmutableArray();
            if (analyzers.IsEmpty)
            {
                throw new InvalidOperationException($"no analyzer in {folder}");
            }

            return (package!, analyzers);
        }

        private sealed class Loader : IAnalyzerAssemblyLoader
        {
            public void AddDependencyLocation(string fullPath)
            {
            }

            public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
        }
    }
}
