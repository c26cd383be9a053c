using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace LockContracts.Analyzers.Tests.Verification;

/// <summary>
/// Applies a code fix the way an editor does (a workspace, the provider's first action, or its
/// Fix All over the document), compares the result with the expected source, and checks that the
/// fixed source no longer reports the fixed id.
/// </summary>
public static class CodeFixVerifier
{
    public static async Task VerifyFixAsync(string markup, string expected, CodeFixProvider provider, bool fixAll = false)
    {
        var diagnostics = await LockVerifier.VerifyAsync(markup);
        var fixable = diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start).ToList();
        if (fixable.Count == 0)
        {
            throw new XunitException("The source reports nothing this provider fixes.");
        }

        var (workspace, document) = CreateDocument(Markup.Parse(markup, null).Source);
        using (workspace)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var tree = await document.GetSyntaxTreeAsync();
            var inDocument = (await LockVerifier.AnalyzeAsync(compilation))
                .Where(d => provider.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree == tree)
                .OrderBy(d => d.Location.SourceSpan.Start)
                .ToImmutableArray();
            var fixedDocument = fixAll
                ? await FixAllAsync(document, provider, inDocument)
                : await FixOneAsync(document, provider, inDocument[0]);
            var actual = (await fixedDocument.GetTextAsync()).ToString();
            if (Normalize(actual) != Normalize(expected))
            {
                throw new XunitException($"The fixed source differs.\nExpected:\n{expected}\n\nActual:\n{actual}");
            }

            var remaining = (await LockVerifier.AnalyzeAsync(LockVerifier.Compile(actual)))
                .Where(d => d.Id == inDocument[0].Id && (fixAll || d.Location.SourceSpan.Start == inDocument[0].Location.SourceSpan.Start))
                .ToList();
            if (remaining.Count > 0)
            {
                throw new XunitException($"The fixed source still reports {inDocument[0].Id}:\n" + LockVerifier.Listing(actual, remaining));
            }
        }
    }

    /// <summary>Checks that the provider offers no fix for the source's first fixable diagnostic.</summary>
    public static async Task VerifyNoFixAsync(string markup, CodeFixProvider provider)
    {
        await LockVerifier.VerifyAsync(markup);
        var (workspace, document) = CreateDocument(Markup.Parse(markup, null).Source);
        using (workspace)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostic = (await LockVerifier.AnalyzeAsync(compilation)).First(d => provider.FixableDiagnosticIds.Contains(d.Id));
            var actions = await ActionsAsync(document, provider, diagnostic);
            Assert.Empty(actions);
        }
    }

    private static async Task<Document> FixOneAsync(Document document, CodeFixProvider provider, Diagnostic diagnostic)
    {
        var actions = await ActionsAsync(document, provider, diagnostic);
        if (actions.Count == 0)
        {
            throw new XunitException($"No fix was offered for {diagnostic}.");
        }

        return await ApplyAsync(document, actions[0]);
    }

    private static async Task<Document> FixAllAsync(Document document, CodeFixProvider provider, ImmutableArray<Diagnostic> diagnostics)
    {
        var first = (await ActionsAsync(document, provider, diagnostics[0]))[0];
        var fixAll = provider.GetFixAllProvider() ?? throw new XunitException("The provider has no Fix All.");
        var context = new FixAllContext(
            document, provider, FixAllScope.Document, first.EquivalenceKey, provider.FixableDiagnosticIds,
            new FixedDiagnostics(diagnostics), CancellationToken.None);
        var action = await fixAll.GetFixAsync(context) ?? throw new XunitException("Fix All produced no action.");
        return await ApplyAsync(document, action);
    }

    private static async Task<List<CodeAction>> ActionsAsync(Document document, CodeFixProvider provider, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return actions;
    }

    private static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetDocument(document.Id)!;
    }

    private static (AdhocWorkspace Workspace, Document Document) CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var compilation = LockVerifier.Compile(source);
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "TestProject", "TestProject", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: compilation.SyntaxTrees.First().Options,
            metadataReferences: compilation.References));
        workspace.AddDocument(project.Id, "GlobalUsings.cs", SourceText.From(LockVerifier.GlobalUsings));
        var document = workspace.AddDocument(project.Id, "Test0.cs", SourceText.From(source));
        return (workspace, workspace.CurrentSolution.GetDocument(document.Id)!);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd();

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
