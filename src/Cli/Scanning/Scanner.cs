using System.Diagnostics;
using LockContracts.Analyzers;
using Microsoft.CodeAnalysis;

namespace LockContracts.Cli.Scanning;

/// <summary>What to scan and how.</summary>
internal sealed record ScanRequest(
    string Path, IReadOnlyList<string> Defines, bool ImplicitUsings, bool Restore, string? Framework = null, IReadOnlyDictionary<string, string>? Properties = null,
    bool MeasureCost = false, int CostRounds = CostMeasurement.DefaultRounds);

/// <summary>Input the scanner cannot use: reported as one line, exit code 2.</summary>
internal sealed class BadInputException : Exception
{
    public BadInputException(string message)
        : base(message)
    {
    }
}

/// <summary>Turns a path into compilations, runs the analyzer over each and merges what they report.</summary>
internal static class Scanner
{
    public static async Task<ScanResult> ScanAsync(ScanRequest request, Action<string> progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var path = System.IO.Path.GetFullPath(request.Path);
        ScanResult result;
        if (Directory.Exists(path))
        {
            result = await ScanFolderAsync(path, request, progress, cancellationToken).ConfigureAwait(false);
        }
        else if (File.Exists(path))
        {
            if (!MSBuildInput.IsProjectOrSolution(path))
            {
                throw new BadInputException($"'{request.Path}' is not a C# project, a solution or a folder (expected a folder, .csproj, .sln or .slnx)");
            }

            result = await ScanProjectsAsync(path, request, progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new BadInputException($"'{request.Path}' does not exist");
        }

        result.Findings = result.Units.SelectMany(u => u.Findings).Concat(result.CrossProjectFindings)
            .OrderBy(f => f.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Place?.File, StringComparer.Ordinal)
            .ThenBy(f => f.Place?.Line ?? 0)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToList();
        if (request.MeasureCost)
        {
            foreach (var unit in result.Units.Where(u => u.Compilation is not null))
            {
                progress($"timing {unit.Name} against an empty analyzer");
                unit.Cost = await CostMeasurement.MeasureAsync(unit.Compilation!, unit.Options, request.CostRounds, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var unit in result.Units)
        {
            unit.Compilation = null;
            unit.Options = null;
        }

        result.Elapsed = watch.Elapsed;
        result.PeakMemoryBytes = Process.GetCurrentProcess().PeakWorkingSet64;
        return result;
    }

    private static async Task<ScanResult> ScanFolderAsync(string folder, ScanRequest request, Action<string> progress, CancellationToken cancellationToken)
    {
        if (FolderInput.SourceFiles(folder).Count == 0)
        {
            throw new BadInputException($"'{request.Path}' has no .cs files");
        }

        progress($"parsing {folder}");
        var compilation = FolderInput.Compile(folder, request.Defines, request.ImplicitUsings, cancellationToken);
        progress($"analyzing {compilation.SyntaxTrees.Count()} files");
        var result = new ScanResult { Target = request.Path };
        result.Units.Add(await CompilationScanner.ScanAsync(compilation.AssemblyName ?? folder, compilation, null, folder, countSource: true, keep: null, cancellationToken).ConfigureAwait(false));
        return result;
    }

    private static async Task<ScanResult> ScanProjectsAsync(string path, ScanRequest request, Action<string> progress, CancellationToken cancellationToken)
    {
        var root = System.IO.Path.GetDirectoryName(path)!;
        if (request.Restore)
        {
            progress($"restoring {System.IO.Path.GetFileName(path)}");
            if (await MSBuildInput.RestoreAsync(path, request.Properties, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                throw new BadInputException($"'{request.Path}' does not restore: {failure}");
            }
        }

        MSBuildInput.RegisterMSBuild();
        var result = new ScanResult { Target = request.Path };
        IReadOnlyList<LoadedProject> targets;
        IReadOnlyDictionary<string, LoadedProject> all;
        try
        {
            (targets, all) = await MSBuildInput.LoadAsync(path, request.Framework, request.Properties, result.Warnings, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // MSBuild could not evaluate it: no SDK that its global.json accepts, a broken project file, a missing import.
            throw new BadInputException($"'{request.Path}' could not be loaded: {e.Message}");
        }

        if (targets.Count == 0 || targets.All(t => !t.Compilation.SyntaxTrees.Any()))
        {
            throw new BadInputException($"'{request.Path}' has no C# project that loads{(result.Warnings.Count > 0 ? ": " + result.Warnings[0] : string.Empty)}");
        }

        var index = 0;
        foreach (var project in targets)
        {
            progress($"[{++index}/{targets.Count}] analyzing {project.Name}");
            result.Units.Add(await CompilationScanner.ScanAsync(project.Name, project.Compilation, project.Options, root, countSource: true, keep: null, cancellationToken).ConfigureAwait(false));
        }

        // Cycles across projects: each project that nothing else here references is analyzed once more
        // together with the sources of the projects it references. Only what that adds is kept.
        var referenced = targets.SelectMany(t => t.ProjectReferences).ToHashSet(StringComparer.Ordinal);
        var known = result.Units.SelectMany(u => u.Findings).Where(f => IsCycleFinding(f.Id)).Select(f => f.BaselineKey).ToHashSet(StringComparer.Ordinal);
        foreach (var project in targets.Where(t => t.ProjectReferences.Count > 0 && !referenced.Contains(t.FilePath)))
        {
            var combined = MSBuildInput.WithReferencedSources(project, all, out var included);
            if (included.Count == 0)
            {
                continue;
            }

            progress($"analyzing {project.Name} with {string.Join(", ", included.Select(p => p.Name))}");
            var unit = await CompilationScanner.ScanAsync(
                $"{project.Name}+{included.Count}", combined, project.Options, root, countSource: false,
                d => IsCycleFinding(d.Id) || d.Id == Descriptors.LockOrderEdge.Id, cancellationToken).ConfigureAwait(false);
            result.Units.Add(unit);
            foreach (var finding in unit.Findings.ToList())
            {
                unit.Findings.Remove(finding);
                if (known.Add(finding.BaselineKey))
                {
                    result.CrossProjectFindings.Add(finding with { Project = string.Join("+", new[] { project.Name }.Concat(included.Select(p => p.Name))) });
                }
            }
        }

        return result;
    }

    /// <summary>What the whole-program graph reports: cycles (LOCK001, LOCK005) and the cycles past the per-group bound (LOCK202).</summary>
    internal static bool IsCycleFinding(string id) =>
        id == Descriptors.LockOrderCycle.Id || id == Descriptors.UncertainLockOrderCycle.Id || id == Descriptors.CyclesNotReported.Id;
}
