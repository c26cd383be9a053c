using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LockContracts.Cli.Scanning;

namespace LockContracts.Cli.Graph;

/// <summary>
/// The static lock-order graph as a picture: nodes are lock classes, edges ordered acquisitions
/// with their evidence, edges on a LOCK001 cycle in red, the declared order dashed.
/// </summary>
internal static class GraphWriter
{
    public static string Render(ScanResult result, string format) => format switch
    {
        "dot" => Dot(result),
        "mermaid" => Mermaid(result),
        "html" => Html(result),
        _ => throw new BadInputException($"unknown graph format '{format}' (expected dot, mermaid or html)"),
    };

    /// <summary>The pairs (from, to) that lie on a reported cycle.</summary>
    public static HashSet<(string From, string To)> CycleEdges(ScanResult result)
    {
        var set = new HashSet<(string, string)>();
        foreach (var cycle in result.Cycles)
        {
            for (var i = 0; i < cycle.Length; i++)
            {
                set.Add((cycle[i], cycle[(i + 1) % cycle.Length]));
            }
        }

        return set;
    }

    public static IReadOnlyList<string> Classes(ScanResult result) =>
        result.Edges.SelectMany(e => new[] { e.From, e.To }).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();

    public static string Dot(ScanResult result)
    {
        var cycles = CycleEdges(result);
        var text = new StringBuilder();
        text.AppendLine("digraph LockOrder {");
        text.AppendLine("  rankdir=LR;");
        text.AppendLine("  node [shape=box, style=rounded, fontname=\"Helvetica\"];");
        foreach (var name in Classes(result))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Quote(name)};");
        }

        foreach (var edge in result.Edges)
        {
            var attributes = edge.Declared
                ? "style=dashed, color=\"#1f5fbf\", label=\"declared\""
                : $"label={Quote(Short(edge))}, tooltip={Quote(edge.Evidence)}{(cycles.Contains((edge.From, edge.To)) ? ", color=red, penwidth=2" : string.Empty)}";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Quote(edge.From)} -> {Quote(edge.To)} [{attributes}];");
        }

        text.AppendLine("}");
        return text.ToString();
    }

    public static string Mermaid(ScanResult result)
    {
        var cycles = CycleEdges(result);
        var ids = Classes(result).Select((name, i) => (name, i)).ToDictionary(p => p.name, p => $"n{p.i}", StringComparer.Ordinal);
        var text = new StringBuilder();
        text.AppendLine("flowchart LR");
        foreach (var (name, id) in ids)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {id}[\"{Escape(name)}\"]");
        }

        var index = 0;
        var red = new List<int>();
        foreach (var edge in result.Edges)
        {
            var arrow = edge.Declared ? "-.->|declared|" : $"-->|\"{Escape(Short(edge))}\"|";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {ids[edge.From]} {arrow} {ids[edge.To]}");
            if (!edge.Declared && cycles.Contains((edge.From, edge.To)))
            {
                red.Add(index);
            }

            index++;
        }

        if (red.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  linkStyle {string.Join(",", red)} stroke:red,stroke-width:2px");
        }

        return text.ToString();
    }

    /// <summary>A page with no outside references: the graph as SVG drawn by an inline script, an edge's evidence shown on click.</summary>
    public static string Html(ScanResult result)
    {
        var cycles = CycleEdges(result);
        var data = new JsonObject
        {
            ["title"] = result.Target,
            ["classes"] = new JsonArray(Classes(result).Select(c => (JsonNode)c).ToArray()),
            ["edges"] = new JsonArray(result.Edges.Select(e => (JsonNode)new JsonObject
            {
                ["from"] = e.From,
                ["to"] = e.To,
                ["declared"] = e.Declared,
                ["cycle"] = !e.Declared && cycles.Contains((e.From, e.To)),
                ["method"] = e.Method,
                ["evidence"] = e.Evidence,
                ["site"] = e.Place?.ToString(),
                ["path"] = new JsonArray(e.Path.Select(p => (JsonNode)p.ToString()).ToArray()),
            }).ToArray()),
            ["cycles"] = new JsonArray(result.Findings.Where(f => f.Id == "LOCK001").Select(f => (JsonNode)$"{f.Place}: {f.Message}").ToArray()),
        };

        using var stream = typeof(GraphWriter).Assembly.GetManifestResourceStream("LockContracts.Cli.graph.html")
            ?? throw new InvalidOperationException("the graph page template is missing from the assembly");
        using var reader = new StreamReader(stream);
        var json = data.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        return reader.ReadToEnd().Replace("/*GRAPH-DATA*/null", json, StringComparison.Ordinal);
    }

    /// <summary>"Ledger.Transfer (Ledger.cs:17)": the method and site, short enough for a label.</summary>
    private static string Short(GraphEdge edge) => $"{edge.Method} ({Path.GetFileName(edge.Place?.File)}:{edge.Place?.Line})";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Escape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal);
}
