using System.Reflection;
using System.Text.RegularExpressions;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests;

/// <summary>Every rule is documented, linked and tracked in the release files.</summary>
public class MetaTests
{
    /// <summary>The ids fixed by the public contract.</summary>
    private static readonly string[] ContractIds = { "LOCK001", "LOCK002", "LOCK003", "LOCK004", "LOCK005", "LOCK090", "LOCK101", "LOCK102", "LOCK103", "LOCK104", "LOCK201", "LOCK202", "LOCK203", "LOCK204", "LOCK205", "LOCK206" };

    private static readonly DiagnosticDescriptor[] AllDescriptors = typeof(Descriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    public static IEnumerable<object[]> Ids() => ContractIds.Select(id => new object[] { id });

    [Fact]
    public void DescriptorsCoverExactlyTheContractIds()
    {
        Assert.Equal(ContractIds, AllDescriptors.Select(d => d.Id).OrderBy(id => id));
    }

    /// <summary>The example test in docs/testing.md is a test of the suite, word for word.</summary>
    [Fact]
    public void TestingGuideExampleIsARealTest()
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "testing.md"));
        var example = Regex.Match(guide, "## A test to copy\n.*?```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(example.Success, "docs/testing.md has no example test");
        var file = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "Analyzers.Tests", "Testing", "ExampleTests.cs"));
        Assert.Equal(file.ReplaceLineEndings("\n"), example.Groups[1].Value.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void IdsAreUnique()
    {
        Assert.Equal(AllDescriptors.Length, AllDescriptors.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void EveryReportedIdHasADescriptorAndNoAnalyzerSharesAnId()
    {
        var supported = LockTestSetup.AllAnalyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
        Assert.Equal(supported.Count, supported.Select(d => d.Id).Distinct().Count());
        Assert.All(supported, d => Assert.Contains(d, AllDescriptors));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HasADocsPageWithEverySection(string id)
    {
        var page = Path.Combine(RepositoryRoot(), "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
        var text = File.ReadAllText(page);
        Assert.StartsWith("# " + id, text);
        foreach (var section in new[] { "## What it reports", "## Why it matters", "## How to fix", "## How to suppress" })
        {
            Assert.Contains(section, text);
        }

        Assert.Contains("```csharp", text);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLinkPointsAtTheDocsPage(string id)
    {
        var descriptor = AllDescriptors.Single(d => d.Id == id);
        Assert.EndsWith("/docs/rules/" + id + ".md", descriptor.HelpLinkUri);
        Assert.True(Uri.IsWellFormedUriString(descriptor.HelpLinkUri, UriKind.Absolute));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HasAReleaseEntryMatchingItsDescriptor(string id)
    {
        var descriptor = AllDescriptors.Single(d => d.Id == id);
        var releases = Path.Combine(RepositoryRoot(), "src", "Analyzers");
        var lines = File.ReadAllLines(Path.Combine(releases, "AnalyzerReleases.Shipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(releases, "AnalyzerReleases.Unshipped.md")));
        var entry = lines.Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).SingleOrDefault(c => c.Length >= 3 && c[0] == id);
        Assert.NotNull(entry);
        Assert.Equal(descriptor.Category, entry[1]);
        Assert.Equal(descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled", entry[2]);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DocsIndexLinksThePage(string id)
    {
        var index = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "rules", "README.md"));
        Assert.Matches(new Regex(Regex.Escape("(" + id + ".md)")), index);
    }

    [Fact]
    public void ReadmeRuleTableLinksEveryRule()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.All(ContractIds, id => Assert.Contains("docs/rules/" + id + ".md", readme));
    }

    [Fact]
    public void DescriptorsFollowTheSeverityTable()
    {
        var expected = new Dictionary<string, DiagnosticSeverity>
        {
            ["LOCK001"] = DiagnosticSeverity.Error, ["LOCK002"] = DiagnosticSeverity.Error, ["LOCK003"] = DiagnosticSeverity.Error,
            ["LOCK004"] = DiagnosticSeverity.Warning, ["LOCK005"] = DiagnosticSeverity.Warning, ["LOCK090"] = DiagnosticSeverity.Hidden, ["LOCK101"] = DiagnosticSeverity.Error, ["LOCK102"] = DiagnosticSeverity.Warning,
            ["LOCK103"] = DiagnosticSeverity.Warning, ["LOCK104"] = DiagnosticSeverity.Error, ["LOCK201"] = DiagnosticSeverity.Error,
            ["LOCK202"] = DiagnosticSeverity.Info, ["LOCK203"] = DiagnosticSeverity.Info, ["LOCK204"] = DiagnosticSeverity.Info, ["LOCK205"] = DiagnosticSeverity.Info, ["LOCK206"] = DiagnosticSeverity.Info,
        };
        Assert.All(AllDescriptors, d => Assert.Equal(expected[d.Id], d.DefaultSeverity));
        Assert.All(AllDescriptors, d => Assert.Equal(d.Id != "LOCK090", d.IsEnabledByDefault));
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Analyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
