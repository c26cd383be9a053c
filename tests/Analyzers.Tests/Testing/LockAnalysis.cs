using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace LockContracts.Analyzers.Tests.Testing;

/// <summary>
/// For tests without markup (documentation examples, samples, robustness, editor-span analysis): compiles
/// sources with the running runtime's assemblies and the annotations and runs the analyzers through
/// <see cref="CompilationWithAnalyzers"/>. Cases with expected diagnostics go through <see cref="LockAnalyzerVerifier"/>.
/// </summary>
public static class LockAnalysis
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> RuntimeReferences = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        paths.Add(LockTestSetup.Annotations);
        return paths.ToImmutableArray();
    });

    /// <summary>The marked-up source without its markers (the framework's markup syntax).</summary>
    public static string WithoutMarkup(string markup)
    {
        TestFileMarkupParser.GetSpans(markup, out string source, out ImmutableDictionary<string, ImmutableArray<TextSpan>> _);
        return source;
    }

    /// <summary>Compiles sources (plus the test global usings), one file each, Test0.cs, Test1.cs, …</summary>
    public static CSharpCompilation Compile(params string[] sources) => Compile(sources, RuntimeReferences.Value);

    /// <summary>Compiles sources as <see cref="Compile(string[])"/> does, with more references (a library the sources use).</summary>
    public static CSharpCompilation Compile(IEnumerable<string> sources, IEnumerable<MetadataReference> moreReferences) =>
        Compile(sources, RuntimeReferences.Value.AddRange(moreReferences), "TestProject");

    /// <summary>
    /// Builds a library against the same .NET 8 reference assemblies as <see cref="LockAnalyzerVerifier"/>, to
    /// reference from a case so that contracts are read from metadata as in another assembly.
    /// </summary>
    public static async Task<MetadataReference> CompileLibraryAsync(string source, string assemblyName)
    {
        var references = await LockTestSetup.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var compilation = Compile(new[] { source }, references.Add(LockTestSetup.Annotations), assemblyName);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new XunitException("The library does not compile:\n" + LockAnalyzerVerifier.Listing(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static CSharpCompilation Compile(IEnumerable<string> sources, IEnumerable<MetadataReference> references, string assemblyName = "TestProject")
    {
        var parseOptions = LockTestSetup.ParseOptions(CSharpParseOptions.Default);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"Test{i}.cs"))
            .Append(CSharpSyntaxTree.ParseText(LockTestSetup.GlobalUsings, parseOptions, path: "GlobalUsings.cs"));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            references,
            LockTestSetup.CompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));
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
        var withAnalyzers = compilation.WithAnalyzers(LockTestSetup.AllAnalyzers, Options(globalOptions, exceptions));
        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), span, CancellationToken.None);
        ThrowOnAnalyzerFailure(exceptions, diagnostics);
        return diagnostics;
    }

    /// <summary>
    /// Analyzes a whole document the way an editor asks after each keystroke
    /// (<see cref="CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(SemanticModel, TextSpan?, CancellationToken)"/>
    /// with no span), on a new <see cref="CompilationWithAnalyzers"/> for this compilation, as an editor makes one per
    /// compilation. <paramref name="probes"/> run next to the package's analyzers (a test can watch what they are given).
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeDocumentLikeAnEditorAsync(
        Compilation compilation, SyntaxTree tree, IReadOnlyDictionary<string, string>? globalOptions = null, ImmutableArray<DiagnosticAnalyzer> probes = default)
    {
        var exceptions = new List<Exception>();
        var analyzers = probes.IsDefaultOrEmpty ? LockTestSetup.AllAnalyzers : LockTestSetup.AllAnalyzers.AddRange(probes);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, Options(globalOptions, exceptions));
        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), null, CancellationToken.None);
        ThrowOnAnalyzerFailure(exceptions, diagnostics);
        return diagnostics;
    }

    /// <summary>Runs every analyzer; an analyzer exception fails the test (in a user's build it would be AD0001).</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        var exceptions = new List<Exception>();
        var withAnalyzers = compilation.WithAnalyzers(LockTestSetup.AllAnalyzers, Options(globalOptions, exceptions));
        var diagnostics = await withAnalyzers.GetAllDiagnosticsAsync();
        diagnostics = diagnostics.Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal) || d.Id == "AD0001").ToImmutableArray();
        ThrowOnAnalyzerFailure(exceptions, diagnostics);
        return diagnostics;
    }

    private static CompilationWithAnalyzersOptions Options(IReadOnlyDictionary<string, string>? globalOptions, List<Exception> exceptions) =>
        new(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new GlobalOptionsProvider(globalOptions ?? new Dictionary<string, string>())),
            (exception, analyzer, diagnostic) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);

    private static void ThrowOnAnalyzerFailure(IReadOnlyCollection<Exception> exceptions, ImmutableArray<Diagnostic> diagnostics)
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
