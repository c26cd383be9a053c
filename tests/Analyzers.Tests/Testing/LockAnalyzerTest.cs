using System.Collections.Concurrent;
using System.Collections.Immutable;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Testing;

/// <summary>
/// <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> set up for this project: every shipped analyzer
/// (or <see cref="Analyzers"/>), .NET 8 reference assemblies, the annotations, the latest language
/// version with nullable enabled, <c>[|…|]</c> standing for <see cref="DefaultDiagnosticId"/>.
/// It also keeps what the analyzers reported (<see cref="Reported"/>) and fails on any analyzer exception.
/// Use it through <see cref="LockAnalyzerVerifier"/>, which runs each case in both cycle-reporting modes.
/// </summary>
public sealed class LockAnalyzerTest : CSharpAnalyzerTest<LockStateAnalyzer, DefaultVerifier>
{
    private readonly AnalysisRecorder _recorder = new();

    public LockAnalyzerTest()
    {
        ReferenceAssemblies = LockTestSetup.Net80;
        DisabledDiagnostics.AddRange(LockTestSetup.OffByDefault);
    }

    /// <summary>The analyzers to run; all shipped ones unless a test narrows them.</summary>
    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; set; } = LockTestSetup.AllAnalyzers;

    /// <summary>The id <c>[|…|]</c> stands for.</summary>
    public string? DefaultDiagnosticId { get; set; }

    /// <summary>The diagnostics of the main analysis pass (not the framework's <c>#pragma</c> re-run), in the framework's order.</summary>
    public ImmutableArray<Diagnostic> Reported => _recorder.Reported;

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

    protected override DiagnosticDescriptor? GetDefaultDiagnostic(DiagnosticAnalyzer[] analyzers) =>
        LockTestSetup.DefaultDiagnostic(analyzers, DefaultDiagnosticId);

    protected override ParseOptions CreateParseOptions() => LockTestSetup.ParseOptions((CSharpParseOptions)base.CreateParseOptions());

    protected override CompilationOptions CreateCompilationOptions() => LockTestSetup.CompilationOptions((CSharpCompilationOptions)base.CreateCompilationOptions());

    protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken) =>
        _recorder.Create(compilation, analyzers, options);

    protected override ImmutableArray<(Project project, Diagnostic diagnostic)> FilterDiagnostics(ImmutableArray<(Project project, Diagnostic diagnostic)> diagnostics) =>
        _recorder.Record(base.FilterDiagnostics(diagnostics));

    protected override Task RunImplAsync(CancellationToken cancellationToken) =>
        _recorder.RunAsync(() => base.RunImplAsync(cancellationToken));
}

/// <summary>
/// <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/> with the same set-up as <see cref="LockAnalyzerTest"/>.
/// The framework applies the fix one diagnostic at a time and through Fix All in document, project and
/// solution scope, and compares each result with <c>FixedState</c>. Use it through <see cref="LockCodeFixVerifier{TCodeFix}"/>.
/// </summary>
public sealed class LockCodeFixTest<TCodeFix> : CSharpCodeFixTest<LockStateAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    private readonly AnalysisRecorder _recorder = new();

    public LockCodeFixTest()
    {
        ReferenceAssemblies = LockTestSetup.Net80;
        DisabledDiagnostics.AddRange(LockTestSetup.OffByDefault);
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; set; } = LockTestSetup.AllAnalyzers;

    public string? DefaultDiagnosticId { get; set; }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

    protected override DiagnosticDescriptor? GetDefaultDiagnostic(DiagnosticAnalyzer[] analyzers) =>
        LockTestSetup.DefaultDiagnostic(analyzers, DefaultDiagnosticId);

    protected override ParseOptions CreateParseOptions() => LockTestSetup.ParseOptions((CSharpParseOptions)base.CreateParseOptions());

    protected override CompilationOptions CreateCompilationOptions() => LockTestSetup.CompilationOptions((CSharpCompilationOptions)base.CreateCompilationOptions());

    protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken) =>
        _recorder.Create(compilation, analyzers, options);

    protected override Task RunImplAsync(CancellationToken cancellationToken) =>
        _recorder.RunAsync(() => base.RunImplAsync(cancellationToken));
}

/// <summary>Creates the analysis the framework runs, recording analyzer exceptions and the first pass's diagnostics.</summary>
internal sealed class AnalysisRecorder
{
    private readonly ConcurrentQueue<Exception> _exceptions = new();
    private ImmutableArray<Diagnostic>? _reported;

    public ImmutableArray<Diagnostic> Reported => _reported ?? ImmutableArray<Diagnostic>.Empty;

    /// <summary>
    /// The analysis of <paramref name="compilation"/>. In the live mode, what the framework checks is
    /// what an editor shows from the results it keeps across compilations. With several documents, an
    /// earlier version of the program is analyzed first, where the first method body of the first
    /// document was a line longer: the other files' results are kept, that file's are computed again,
    /// and locations move from the earlier version of the file into this one. With one document, the
    /// same program is analyzed first, so that everything the framework sees comes from kept results.
    /// </summary>
    public CompilationWithAnalyzers Create(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
    {
        var withAnalyzersOptions = new CompilationWithAnalyzersOptions(
            options,
            (exception, analyzer, diagnostic) => _exceptions.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: true);
        var live = !(options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(LockStateAnalyzer.CycleReportingProperty, out var mode)
            && string.Equals(mode.Trim(), "build", StringComparison.OrdinalIgnoreCase));
        if (live && (compilation.SyntaxTrees.Count() > 1 ? EarlierVersion(compilation) : compilation) is { } earlier)
        {
            earlier.WithAnalyzers(analyzers, withAnalyzersOptions).GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        return compilation.WithAnalyzers(analyzers, withAnalyzersOptions);
    }

    /// <summary>The compilation with its first document's first method body one line longer: an edit away from it.</summary>
    private static Compilation? EarlierVersion(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            var body = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax>()
                .FirstOrDefault(b => b.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax);
            if (body is null)
            {
                continue;
            }

            var text = tree.GetText();
            var edited = tree.WithChangedText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(body.OpenBraceToken.Span.End, 0), "\n")));
            return compilation.ReplaceSyntaxTree(tree, edited);
        }

        return null;
    }

    public ImmutableArray<(Project project, Diagnostic diagnostic)> Record(ImmutableArray<(Project project, Diagnostic diagnostic)> diagnostics)
    {
        _reported ??= diagnostics.Select(d => d.diagnostic).ToImmutableArray();
        return diagnostics;
    }

    /// <summary>Runs the framework's checks; an analyzer exception fails the test with its stack, whatever else failed.</summary>
    public async Task RunAsync(Func<Task> run)
    {
        Exception? failure = null;
        try
        {
            await run();
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (!_exceptions.IsEmpty)
        {
            throw new Xunit.Sdk.XunitException("An analyzer threw (a build would report AD0001):\n" + string.Join("\n\n", _exceptions), failure);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
