using System.Text.Json;

namespace LockContracts.Package.Tests;

internal sealed record SarifResult(string RuleId, string Level, IReadOnlyList<string> SuppressionKinds, string? File, int? StartLine, string Message)
{
    public bool IsSuppressed => SuppressionKinds.Count > 0;

    public override string ToString() =>
        $"{RuleId} {Level}{(IsSuppressed ? $" (suppressed: {string.Join(", ", SuppressionKinds)})" : "")} at {Path.GetFileName(File)}({StartLine}): {Message}";
}

internal sealed record SarifRule(string Id, string DefaultLevel, string? HelpUri);

/// <summary>The parts of a compiler's SARIF 2.1 error log (<c>-p:ErrorLog=file,version=2.1</c>) the tests read.</summary>
internal sealed class SarifLog
{
    private SarifLog(IReadOnlyList<SarifResult> results, IReadOnlyList<SarifRule> rules, IReadOnlyList<string> compilerVersions)
    {
        Results = results;
        Rules = rules;
        CompilerVersions = compilerVersions;
    }

    /// <summary>The semantic version each run's tool (the compiler that wrote the log) gives of itself, such as "4.14.0".</summary>
    public IReadOnlyList<string> CompilerVersions { get; }

    /// <summary>Every diagnostic the compiler and its analyzers reported, including those a pragma suppressed.</summary>
    public IReadOnlyList<SarifResult> Results { get; }

    /// <summary>The descriptors of every analyzer the compiler loaded, reported or not.</summary>
    public IReadOnlyList<SarifRule> Rules { get; }

    public IEnumerable<SarifResult> Reported(string ruleId) =>
        Results.Where(result => result.RuleId == ruleId && !result.IsSuppressed);

    public static SarifLog Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var version = root.GetProperty("version").GetString();
        if (version != "2.1.0")
        {
            throw new InvalidDataException($"{path} is SARIF version '{version}', expected 2.1.0.");
        }

        var results = new List<SarifResult>();
        var rules = new List<SarifRule>();
        var compilerVersions = new List<string>();
        foreach (var run in root.GetProperty("runs").EnumerateArray())
        {
            if (run.TryGetProperty("results", out var runResults))
            {
                results.AddRange(runResults.EnumerateArray().Select(ReadResult));
            }
            if (run.TryGetProperty("tool", out var tool) && tool.TryGetProperty("driver", out var driver))
            {
                if (driver.TryGetProperty("rules", out var driverRules))
                {
                    rules.AddRange(driverRules.EnumerateArray().Select(ReadRule));
                }
                if (driver.TryGetProperty("semanticVersion", out var driverVersion))
                {
                    compilerVersions.Add(driverVersion.GetString() ?? "");
                }
            }
        }
        return new SarifLog(results, rules, compilerVersions);
    }

    private static SarifResult ReadResult(JsonElement result)
    {
        string? file = null;
        int? startLine = null;
        if (result.TryGetProperty("locations", out var locations) && locations.GetArrayLength() > 0
            && locations[0].TryGetProperty("physicalLocation", out var physical))
        {
            if (physical.TryGetProperty("artifactLocation", out var artifact) && artifact.TryGetProperty("uri", out var uri))
            {
                var text = uri.GetString()!;
                file = Uri.TryCreate(text, UriKind.Absolute, out var absolute) && absolute.IsFile ? absolute.LocalPath : text;
            }
            if (physical.TryGetProperty("region", out var region) && region.TryGetProperty("startLine", out var line))
            {
                startLine = line.GetInt32();
            }
        }

        var suppressionKinds = result.TryGetProperty("suppressions", out var suppressions)
            ? suppressions.EnumerateArray().Select(s => s.TryGetProperty("kind", out var kind) ? kind.GetString() ?? "" : "").ToList()
            : new List<string>();

        return new SarifResult(
            result.GetProperty("ruleId").GetString()!,
            // SARIF's default level is "warning"; writers may leave it out.
            result.TryGetProperty("level", out var level) ? level.GetString()! : "warning",
            suppressionKinds,
            file,
            startLine,
            result.TryGetProperty("message", out var message) && message.TryGetProperty("text", out var messageText)
                ? messageText.GetString() ?? ""
                : "");
    }

    private static SarifRule ReadRule(JsonElement rule) =>
        new(
            rule.GetProperty("id").GetString()!,
            rule.TryGetProperty("defaultConfiguration", out var configuration) && configuration.TryGetProperty("level", out var level)
                ? level.GetString()!
                : "warning",
            rule.TryGetProperty("helpUri", out var helpUri) ? helpUri.GetString() : null);
}
