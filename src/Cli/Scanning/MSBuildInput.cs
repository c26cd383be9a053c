using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;

namespace LockContracts.Cli.Scanning;

/// <summary>A project of a loaded solution, ready to analyze.</summary>
internal sealed record LoadedProject(string Name, string FilePath, Compilation Compilation, AnalyzerOptions Options, IReadOnlyList<string> ProjectReferences);

/// <summary>
/// A .csproj, .sln or .slnx, restored as <c>dotnet build</c> would and loaded with MSBuildWorkspace,
/// so each project has its real references, defines, language version and .editorconfig severities.
/// </summary>
internal static class MSBuildInput
{
    public static bool IsProjectOrSolution(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".csproj" or ".sln" or ".slnx";

    /// <summary>Runs <c>dotnet restore</c>; on failure returns its first error line.</summary>
    public static async Task<string?> RestoreAsync(string path, IReadOnlyDictionary<string, string>? properties, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("restore");
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("-nologo");
        start.ArgumentList.Add("-v:q");
        foreach (var (name, value) in properties ?? new Dictionary<string, string>())
        {
            start.ArgumentList.Add($"-p:{name}={value}");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start 'dotnet restore'");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode == 0)
        {
            return null;
        }

        var lines = ((await output.ConfigureAwait(false)) + "\n" + (await error.ConfigureAwait(false))).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? lines.LastOrDefault() ?? $"exit code {process.ExitCode}";
    }

    /// <summary>Finds the SDK's MSBuild once per process, before any MSBuild type is touched.</summary>
    public static void RegisterMSBuild()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }

    /// <summary>Loads the projects to analyze: every C# project of a solution, or the one project (with the projects it references, for cross-project analysis).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<(IReadOnlyList<LoadedProject> Targets, IReadOnlyDictionary<string, LoadedProject> All)> LoadAsync(
        string path, string? framework, IReadOnlyDictionary<string, string>? extraProperties, List<string> warnings, Action<string> progress, CancellationToken cancellationToken)
    {
        // What a command-line build of the default configuration sees.
        var properties = new Dictionary<string, string>
        {
            ["Configuration"] = "Debug",
            ["LockContractsCycleReporting"] = "build",
        };
        if (!string.IsNullOrWhiteSpace(framework))
        {
            properties["TargetFramework"] = framework;
        }

        foreach (var (name, value) in extraProperties ?? new Dictionary<string, string>())
        {
            properties[name] = value;
        }

        using var workspace = MSBuildWorkspace.Create(properties);
        using var registration = workspace.RegisterWorkspaceFailedHandler(e =>
        {
            if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
            {
                warnings.Add(e.Diagnostic.Message);
            }
        });

        var isSolution = Path.GetExtension(path).ToLowerInvariant() is ".sln" or ".slnx";
        Solution solution;
        ProjectId? requested = null;
        if (isSolution)
        {
            solution = await workspace.OpenSolutionAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var project = await workspace.OpenProjectAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            solution = project.Solution;
            requested = project.Id;
        }

        // A multi-targeted project loads once per target framework: analyze the first, as an editor shows it.
        var byFile = solution.Projects
            .Where(p => p.Language == LanguageNames.CSharp && p.FilePath is not null)
            .GroupBy(p => p.FilePath!, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();

        var all = new Dictionary<string, LoadedProject>(StringComparer.Ordinal);
        foreach (var project in byFile)
        {
            progress($"loading {project.Name}");
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            if (compilation is null)
            {
                warnings.Add($"{project.FilePath}: no compilation");
                continue;
            }

            var references = project.ProjectReferences
                .Select(r => solution.GetProject(r.ProjectId)?.FilePath)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
            all[project.FilePath!] = new LoadedProject(BaseName(project.Name), project.FilePath!, compilation, project.AnalyzerOptions, references);
        }

        var targets = isSolution
            ? all.Values.OrderBy(p => p.FilePath, StringComparer.Ordinal).ToList()
            : all.Values.Where(p => p.FilePath == solution.GetProject(requested!)?.FilePath).ToList();
        return (targets, all);
    }

    private static string? ReferencedAssemblyName(MetadataReference reference) => reference switch
    {
        CompilationReference c => c.Compilation.AssemblyName,
        PortableExecutableReference { FilePath: { } file } => Path.GetFileNameWithoutExtension(file),
        _ => null,
    };

    /// <summary>"Core(net8.0)" is project Core.</summary>
    private static string BaseName(string name)
    {
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 && name.EndsWith(')') ? name[..paren] : name;
    }

    /// <summary>
    /// One compilation of <paramref name="root"/> with the sources of every project it references,
    /// directly or not, in place of their assemblies: the analyzer then sees their bodies (their
    /// summaries) and the root's overrides and handlers together, so an order cycle whose paths
    /// lie in different projects closes. The root's references and options are used.
    /// </summary>
    public static Compilation WithReferencedSources(LoadedProject root, IReadOnlyDictionary<string, LoadedProject> all, out IReadOnlyList<LoadedProject> included)
    {
        var closure = new List<LoadedProject>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.FilePath };
        var stack = new Stack<string>(root.ProjectReferences);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (!seen.Add(next) || !all.TryGetValue(next, out var project))
            {
                continue;
            }

            closure.Add(project);
            foreach (var reference in project.ProjectReferences)
            {
                stack.Push(reference);
            }
        }

        // Only projects whose assembly the root really compiles against (not, say, an analyzer project).
        var compilation = root.Compilation;
        var referencedNames = compilation.References.Select(ReferencedAssemblyName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        closure.RemoveAll(p => !referencedNames.Contains(p.Compilation.AssemblyName ?? string.Empty));
        included = closure;
        var names = closure.Select(p => p.Compilation.AssemblyName).ToHashSet(StringComparer.Ordinal);
        compilation = compilation.RemoveReferences(compilation.References.Where(r => names.Contains(ReferencedAssemblyName(r))).ToList());

        // Trees keep their text; they take the root's parse options, as one compilation requires.
        var parseOptions = compilation.SyntaxTrees.FirstOrDefault()?.Options;
        foreach (var project in closure)
        {
            compilation = compilation.AddSyntaxTrees(project.Compilation.SyntaxTrees
                .Where(t => !compilation.ContainsSyntaxTree(t))
                .Select(t => parseOptions is null ? t : t.WithRootAndOptions(t.GetRoot(), parseOptions)));
        }

        return compilation;
    }
}
