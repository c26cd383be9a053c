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
    /// <param name="fixAllIterations">How many Fix All passes reach it (by default one).</param>
    public static async Task VerifyFixAsync(
        string markup, string fixedMarkup, string? defaultId = null, int? incrementalIterations = null, int? fixAllIterations = null)
    {
        await LockAnalyzerVerifier.VerifyAsync(markup, defaultId);
        var test = Create(markup, fixedMarkup, defaultId);
        if (incrementalIterations is int incremental)
        {
            test.NumberOfIncrementalIterations = incremental;
        }

        if (fixAllIterations is int fixAll)
        {
            test.NumberOfFixAllIterations = fixAll;
        }

        await test.RunAsync();
    }

    /// <summary>The provider offers nothing for the marked diagnostics: the framework finds the source unchanged.</summary>
    public static async Task VerifyNoFixAsync(string markup, string? defaultId = null)
    {
        await LockAnalyzerVerifier.VerifyAsync(markup, defaultId);
        await Create(markup, markup, defaultId).RunAsync();
    }

    private static LockCodeFixTest<TCodeFix> Create(string markup, string fixedMarkup, string? defaultId)
    {
        var test = new LockCodeFixTest<TCodeFix> { DefaultDiagnosticId = defaultId, TestCode = markup, FixedCode = fixedMarkup };
        LockTestSetup.Apply(test.TestState, null);
        // The formatter ends the lines it lays out as .editorconfig says, as in a build or an editor that reads it.
        var endOfLine = markup.Contains("\r\n", StringComparison.Ordinal) ? "crlf" : "lf";
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*.cs]\nend_of_line = {endOfLine}\n"));
        test.FixedState.Sources.Add((LockTestSetup.GlobalUsingsPath, LockTestSetup.GlobalUsings));
        return test;
    }
}
