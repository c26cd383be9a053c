using LockContracts.Analyzers.Flow;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// Evidence paths (Flow/CallPath) are shared, not copied, and the evidence a summary keeps is the
/// one its own order prefers, whatever order the summaries were computed in: the editor and a build
/// compute them in different orders and must print the same paths.
/// </summary>
public class EvidenceTests
{
    private static CallStep Step(string name, bool uncertain = false) => new(name, Location.None, uncertain);

    [Fact]
    public void JoinedPathsShareTheirPartsAndListTheStepsInOrder()
    {
        var tail = CallPath.Of(Step("C")).Add(Step("lock"));
        var left = tail.Insert(0, Step("A"));
        var right = tail.Insert(0, Step("B", uncertain: true));

        Assert.Equal(new[] { "A", "C", "lock" }, left.Select(s => s.Name));
        Assert.Equal(new[] { "B", "C", "lock" }, right.Select(s => s.Name));
        Assert.Same(left[1], right[1]);
        Assert.Equal(3, right.Length);
        Assert.Equal("lock", right[right.Length - 1].Name);
        Assert.Equal("C", right[1].Name);
        Assert.Equal(new[] { "B", "C" }, right.Through.Select(s => s.Name));
        Assert.False(left.IsUncertain);
        Assert.True(right.IsUncertain);
        Assert.Same(tail, CallPath.Empty.AddRange(tail));
    }

    /// <summary>A path built by ten thousand joins is listed without deep recursion.</summary>
    [Fact]
    public void DeepPathsAreListed()
    {
        var path = CallPath.Empty;
        for (var i = 0; i < 10_000; i++)
        {
            path = i % 2 == 0 ? path.Add(Step(i.ToString(System.Globalization.CultureInfo.InvariantCulture))) : CallPath.Join(path, CallPath.Of(Step(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        Assert.Equal(10_000, path.Length);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), path.Select(s => s.Name));
        Assert.Equal("5000", path[5000].Name);
    }

    private const string Store = """
        class Store
        {
            readonly object _l = new();
            public void Root() { Near(); Far(); }
            void Far() { Step1(); }
            void Step1() { Step2(); }
            void Step2() { lock (_l) { } }
            void Near() { lock (_l) { } }
            public void Ping(int n) { if (n > 0) Pong(n - 1); Far(); }
            public void Pong(int n) { Ping(n); Near(); }
        }
        """;

    /// <summary>A lock reached by a short and a long way is summarized with the short one, even when the long one's summary is spliced in first.</summary>
    [Fact]
    public void TheShortestEvidenceIsKept()
    {
        var compilation = LockAnalysis.Compile(Store);
        var program = new LockProgram(compilation);
        var root = Method(compilation, "Root");
        var acquisition = Assert.Single(program.Summaries.MayAcquire(root), a => a.LockClass == "Store._l");
        Assert.Equal(new[] { "Store.Near", "lock" }, acquisition.Path.Select(s => s.Name));
    }

    /// <summary>Every summary is the same whichever summaries were computed before it (mutual recursion included).</summary>
    [Fact]
    public void SummariesDoNotDependOnTheOrderTheyAreComputedIn()
    {
        var compilation = LockAnalysis.Compile(Store);
        var names = new[] { "Root", "Far", "Step1", "Step2", "Near", "Ping", "Pong" };
        var forward = Summarize(compilation, names);
        var backward = Summarize(compilation, names.Reverse().ToArray());
        var pongFirst = Summarize(compilation, new[] { "Pong", "Ping", "Root", "Far", "Step1", "Step2", "Near" });
        Assert.Equal(forward, backward);
        Assert.Equal(forward, pongFirst);
        Assert.Contains(forward, l => l.StartsWith("Ping: Store._l via Store.Pong → Store.Near → lock at ", StringComparison.Ordinal));
        Assert.Contains(forward, l => l.StartsWith("Pong: Store._l via Store.Near → lock at ", StringComparison.Ordinal));
    }

    private static IMethodSymbol Method(Compilation compilation, string name) =>
        compilation.GetTypeByMetadataName("Store")!.GetMembers(name).OfType<IMethodSymbol>().Single();

    private static List<string> Summarize(Compilation compilation, string[] order)
    {
        var program = new LockProgram(compilation);
        var lines = new Dictionary<string, List<string>>();
        foreach (var name in order)
        {
            lines[name] = program.Summaries.MayAcquire(Method(compilation, name))
                .Select(a => $"{name}: {a.LockClass} via {string.Join(" → ", a.Path.Select(s => s.Name))} at {string.Join(",", a.Path.Select(s => s.Location.SourceSpan.Start))}")
                .ToList();
        }

        return lines.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => l.Value).ToList();
    }
}
