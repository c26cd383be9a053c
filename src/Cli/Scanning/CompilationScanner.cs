using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using LockContracts.Analyzers;
using LockContracts.Analyzers.Flow;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Cli.Scanning;

/// <summary>
/// Runs the analyzer assembly the package ships over one compilation, in build mode, with the
/// lock-order edges (LOCK090) turned on for the graph.
/// </summary>
internal static class CompilationScanner
{
    /// <summary>Every analyzer in the shipped assembly, found the way a compiler finds them.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(LockStateAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <param name="countSource">False for a compilation whose files another unit already counted.</param>
    /// <param name="keep">Which findings to keep (all when null).</param>
    public static async Task<UnitResult> ScanAsync(
        string name, Compilation compilation, AnalyzerOptions? projectOptions, string root, bool countSource,
        Func<Diagnostic, bool>? keep, CancellationToken cancellationToken)
    {
        var specific = compilation.Options.SpecificDiagnosticOptions.SetItem(Descriptors.LockOrderEdge.Id, ReportDiagnostic.Hidden);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(specific));

        // The compiler's own work, timed alone: binding every body and reporting its diagnostics.
        var compileWatch = Stopwatch.StartNew();
        var compileErrors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        compileWatch.Stop();

        var options = new AnalyzerOptions(
            projectOptions?.AdditionalFiles ?? ImmutableArray<AdditionalText>.Empty,
            new BuildModeOptions(projectOptions?.AnalyzerConfigOptionsProvider));
        var withAnalyzers = compilation.WithAnalyzers(Analyzers, new CompilationWithAnalyzersOptions(
            options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var analyzerTime = TimeSpan.Zero;
        foreach (var analyzer in Analyzers)
        {
            analyzerTime += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, cancellationToken).ConfigureAwait(false)).ExecutionTime;
        }

        var result = new UnitResult
        {
            Name = name,
            Files = countSource ? Counted(compilation).Count() : 0,
            Lines = countSource ? Counted(compilation).Sum(t => (long)t.GetText(cancellationToken).Lines.Count) : 0,
            CompileErrors = countSource ? compileErrors.Count : 0,
            FirstCompileErrors = countSource
                ? compileErrors.Take(3).Select(d => $"{SourcePlace.From(d.Location, root)?.ToString() ?? name}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").ToList()
                : new List<string>(),
            CompileTime = compileWatch.Elapsed,
            AnalyzerTime = analyzerTime,
            Compilation = countSource ? compilation : null,
            Options = options,
            Dispatch = countSource ? DispatchCensus.Take(compilation, Counted(compilation), DispatchBound(options), cancellationToken) : null,
        };

        // A cycle is reported in every file that holds one of its edges, with one message: it is one finding, at its first report.
        var firstReports = diagnostics.Where(d => Scanner.IsCycleFinding(d.Id))
            .GroupBy(d => (d.Id, Message: d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(g => g.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).First())
            .ToHashSet();
        var models = new Dictionary<SyntaxTree, SemanticModel>();
        foreach (var diagnostic in diagnostics)
        {
            if (keep is not null && !keep(diagnostic) || Scanner.IsCycleFinding(diagnostic.Id) && !firstReports.Contains(diagnostic))
            {
                continue;
            }

            if (diagnostic.Id == Descriptors.LockOrderEdge.Id)
            {
                result.Edges.Add(Edge(diagnostic, root));
                continue;
            }

            result.Findings.Add(new Finding(
                diagnostic.Id,
                diagnostic.Severity,
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                SourcePlace.From(diagnostic.Location, root),
                diagnostic.AdditionalLocations.Select(l => SourcePlace.From(l, root)).OfType<SourcePlace>().ToImmutableArray(),
                name,
                MemberAt(compilation, models, diagnostic.Location, cancellationToken),
                diagnostic.Properties));
        }

        return result;
    }

    /// <summary>The project's dispatch bound (<c>LockContractsDispatchTargets</c>), as the analyzer reads it.</summary>
    private static int DispatchBound(AnalyzerOptions options) =>
        options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(LockStateAnalyzer.DispatchTargetsProperty, out var text) && LockStateAnalyzer.TryParseLimit(text, out var bound)
            ? bound
            : CallGraph.DefaultDispatchTargets;

    /// <summary>The source files a user wrote: not the scanner's implicit usings, not files generated into obj/.</summary>
    private static IEnumerable<SyntaxTree> Counted(Compilation compilation) => compilation.SyntaxTrees.Where(t =>
        Path.GetFileName(t.FilePath) != FolderInput.ImplicitUsingsFile
        && !t.FilePath.Replace('\\', '/').Contains("/obj/", StringComparison.Ordinal));

    private static GraphEdge Edge(Diagnostic diagnostic, string root)
    {
        var properties = diagnostic.Properties;
        var declared = properties.TryGetValue(LockStateAnalyzer.EdgeKind, out var kind) && kind == "declared";
        properties.TryGetValue(LockStateAnalyzer.EdgeMethod, out var method);
        var place = SourcePlace.From(diagnostic.Location, root);
        var path = new[] { place }.Concat(diagnostic.AdditionalLocations.Select(l => SourcePlace.From(l, root))).OfType<SourcePlace>().ToImmutableArray();
        return new GraphEdge(
            properties[LockStateAnalyzer.EdgeFrom]!, properties[LockStateAnalyzer.EdgeTo]!, declared,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), method, place, path);
    }

    /// <summary>The member a diagnostic sits in ("Ns.Type.Method(int)"), or the type, or the file.</summary>
    private static string MemberAt(Compilation compilation, Dictionary<SyntaxTree, SemanticModel> models, Location location, CancellationToken cancellationToken)
    {
        if (location.SourceTree is not { } tree || !compilation.ContainsSyntaxTree(tree))
        {
            return string.Empty;
        }

        if (!models.TryGetValue(tree, out var model))
        {
            model = compilation.GetSemanticModel(tree);
            models.Add(tree, model);
        }

        var symbol = model.GetEnclosingSymbol(location.SourceSpan.Start, cancellationToken);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LambdaMethod or MethodKind.LocalFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol?.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) ?? Path.GetFileName(tree.FilePath);
    }
}
