using System.Text.RegularExpressions;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests;

/// <summary>
/// The examples in docs/rules and in the READMEs (the repository's and the packages') are code:
/// every complete C# block there is compiled, with the annotations and the runtime validator
/// referenced, and analyzed, and the <c>// LOCKnnn</c> comments in it must be exactly the
/// diagnostics on their lines. In the READMEs every C# block must be complete: a reader pastes
/// them as they are. Pages of rules that do not report yet are skipped.
/// </summary>
public class DocsExamplesTests
{
    private static readonly string[] Readmes = { "README.md", "nuget/LockContracts/README.md", "nuget/LockContracts.Lockdep/README.md" };

    private static readonly MetadataReference[] LockdepReference = { MetadataReference.CreateFromFile(typeof(Lockdep.CheckedLock).Assembly.Location) };

    public static IEnumerable<object[]> Pages() =>
        Directory.GetFiles(Path.Combine(MetaTests.RepositoryRoot(), "docs", "rules"), "LOCK*.md")
            .Select(p => new object[] { Path.GetFileName(p) })
            .OrderBy(p => (string)p[0])
            .Concat(Readmes.Select(p => new object[] { p }));

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task ExamplesReportWhatTheirCommentsSay(string page)
    {
        var isReadme = Readmes.Contains(page);
        var text = File.ReadAllText(isReadme
            ? Path.Combine(new[] { MetaTests.RepositoryRoot() }.Concat(page.Split('/')).ToArray())
            : Path.Combine(MetaTests.RepositoryRoot(), "docs", "rules", page));
        if (text.Contains("Status: coming", StringComparison.Ordinal))
        {
            return;
        }

        var blocks = Regex.Matches(text, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var checkedBlocks = 0;
        foreach (var block in blocks)
        {
            var compilation = LockAnalysis.Compile(new[] { block }, LockdepReference);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                Assert.False(isReadme, $"{page}: a C# block does not compile:\n{string.Join("\n", errors)}\n{block}");
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
