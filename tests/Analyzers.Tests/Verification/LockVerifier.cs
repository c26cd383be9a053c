using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace LockContracts.Analyzers.Tests.Verification;

/// <summary>
/// Compiles a marked-up source with the real runtime's assemblies and the annotations, runs the
/// analyzers through <see cref="CompilationWithAnalyzers"/>, and compares what they report with
/// the markers. Fails on compiler errors (unless allowed), on analyzer exceptions, and prints
/// the source with the diagnostics under their lines when the two disagree.
/// </summary>
public static class LockVerifier
{
    public const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using LockContracts;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(LockAttribute).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(LockStateAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The option a build sets (see the package's props): calls under locks and cycles are checked at compilation end.</summary>
    public static IReadOnlyDictionary<string, string> BuildMode { get; } =
        new Dictionary<string, string> { [LockStateAnalyzer.CycleReportingProperty] = "build" };

    /// <summary>
    /// Verifies that exactly the marked diagnostics are reported; returns them for further assertions.
    /// Unless <paramref name="globalOptions"/> picks a mode, the source is analyzed twice, as the
    /// editor does (each method checked at once) and as a build does (calls under locks and cycles
    /// checked at compilation end), and both must report the same diagnostics with the same messages.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync(
        string markup, string? defaultId = null, bool allowCompilerErrors = false, ImmutableArray<DiagnosticAnalyzer>? analyzers = null,
        IEnumerable<MetadataReference>? references = null, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        var (source, expected) = Markup.Parse(markup, defaultId);
        var compilation = Compile(new[] { source }, references);
        var compilerErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!allowCompilerErrors && compilerErrors.Count > 0)
        {
            throw new XunitException("The test source does not compile:\n" + Listing(source, compilerErrors));
        }

        var actual = await AnalyzeAsync(compilation, analyzers, globalOptions);
        var reported = actual.Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal)).ToImmutableArray();
        if (globalOptions is null || !globalOptions.ContainsKey(LockStateAnalyzer.CycleReportingProperty))
        {
            var options = new Dictionary<string, string>(BuildMode);
            foreach (var option in globalOptions ?? new Dictionary<string, string>())
            {
                options[option.Key] = option.Value;
            }

            var inBuild = (await AnalyzeAsync(compilation, analyzers, options)).Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal)).ToList();
            if (!Describe(reported).SequenceEqual(Describe(inBuild)))
            {
                throw new XunitException("The editor's analysis and the build's differ.\nEditor:\n" + Listing(source, reported) + "Build:\n" + Listing(source, inBuild));
            }
        }
        var expectedSet = expected.Select(e => (e.Id, e.Span)).OrderBy(e => e.Span.Start).ThenBy(e => e.Id).ToList();
        var actualSet = reported.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(e => e.SourceSpan.Start).ThenBy(e => e.Id).ToList();
        if (!expectedSet.SequenceEqual(actualSet))
        {
            var message = new StringBuilder();
            message.AppendLine("The reported diagnostics differ from the markers.");
            message.AppendLine("Expected:");
            foreach (var e in expectedSet)
            {
                message.AppendLine($"  {e.Id} at {Describe(source, e.Span)}");
            }

            message.AppendLine("Reported:");
            message.Append(Listing(source, reported));
            throw new XunitException(message.ToString());
        }

        return reported;
    }

    /// <summary>Compiles a source (plus the test global usings) the way every test does.</summary>
    public static CSharpCompilation Compile(params string[] sources) => Compile(sources, null);

    /// <summary>Compiles sources, one file each, with extra references (a library built by <see cref="CompileLibrary"/>).</summary>
    public static CSharpCompilation Compile(IEnumerable<string> sources, IEnumerable<MetadataReference>? references, string assemblyName = "TestProject")
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: $"Test{i}.cs"))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, new CSharpParseOptions(LanguageVersion.Latest), path: "GlobalUsings.cs"));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.Value.Concat(references ?? Enumerable.Empty<MetadataReference>()),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>Builds a library to reference from a test, so contracts are read from metadata as in another assembly.</summary>
    public static MetadataReference CompileLibrary(string source, string assemblyName)
    {
        var compilation = Compile(new[] { source }, null, assemblyName);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new XunitException("The library does not compile:\n" + Listing(source, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    /// <summary>
    /// Analyzes one span of one document the way an editor does as the user types
    /// (<see cref="CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(SemanticModel, TextSpan?, CancellationToken)"/>):
    /// only what the per-method analysis of that span reports, nothing from compilation end.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeSpanLikeAnEditorAsync(
        Compilation compilation, SyntaxTree tree, TextSpan span, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new GlobalOptionsProvider(globalOptions ?? new Dictionary<string, string>())),
            (exception, analyzer, diagnostic) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(AllAnalyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), span, CancellationToken.None);
        ThrowOnAnalyzerFailure(exceptions, diagnostics);
        return diagnostics;
    }

    /// <summary>Runs every analyzer; an analyzer exception fails the test (in a user's build it would be AD0001).</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(
        Compilation compilation, ImmutableArray<DiagnosticAnalyzer>? analyzers = null, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new GlobalOptionsProvider(globalOptions ?? new Dictionary<string, string>())),
            (exception, analyzer, diagnostic) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers ?? AllAnalyzers, options);
        var diagnostics = await withAnalyzers.GetAllDiagnosticsAsync();
        diagnostics = diagnostics.Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal) || d.Id == "AD0001").ToImmutableArray();
        ThrowOnAnalyzerFailure(exceptions, diagnostics);
        return diagnostics;
    }

    public static void ThrowOnAnalyzerFailure(IReadOnlyCollection<Exception> exceptions, ImmutableArray<Diagnostic> diagnostics)
    {
        if (exceptions.Count > 0)
        {
            throw new XunitException("An analyzer threw:\n" + string.Join("\n\n", exceptions));
        }

        var ad0001 = diagnostics.Where(d => d.Id == "AD0001").ToList();
        if (ad0001.Count > 0)
        {
            throw new XunitException("An analyzer failed (AD0001):\n" + string.Join("\n", ad0001.Select(d => d.GetMessage())));
        }
    }

    /// <summary>The source with line numbers and each diagnostic underlined beneath its line.</summary>
    public static string Listing(string source, IEnumerable<Diagnostic> diagnostics)
    {
        var text = SourceText.From(source);
        var byLine = diagnostics.Where(d => d.Location.IsInSource)
            .GroupBy(d => text.Lines.GetLineFromPosition(d.Location.SourceSpan.Start).LineNumber)
            .ToDictionary(g => g.Key, g => g.ToList());
        var output = new StringBuilder();
        foreach (var line in text.Lines)
        {
            output.AppendLine($"{line.LineNumber + 1,4} | {line}");
            if (!byLine.TryGetValue(line.LineNumber, out var here))
            {
                continue;
            }

            foreach (var diagnostic in here)
            {
                var span = diagnostic.Location.SourceSpan;
                var column = span.Start - line.Start;
                var width = Math.Max(1, Math.Min(span.End, line.End) - span.Start);
                output.AppendLine($"     | {new string(' ', column)}{new string('^', width)} {diagnostic.Id}: {diagnostic.GetMessage()}");
            }
        }

        var elsewhere = diagnostics.Where(d => !d.Location.IsInSource).ToList();
        foreach (var diagnostic in elsewhere)
        {
            output.AppendLine($"     (no location) {diagnostic.Id}: {diagnostic.GetMessage()}");
        }

        return output.ToString();
    }

    /// <summary>Everything a user sees of each diagnostic, in a stable order.</summary>
    public static IEnumerable<string> Describe(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Id} {d.Location.SourceSpan} {d.GetMessage()} [{string.Join(", ", d.AdditionalLocations.Select(l => l.SourceSpan))}]")
            .OrderBy(x => x, StringComparer.Ordinal);

    private static string Describe(string source, TextSpan span)
    {
        var text = SourceText.From(source);
        var position = text.Lines.GetLinePosition(span.Start);
        return $"line {position.Line + 1}, column {position.Character + 1}: '{source.Substring(span.Start, span.Length)}'";
    }

    /// <summary>Options as MSBuild passes them to analyzers (build_property.* from CompilerVisibleProperty).</summary>
    private sealed class GlobalOptionsProvider(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(values);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                var found = values.TryGetValue(key, out var v);
                value = v;
                return found;
            }
        }
    }
}
