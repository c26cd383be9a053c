using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Analyzer.Benchmarks
{
    /// <summary>What one analyzed build reported and how long each analyzer ran (Roslyn's own telemetry).</summary>
    public sealed record AnalyzerRun(
        ImmutableDictionary<string, int> DiagnosticsById,
        ImmutableDictionary<string, TimeSpan> ExecutionTimeByAnalyzer,
        int AnalyzerExceptions);

    /// <summary>
    /// Compiles a synthetic codebase the way a build does: a fresh compilation over already parsed
    /// trees, emitted to memory (declaration and method-body binding, lowering, IL); optionally the
    /// analyzers over the same compilation, as the compiler runs them.
    /// </summary>
    public sealed class SyntheticCompilation
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        {
            var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                    || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .ToList();
            paths.Add(typeof(LockAttribute).Assembly.Location);
            return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        });

        private static readonly CSharpCompilationOptions Options = new(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Enable,
            concurrentBuild: true);

        public SyntheticCompilation(SyntheticCodebase code)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp13);
            Trees = code.Files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, path: f.Path)).ToImmutableArray();
        }

        public static ImmutableArray<DiagnosticAnalyzer> LockAnalyzers { get; } =
            ImmutableArray.Create<DiagnosticAnalyzer>(new LockStateAnalyzer(), new Lock201ContractValidationAnalyzer());

        public ImmutableArray<SyntaxTree> Trees { get; }

        public CSharpCompilation Create() => CSharpCompilation.Create("Synthetic", Trees, References.Value, Options);

        /// <summary>Emits to memory; the synthetic code must compile without errors or the figures mean nothing.</summary>
        public static long Emit(Compilation compilation)
        {
            using var peStream = new MemoryStream();
            var result = compilation.Emit(peStream);
            if (!result.Success)
            {
                var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5);
                throw new InvalidOperationException("The synthetic codebase does not compile:\n" + string.Join("\n", errors));
            }

            return peStream.Length;
        }

        /// <param name="liveCycles">
        /// False: as in a build, where the package sets LockContractsCycleReporting=build and LOCK001
        /// is reported at compilation end from edges already found. True: as in an editor's
        /// design-time build, where each method checks its edges against a whole-program graph.
        /// </param>
        public static AnalyzerRun Analyze(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, bool liveCycles = false)
        {
            var exceptions = 0;
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new BuildProperties(liveCycles ? "live" : "build")),
                (exception, analyzer, diagnostic) => Interlocked.Increment(ref exceptions),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: true);
            var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            var times = ImmutableDictionary.CreateBuilder<string, TimeSpan>();
            foreach (var analyzer in analyzers)
            {
                var telemetry = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
                times[analyzer.GetType().Name] = telemetry.ExecutionTime;
            }

            var byId = diagnostics.GroupBy(d => d.Id).ToImmutableDictionary(g => g.Key, g => g.Count());
            return new AnalyzerRun(byId, times.ToImmutable(), exceptions);
        }
    
        /// <summary>
        /// The build_property values the package makes visible to the compiler, as MSBuild passes them.
        /// The live graph is left unbounded, so "live" always measures the whole-program check.
        /// </summary>
        private sealed class BuildProperties : AnalyzerConfigOptionsProvider
        {
            private readonly Values _global;

            public BuildProperties(string cycleReporting) =>
                _global = new Values(new Dictionary<string, string>
                {
                    [LockContracts.Analyzers.Rules.LockStateAnalyzer.CycleReportingProperty] = cycleReporting,
                    [LockContracts.Analyzers.Rules.LockStateAnalyzer.LiveLimitProperty] = "0",
                });

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
}
