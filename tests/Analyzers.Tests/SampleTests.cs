using System.Collections.Immutable;
using System.Text.RegularExpressions;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests;

/// <summary>The sample a newcomer builds shows what it promises, and its fixed twin is clean.</summary>
public class SampleTests
{
    [Fact]
    public async Task BuggySampleReportsExactlyWhatItsCommentsAnnounce()
    {
        var (sources, diagnostics) = await AnalyzeSampleAsync("Warehouse");
        Assert.Equal(new[] { "LOCK001", "LOCK002", "LOCK003", "LOCK004", "LOCK101", "LOCK102" }, diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id));

        // The flagship rule, as real code has it: an AB-BA between two classes, one side through a call. Both paths are shown.
        var cycle = Assert.Single(diagnostics, d => d.Id == "LOCK001").GetMessage();
        Assert.Contains("Inventory.ReorderLowStock takes Bin.Gate then, through Replenisher.Request, Replenisher._queue", cycle);
        Assert.Contains("Replenisher.Deliver takes Replenisher._queue then Bin.Gate", cycle);
        foreach (var diagnostic in diagnostics)
        {
            // Each report sits under a comment that names it, within the three lines above.
            var lines = diagnostic.Location.SourceTree!.GetText().Lines;
            var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
            var above = string.Join("\n", Enumerable.Range(Math.Max(0, line - 3), Math.Min(3, line)).Select(i => lines[i].ToString()));
            Assert.True(above.Contains($"({diagnostic.Id})"), $"{diagnostic.Id} on line {line + 1} has no comment announcing it:\n{above}\n{lines[line]}");
        }

        var announced = sources.SelectMany(s => Regex.Matches(s, @"\((LOCK\d{3})\)").Select(m => m.Groups[1].Value)).ToList();
        Assert.Equal(announced.Count, diagnostics.Length);
    }

    [Fact]
    public async Task FixedSampleIsClean()
    {
        var (_, diagnostics) = await AnalyzeSampleAsync("Warehouse.Fixed");
        Assert.Empty(diagnostics);
    }

    private static async Task<(string[] Sources, System.Collections.Immutable.ImmutableArray<Diagnostic> Diagnostics)> AnalyzeSampleAsync(string project)
    {
        var folder = Path.Combine(MetaTests.RepositoryRoot(), "samples", project);
        var sources = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !p.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .Select(File.ReadAllText)
            .ToArray();
        Assert.NotEmpty(sources);
        var compilation = LockAnalysis.Compile(sources.Append("global using System.IO; global using System.Linq;").ToArray());
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await LockAnalysis.AnalyzeAsync(compilation);
        return (sources, diagnostics.Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal)).ToImmutableArray());
    }
}
