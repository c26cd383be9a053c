using System.Text.Json;
using System.Text.Json.Nodes;

namespace LockContracts.Cli.Scanning;

/// <summary>
/// Findings a team has accepted, keyed by id, member and message without line numbers (so the
/// keys survive edits elsewhere), each with how many times it occurred. A scan with a baseline
/// reports only what is not in it; how a team adopts the analyzer on an existing codebase.
/// </summary>
internal static class Baseline
{
    private const string Format = "lockcontracts-baseline/1";

    public static void Write(string path, IReadOnlyList<Finding> findings)
    {
        var entries = findings.GroupBy(f => f.BaselineKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject { ["key"] = g.Key, ["count"] = g.Count() }).ToArray();
        var root = new JsonObject { ["format"] = Format, ["findings"] = new JsonArray(entries) };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The findings the baseline does not account for; each entry absorbs as many findings as its count.</summary>
    public static IReadOnlyList<Finding> Filter(string path, IReadOnlyList<Finding> findings, out int baselined)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new BadInputException($"'{path}' is not a baseline file: {e.Message}");
        }

        if (root?["format"]?.GetValue<string>() != Format || root["findings"] is not JsonArray entries)
        {
            throw new BadInputException($"'{path}' is not a baseline file (expected format {Format})");
        }

        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry?["key"]?.GetValue<string>() is { } key)
            {
                remaining[key] = remaining.GetValueOrDefault(key) + (entry["count"]?.GetValue<int>() ?? 1);
            }
        }

        var fresh = new List<Finding>();
        baselined = 0;
        foreach (var finding in findings)
        {
            if (remaining.TryGetValue(finding.BaselineKey, out var left) && left > 0)
            {
                remaining[finding.BaselineKey] = left - 1;
                baselined++;
            }
            else
            {
                fresh.Add(finding);
            }
        }

        return fresh;
    }
}
