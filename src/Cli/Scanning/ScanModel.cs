using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockContracts.Cli.Scanning;

/// <summary>A place in the scanned source: a path as the user gave it (relative where possible) and a 1-based line.</summary>
internal sealed record SourcePlace(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}";

    public static SourcePlace? From(Location location, string root)
    {
        if (!location.IsInSource)
        {
            return null;
        }

        var span = location.GetLineSpan();
        return new SourcePlace(Paths.Relative(root, span.Path), span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }
}

/// <summary>One diagnostic the analyzer reported, as the scanner shows it.</summary>
internal sealed record Finding(
    string Id,
    DiagnosticSeverity Severity,
    string Message,
    SourcePlace? Place,
    ImmutableArray<SourcePlace> AdditionalPlaces,
    string Project,
    string Member,
    ImmutableDictionary<string, string?> Properties)
{
    /// <summary>
    /// What identifies the finding across unrelated edits: the id, the member it is in and its
    /// message with file names and line numbers taken out (the message names the lock classes).
    /// </summary>
    public string BaselineKey => $"{Id}|{Member}|{Paths.WithoutLineNumbers(Message)}";
}

/// <summary>An edge of the static lock-order graph: the program takes <see cref="From"/> then <see cref="To"/>, or the declared order says so.</summary>
internal sealed record GraphEdge(string From, string To, bool Declared, string Evidence, string? Method, SourcePlace? Place, ImmutableArray<SourcePlace> Path);

/// <summary>What one compilation reported, and what it cost.</summary>
internal sealed class UnitResult
{
    public required string Name { get; init; }

    public int Files { get; init; }

    public long Lines { get; init; }

    public int CompileErrors { get; init; }

    /// <summary>The first few compile errors, so that a folder that does not bind says why.</summary>
    public List<string> FirstCompileErrors { get; init; } = new();

    public TimeSpan CompileTime { get; init; }

    public TimeSpan AnalyzerTime { get; init; }

    /// <summary>The compilation, kept until <c>--cost</c> has timed it (then dropped, not to hold it through the report).</summary>
    public Microsoft.CodeAnalysis.Compilation? Compilation { get; set; }

    public Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions? Options { get; set; }

    /// <summary>With <c>--cost</c>: the analyzer's wall-clock cost against an empty analyzer.</summary>
    public CostResult? Cost { get; set; }

    /// <summary>How the compilation's virtual and interface calls are dispatched into source (null for a unit whose files another counted).</summary>
    public DispatchCensus? Dispatch { get; init; }

    public List<Finding> Findings { get; } = new();

    public List<GraphEdge> Edges { get; } = new();
}

/// <summary>The whole scan: every compilation's findings, merged, and the graph.</summary>
internal sealed class ScanResult
{
    public required string Target { get; init; }

    public List<UnitResult> Units { get; } = new();

    /// <summary>Findings that only a whole-solution analysis sees (cycles whose paths are in several projects).</summary>
    public List<Finding> CrossProjectFindings { get; } = new();

    /// <summary>Load problems that did not stop the scan (a project that could not be opened, for example).</summary>
    public List<string> Warnings { get; } = new();

    public long PeakMemoryBytes { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>Findings left out because a baseline already had them.</summary>
    public int Baselined { get; set; }

    /// <summary>Every finding, in a stable order: by id, then file and line.</summary>
    public IReadOnlyList<Finding> Findings { get; set; } = Array.Empty<Finding>();

    public IReadOnlyList<GraphEdge> Edges => Units.SelectMany(u => u.Edges)
        .GroupBy(e => (e.From, e.To, e.Declared)).Select(g => g.First()).ToList();

    /// <summary>The cycles LOCK001 reported, each as its classes in order.</summary>
    public IReadOnlyList<ImmutableArray<string>> Cycles => Findings.Where(f => f.Id == "LOCK001")
        .Select(f => f.Properties.TryGetValue("Classes", out var classes) && classes is not null
            ? classes.Split('\n').ToImmutableArray() : ImmutableArray<string>.Empty)
        .Where(c => !c.IsEmpty).ToList();

    public int Files => Units.Sum(u => u.Files);

    public long Lines => Units.Sum(u => u.Lines);

    public int CompileErrors => Units.Sum(u => u.CompileErrors);

    public TimeSpan CompileTime => TimeSpan.FromTicks(Units.Sum(u => u.CompileTime.Ticks));

    public TimeSpan AnalyzerTime => TimeSpan.FromTicks(Units.Sum(u => u.AnalyzerTime.Ticks));

    public bool HasErrors => Findings.Any(f => f.Severity == DiagnosticSeverity.Error);
}
