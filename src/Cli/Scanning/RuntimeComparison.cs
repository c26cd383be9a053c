using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LockContracts.Cli.Scanning;

/// <summary>An order the runtime validator saw, as exported by <c>Lockdep.ExportObservedOrder</c>.</summary>
internal sealed record ObservedEdge(string From, string To, string Stack);

/// <summary>
/// The runtime's observed order against the static graph: observed edges the analysis lacks are
/// paths it cannot see (a soundness gap); static edges never observed are paths no test ran.
/// </summary>
internal sealed class RuntimeComparison
{
    private const string Format = "lockcontracts-observed-order/1";

    public required IReadOnlyList<ObservedEdge> MissingFromStatic { get; init; }

    public required IReadOnlyList<GraphEdge> NeverObserved { get; init; }

    public required int Observed { get; init; }

    public required int Static { get; init; }

    public static IReadOnlyList<ObservedEdge> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"'{path}' does not exist");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new BadInputException($"'{path}' is not an observed-order file: {e.Message}");
        }

        if (root?["format"]?.GetValue<string>() != Format || root["edges"] is not JsonArray edges)
        {
            throw new BadInputException($"'{path}' is not an observed-order file (expected format {Format}, written by Lockdep.ExportObservedOrder)");
        }

        return edges.OfType<JsonObject>()
            .Select(e => new ObservedEdge(ClassOf(e["from"]?.GetValue<string>()), ClassOf(e["to"]?.GetValue<string>()), e["stack"]?.GetValue<string>() ?? string.Empty))
            .Where(e => e.From.Length > 0 && e.To.Length > 0 && e.From != e.To)
            .GroupBy(e => (e.From, e.To)).Select(g => g.First())
            .ToList();
    }

    public static RuntimeComparison Compare(IReadOnlyList<ObservedEdge> observed, IReadOnlyList<GraphEdge> staticEdges)
    {
        var taken = staticEdges.Where(e => !e.Declared).ToList();
        var known = taken.Select(e => (e.From, e.To)).ToHashSet();
        var seen = observed.Select(e => (e.From, e.To)).ToHashSet();
        return new RuntimeComparison
        {
            MissingFromStatic = observed.Where(e => !known.Contains((e.From, e.To))).OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList(),
            NeverObserved = taken.Where(e => !seen.Contains((e.From, e.To))).OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList(),
            Observed = observed.Count,
            Static = taken.Count,
        };
    }

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Observed at run time but not in the static graph ({MissingFromStatic.Count}): paths the analysis cannot see");
        foreach (var edge in MissingFromStatic)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {edge.From} -> {edge.To}");
            foreach (var frame in edge.Stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(8))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      {frame}");
            }
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"In the static graph but never observed ({NeverObserved.Count}): paths no run exercised");
        foreach (var edge in NeverObserved)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {edge.From} -> {edge.To}  ({edge.Place}: {edge.Evidence})");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Summary: {Observed} observed edges, {Static} static edges, {MissingFromStatic.Count} observed edges missing from the static graph, {NeverObserved.Count} static edges never observed");
        return text.ToString();
    }

    /// <summary>"Page.Lock/1" (a nesting subclass) is class "Page.Lock".</summary>
    private static string ClassOf(string? name)
    {
        if (name is null)
        {
            return string.Empty;
        }

        var slash = name.LastIndexOf('/');
        return slash > 0 && int.TryParse(name.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? name[..slash] : name;
    }
}
