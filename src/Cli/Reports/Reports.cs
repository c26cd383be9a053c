using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LockContracts.Analyzers;
using LockContracts.Cli.Scanning;
using Microsoft.CodeAnalysis;

namespace LockContracts.Cli.Reports;

internal static class Reports
{
    public static string Render(ScanResult result, string format) => format switch
    {
        "json" => Json(result),
        "sarif" => Sarif(result),
        _ => Text(result),
    };

    /// <summary>Findings grouped by id with file:line and message, then the summary.</summary>
    public static string Text(ScanResult result)
    {
        var text = new StringBuilder();
        foreach (var group in result.Findings.GroupBy(f => f.Id))
        {
            var first = group.First();
            text.AppendLine(CultureInfo.InvariantCulture, $"{group.Key} ({Severity(first.Severity)}, {group.Count()}): {Title(group.Key)}");
            foreach (var finding in group)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {finding.Place?.ToString() ?? "(no location)"}: {finding.Message}");
            }

            text.AppendLine();
        }

        text.Append(Summary(result));
        return text.ToString();
    }

    /// <summary>The summary alone: what a scan with <c>--out</c> prints on the terminal.</summary>
    public static string Summary(ScanResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("Summary");
        text.AppendLine(CultureInfo.InvariantCulture, $"  scanned:        {result.Target}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  files:          {result.Files}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  lines:          {result.Lines}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  compile errors: {result.CompileErrors}");
        foreach (var error in result.Units.SelectMany(u => u.FirstCompileErrors).Take(3))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {error}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  findings:       {(result.Findings.Count == 0 ? "none" : string.Join(", ", Counts(result).Select(c => $"{c.Key} {c.Value}")))}");
        if (result.Baselined > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  in baseline:    {result.Baselined} (not shown)");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  lock classes:   {result.Edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Count()}, order edges: {result.Edges.Count(e => !e.Declared)} observed, {result.Edges.Count(e => e.Declared)} declared");
        text.AppendLine(CultureInfo.InvariantCulture, $"  compile time:   {result.CompileTime.TotalSeconds:0.00} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  analyzer time:  {result.AnalyzerTime.TotalSeconds:0.00} s");
        foreach (var unit in result.Units.Where(u => u.Dispatch is { Calls: > 0 }))
        {
            var census = unit.Dispatch!;
            var bound = census.Bound > 0 ? census.Bound.ToString(CultureInfo.InvariantCulture) : "none";
            text.AppendLine(CultureInfo.InvariantCulture, $"  dispatch ({unit.Name}): {census.Calls} virtual or interface calls into source; {census.Universal} universal members on object or their library interface, followed into none; {census.OverBound} with more candidate bodies than the bound ({bound}), followed unless more than the bound may take a lock (LOCK206); by candidates: {string.Join(", ", census.ByCandidates.Select(r => r.Range + ": " + r.Calls.ToString(CultureInfo.InvariantCulture)))}");
        }

        foreach (var unit in result.Units.Where(u => u.Cost is not null))
        {
            var cost = unit.Cost!;
            text.AppendLine(CultureInfo.InvariantCulture, $"  cost ({unit.Name}): {cost.Added * 100:+0;-0}% over an empty analyzer ({cost.WithAnalyzer.TotalSeconds:0.00} s against {cost.Empty.TotalSeconds:0.00} s, fastest of {cost.Rounds} rounds each); CPU {cost.AddedCpu * 100:+0;-0}% ({cost.WithAnalyzerCpu.TotalSeconds:0.00} s against {cost.EmptyCpu.TotalSeconds:0.00} s); allocated {Megabytes(cost.WithAnalyzerAllocated)} MB against {Megabytes(cost.EmptyAllocated)} MB");
            text.AppendLine(CultureInfo.InvariantCulture, $"    added to a build ({unit.Name}): {cost.AddedToBuild * 100:+0;-0}% (the compile, emitted, {cost.Compile.TotalSeconds:0.00} s, plus the analyzer's time, against plus the empty analyzer's)");
            text.AppendLine(CultureInfo.InvariantCulture, $"    peak heap of a build ({unit.Name}): at most {cost.BuildPeakRatio:0.00}x the compile alone's (the compile's peak, {Megabytes(cost.HeldBefore + cost.CompilePeakGrowth)} MB, plus the analyzer's growth, {Megabytes(cost.WithAnalyzerPeakGrowth)} MB)");
            if (!cost.AnalyzersOptimized)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    note ({unit.Name}): the analyzers timed were built without optimizations (a Debug build of the scanner); the package ships optimized ones, so these times overstate what a build pays");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"    peak heap ({unit.Name}): {cost.PeakRatio:0.00}x the empty analyzer's ({Megabytes(cost.HeldBefore + cost.WithAnalyzerPeakGrowth)} MB against {Megabytes(cost.HeldBefore + cost.EmptyPeakGrowth)} MB, {Megabytes(cost.HeldBefore)} MB held before); growth alone {cost.PeakGrowthRatio:0.00}x ({Megabytes(cost.WithAnalyzerPeakGrowth)} MB against {Megabytes(cost.EmptyPeakGrowth)} MB)");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  wall time:      {result.Elapsed.TotalSeconds:0.00} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  peak memory:    {Megabytes(result.PeakMemoryBytes)} MB");
        foreach (var warning in result.Warnings.Distinct(StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  warning: {warning}");
        }

        return text.ToString();
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0", CultureInfo.InvariantCulture);

    public static SortedDictionary<string, int> Counts(ScanResult result) =>
        new(result.Findings.GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);

    public static string Json(ScanResult result)
    {
        var root = new JsonObject
        {
            ["target"] = result.Target,
            ["summary"] = new JsonObject
            {
                ["files"] = result.Files,
                ["lines"] = result.Lines,
                ["compileErrors"] = result.CompileErrors,
                ["counts"] = new JsonObject(Counts(result).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
                ["baselined"] = result.Baselined,
                ["compileSeconds"] = Math.Round(result.CompileTime.TotalSeconds, 3),
                ["analyzerSeconds"] = Math.Round(result.AnalyzerTime.TotalSeconds, 3),
                ["wallSeconds"] = Math.Round(result.Elapsed.TotalSeconds, 3),
                ["peakMemoryBytes"] = result.PeakMemoryBytes,
                ["dispatch"] = new JsonArray(result.Units.Where(u => u.Dispatch is not null).Select(u => (JsonNode)new JsonObject
                {
                    ["unit"] = u.Name,
                    ["calls"] = u.Dispatch!.Calls,
                    ["universal"] = u.Dispatch.Universal,
                    ["overBound"] = u.Dispatch.OverBound,
                    ["bound"] = u.Dispatch.Bound,
                    ["byCandidates"] = new JsonObject(u.Dispatch.ByCandidates.Select(r => KeyValuePair.Create(r.Range, (JsonNode?)r.Calls))),
                }).ToArray()),
                ["cost"] = new JsonArray(result.Units.Where(u => u.Cost is not null).Select(u => (JsonNode)new JsonObject
                {
                    ["unit"] = u.Name,
                    ["emptyAnalyzerSeconds"] = Math.Round(u.Cost!.Empty.TotalSeconds, 3),
                    ["analyzerSeconds"] = Math.Round(u.Cost.WithAnalyzer.TotalSeconds, 3),
                    ["added"] = Math.Round(u.Cost.Added, 3),
                    ["rounds"] = u.Cost.Rounds,
                    ["emptyAnalyzerAllocatedBytes"] = u.Cost.EmptyAllocated,
                    ["analyzerAllocatedBytes"] = u.Cost.WithAnalyzerAllocated,
                    ["emptyAnalyzerCpuSeconds"] = Math.Round(u.Cost.EmptyCpu.TotalSeconds, 3),
                    ["analyzerCpuSeconds"] = Math.Round(u.Cost.WithAnalyzerCpu.TotalSeconds, 3),
                    ["addedCpu"] = Math.Round(u.Cost.AddedCpu, 3),
                    ["heldBeforeBytes"] = u.Cost.HeldBefore,
                    ["emptyAnalyzerPeakGrowthBytes"] = u.Cost.EmptyPeakGrowth,
                    ["analyzerPeakGrowthBytes"] = u.Cost.WithAnalyzerPeakGrowth,
                    ["peakRatio"] = Math.Round(u.Cost.PeakRatio, 3),
                    ["compilePeakGrowthBytes"] = u.Cost.CompilePeakGrowth,
                    ["buildPeakRatio"] = Math.Round(u.Cost.BuildPeakRatio, 3),
                    ["compileSeconds"] = Math.Round(u.Cost.Compile.TotalSeconds, 3),
                    ["addedToBuild"] = Math.Round(u.Cost.AddedToBuild, 3),
                    ["analyzersOptimized"] = u.Cost.AnalyzersOptimized,
                }).ToArray()),
            },
            ["findings"] = new JsonArray(result.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["id"] = f.Id,
                ["severity"] = Severity(f.Severity),
                ["message"] = f.Message,
                ["file"] = f.Place?.File,
                ["line"] = f.Place?.Line,
                ["project"] = f.Project,
                ["member"] = f.Member,
                ["additionalLocations"] = new JsonArray(f.AdditionalPlaces.Select(p => (JsonNode)p.ToString()).ToArray()),
            }).ToArray()),
            ["edges"] = new JsonArray(result.Edges.Select(e => (JsonNode)new JsonObject
            {
                ["from"] = e.From,
                ["to"] = e.To,
                ["kind"] = e.Declared ? "declared" : "observed",
                ["evidence"] = e.Evidence,
                ["file"] = e.Place?.File,
                ["line"] = e.Place?.Line,
            }).ToArray()),
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode)w).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>SARIF 2.1.0, one run, one rule per id reported, with related locations.</summary>
    public static string Sarif(ScanResult result)
    {
        var ids = result.Findings.Select(f => f.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToList();
        var rules = new JsonArray(ids.Select(id => (JsonNode)new JsonObject
        {
            ["id"] = id,
            ["shortDescription"] = new JsonObject { ["text"] = Title(id) },
            ["helpUri"] = id.StartsWith("LOCK", StringComparison.Ordinal) ? Descriptors.HelpLink(id) : null,
        }).ToArray());
        var results = new JsonArray(result.Findings.Select(f => (JsonNode)new JsonObject
        {
            ["ruleId"] = f.Id,
            ["level"] = f.Severity switch { DiagnosticSeverity.Error => "error", DiagnosticSeverity.Warning => "warning", _ => "note" },
            ["message"] = new JsonObject { ["text"] = f.Message },
            ["locations"] = f.Place is null ? new JsonArray() : new JsonArray(SarifLocation(f.Place)),
            ["relatedLocations"] = new JsonArray(f.AdditionalPlaces.Select(p => (JsonNode)SarifLocation(p)).ToArray()),
            ["partialFingerprints"] = new JsonObject { ["lockContracts/v1"] = f.BaselineKey },
        }).ToArray());
        var sarif = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "lockcontracts",
                        ["informationUri"] = "https://github.com/LockContracts/LockContracts",
                        ["rules"] = rules,
                    },
                },
                ["results"] = results,
            }),
        };
        return sarif.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject SarifLocation(SourcePlace place) => new()
    {
        ["physicalLocation"] = new JsonObject
        {
            ["artifactLocation"] = new JsonObject { ["uri"] = place.File },
            ["region"] = new JsonObject { ["startLine"] = place.Line, ["startColumn"] = place.Column },
        },
    };

    private static string Severity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "info",
        _ => "hidden",
    };

    private static string Title(string id) =>
        typeof(Descriptors).GetFields().Select(f => f.GetValue(null)).OfType<DiagnosticDescriptor>()
            .FirstOrDefault(d => d.Id == id)?.Title.ToString(CultureInfo.InvariantCulture)
        ?? (id == "AD0001" ? "The analyzer threw an exception (a bug in LockContracts)" : id);
}
