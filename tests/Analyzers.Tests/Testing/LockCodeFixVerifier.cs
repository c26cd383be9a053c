using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Testing;

/// <summary>
/// Code-fix cases on <see cref="LockCodeFixTest{TCodeFix}"/>: the input is first verified as an analyzer case (both
/// cycle-reporting modes, see <see cref="LockAnalyzerVerifier"/>); then the framework applies the fix one diagnostic
/// at a time and through Fix All in document, project and solution scope, and each result must equal the fixed
/// source, whose markup marks what is still reported after the fix.
/// </summary>
public static class LockCodeFixVerifier<TCodeFix>
    where TCodeFix : CodeFixProvider, new()
{
    /// <param name="markup">The source with the diagnostics the fix applies to marked.</param>
    /// <param name="fixedMarkup">The source after the fix, with what is still reported marked.</param>
    /// <param name="incrementalIterations">How many single fixes reach <paramref name="fixedMarkup"/> (by default one per fixable diagnostic).</param>
    /// <param name="fixAllIterations">How many Fix All passes (project and solution scope) reach it (by default one).</param>
    /// <param name="fixAllInDocumentIterations">How many Fix All passes in document scope reach it (by default as for the other scopes).</param>
    public static Task VerifyFixAsync(
        string markup, string fixedMarkup, string? defaultId = null,
        int? incrementalIterations = null, int? fixAllIterations = null, int? fixAllInDocumentIterations = null) =>
        VerifyFixAsync(new[] { markup }, new[] { fixedMarkup }, defaultId, incrementalIterations, fixAllIterations, fixAllInDocumentIterations);

    /// <summary>Several documents of one project (Test0.cs, Test1.cs, …), before and after.</summary>
    public static async Task VerifyFixAsync(
        IReadOnlyList<string> markups, IReadOnlyList<string> fixedMarkups, string? defaultId = null,
        int? incrementalIterations = null, int? fixAllIterations = null, int? fixAllInDocumentIterations = null)
    {
        await LockAnalyzerVerifier.VerifyAsync(markups, defaultId);
        var test = Create(markups, fixedMarkups, defaultId);
        if (incrementalIterations is int incremental)
        {
            test.NumberOfIncrementalIterations = incremental;
        }

        if (fixAllIterations is int fixAll)
        {
            test.NumberOfFixAllIterations = fixAll;
        }

        if (fixAllInDocumentIterations is int inDocument)
        {
            test.NumberOfFixAllInDocumentIterations = inDocument;
        }

        await test.RunAsync();
    }

    /// <summary>The provider offers nothing for the marked diagnostics: the framework finds the source unchanged.</summary>
    public static async Task VerifyNoFixAsync(string markup, string? defaultId = null)
    {
        await LockAnalyzerVerifier.VerifyAsync(markup, defaultId);
        await Create(new[] { markup }, new[] { markup }, defaultId).RunAsync();
    }

    private static LockCodeFixTest<TCodeFix> Create(IReadOnlyList<string> markups, IReadOnlyList<string> fixedMarkups, string? defaultId)
    {
        var test = new LockCodeFixTest<TCodeFix> { DefaultDiagnosticId = defaultId };
        foreach (var markup in markups)
        {
            test.TestState.Sources.Add(markup);
        }

        foreach (var fixedMarkup in fixedMarkups)
        {
            test.FixedState.Sources.Add(fixedMarkup);
        }

        LockTestSetup.Apply(test.TestState, null);
        // The formatter ends the lines it lays out as .editorconfig says, as in a build or an editor that reads it.
        var endOfLine = markups[0].Contains("\r\n", StringComparison.Ordinal) ? "crlf" : "lf";
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*.cs]\nend_of_line = {endOfLine}\n"));
        test.FixedState.Sources.Add((LockTestSetup.GlobalUsingsPath, LockTestSetup.GlobalUsings));
        return test;
    }
}
