using System.Collections.Immutable;
using System.Reflection;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Testing;

/// <summary>
/// What every analyzer and code-fix test shares: the reference assemblies (resolved once per process
/// and reused by every test), the annotations, the global usings every case may rely on, the
/// analyzers under test, and the <c>.globalconfig</c> that switches the analyzer to build mode.
/// </summary>
public static class LockTestSetup
{
    public const string GlobalUsingsPath = "/0/GlobalUsings.cs";

    public const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using LockContracts;

        """;

    /// <summary>.NET 8 reference assemblies, the oldest SDK the package supports: the default for every case.</summary>
    /// <summary>
    /// Diagnostics a user never sees unless a tool turns them on (LOCK090, the lock-order edges the scanner draws);
    /// the framework would otherwise enable every supported diagnostic. The scanner's tests cover them.
    /// </summary>
    public static IEnumerable<string> OffByDefault => AllAnalyzers.SelectMany(a => a.SupportedDiagnostics)
        .Where(d => !d.IsEnabledByDefault).Select(d => d.Id).Distinct();

    public static ReferenceAssemblies Net80 => ReferenceAssemblies.Net.Net80;

    /// <summary>
    /// .NET 10 reference assemblies, for cases that need <c>System.Threading.Lock</c> (.NET 9 and later).
    /// Named by version because the framework's own constants ask for versions the feed does not serve.
    /// </summary>
    public static ReferenceAssemblies Net100 { get; } = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.15"),
        Path.Combine("ref", "net10.0"));

    /// <summary>The annotations assembly (LockContracts.Annotations), referenced by every case.</summary>
    public static MetadataReference Annotations { get; } = MetadataReference.CreateFromFile(typeof(LockAttribute).Assembly.Location);

    /// <summary>Every analyzer the package ships.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(LockStateAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The option a build sets (see the package's props): calls under locks and cycles are checked at compilation end.</summary>
    public static IReadOnlyDictionary<string, string> BuildMode { get; } =
        new Dictionary<string, string> { [LockStateAnalyzer.CycleReportingProperty] = "build" };

    public static CSharpParseOptions ParseOptions(CSharpParseOptions options) => options.WithLanguageVersion(LanguageVersion.Latest);

    public static CSharpCompilationOptions CompilationOptions(CSharpCompilationOptions options) =>
        options.WithNullableContextOptions(NullableContextOptions.Enable);

    /// <summary>The descriptor <c>[|…|]</c> stands for: the one with the test's default id, whichever analyzer reports it.</summary>
    public static DiagnosticDescriptor? DefaultDiagnostic(IEnumerable<DiagnosticAnalyzer> analyzers, string? id) =>
        id is null ? null : analyzers.SelectMany(a => a.SupportedDiagnostics).FirstOrDefault(d => d.Id == id)
            ?? throw new ArgumentException($"No analyzer under test reports {id}", nameof(id));

    /// <summary>A global <c>.globalconfig</c> carrying build properties, as MSBuild passes them to analyzers.</summary>
    public static string GlobalConfig(IReadOnlyDictionary<string, string> options) =>
        "is_global = true\n" + string.Concat(options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} = {o.Value}\n"));

    /// <summary>Adds the settings above to a test's state: references, annotations, global usings and build properties.</summary>
    public static void Apply(SolutionState state, IReadOnlyDictionary<string, string>? options)
    {
        state.AdditionalReferences.Add(Annotations);
        state.Sources.Add((GlobalUsingsPath, GlobalUsings));
        if (options is { Count: > 0 })
        {
            state.AnalyzerConfigFiles.Add(("/.globalconfig", GlobalConfig(options)));
        }
    }
}
