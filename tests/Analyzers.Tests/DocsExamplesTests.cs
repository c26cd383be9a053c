using System.Text.RegularExpressions;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests;

/// <summary>
/// The examples in docs/rules are code: every complete C# block there is compiled and analyzed,
/// and the <c>// LOCKnnn</c> comments in it must be exactly the diagnostics on their lines.
/// Pages of rules that do not report yet are skipped.
/// </summary>
public class DocsExamplesTests
{
    public static IEnumerable<object[]> Pages() =>
        Directory.GetFiles(Path.Combine(MetaTests.RepositoryRoot(), "docs", "rules"), "LOCK*.md")
            .Select(p => new object[] { Path.GetFileName(p) })
            .OrderBy(p => (string)p[0]);

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task ExamplesReportWhatTheirCommentsSay(string page)
    {
        var text = File.ReadAllText(Path.Combine(MetaTests.RepositoryRoot(), "docs", "rules", page));
        if (text.Contains("Status: coming", StringComparison.Ordinal))
        {
            return;
        }

        var blocks = Regex.Matches(text, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var checkedBlocks = 0;
        foreach (var block in blocks)
        {
            var compilation = LockAnalysis.Compile(block);
            if (compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                continue;
            }

            checkedBlocks++;
            var reported = (await LockAnalysis.AnalyzeAsync(compilation))
                .Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal))
                .Select(d => (d.Id, Line: d.Location.GetLineSpan().StartLinePosition.Line))
                .Distinct()
                .OrderBy(d => d.Line).ThenBy(d => d.Id)
                .ToList();
            var lines = block.Split('\n');
            var announced = lines
                .SelectMany((line, index) => Regex.Matches(line, @"//.*?\b(LOCK\d{3})\b").Select(m => (Id: m.Groups[1].Value, Line: index)))
                .Distinct()
                .OrderBy(d => d.Line).ThenBy(d => d.Id)
                .ToList();
            Assert.True(announced.SequenceEqual(reported),
                $"{page}: the block's comments announce [{string.Join(", ", announced.Select(a => $"{a.Id}@{a.Line + 1}"))}] " +
                $"but the analyzer reports [{string.Join(", ", reported.Select(r => $"{r.Id}@{r.Line + 1}"))}]:\n{block}");
        }

        Assert.True(checkedBlocks >= 1, $"{page} has no complete C# example that compiles; its examples cannot be checked");
    }
}
