using System.Collections.Immutable;
using System.Text;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit.Sdk;

namespace LockContracts.Analyzers.Tests.Testing;

/// <summary>
/// Runs a case on <see cref="LockAnalyzerTest"/> (Microsoft.CodeAnalysis.Testing) and adds what the framework
/// does not check by itself:
/// <list type="bullet">
/// <item>each case is analyzed twice, as the editor does (the default) and as a build does (a <c>.globalconfig</c>
/// setting <c>build_property.LockContractsCycleReporting = build</c>); both runs must match the markup, and
/// must report the same diagnostics with the same messages and additional locations;</item>
/// <item>LOCK001 must be expected with all its additional locations (one per other path of the cycle):
/// <c>{|#0:…|}</c> markers and <c>Diagnostic("LOCK001").WithLocation(0).WithLocation(1)</c>, not <c>[|…|]</c>,
/// which the framework checks without additional locations;</item>
/// <item>an analyzer exception fails the test (see <see cref="AnalysisRecorder"/>).</item>
/// </list>
/// It returns the editor run's LOCK diagnostics for assertions the markup cannot express.
/// </summary>
public static class LockAnalyzerVerifier
{
    /// <summary>A diagnostic expected with explicit locations (<c>.WithLocation(0)</c> for <c>{|#0:…|}</c>).</summary>
    public static DiagnosticResult Diagnostic(string id) =>
        new(id, LockTestSetup.AllAnalyzers.SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id).DefaultSeverity);

    /// <summary>Verifies one document.</summary>
    public static Task<ImmutableArray<Diagnostic>> VerifyAsync(
        string markup, string? defaultId = null, bool allowCompilerErrors = false, ImmutableArray<DiagnosticAnalyzer>? analyzers = null,
        IEnumerable<MetadataReference>? references = null, IReadOnlyDictionary<string, string>? globalOptions = null,
        ReferenceAssemblies? referenceAssemblies = null, IEnumerable<DiagnosticResult>? expected = null, TestBehaviors behaviors = TestBehaviors.None) =>
        VerifyAsync(new[] { markup }, defaultId, allowCompilerErrors, analyzers, references, globalOptions, referenceAssemblies, expected, behaviors);

    /// <summary>Verifies several documents of one project, named Test0.cs, Test1.cs, … in order.</summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync(
        IReadOnlyList<string> markups, string? defaultId = null, bool allowCompilerErrors = false, ImmutableArray<DiagnosticAnalyzer>? analyzers = null,
        IEnumerable<MetadataReference>? references = null, IReadOnlyDictionary<string, string>? globalOptions = null,
        ReferenceAssemblies? referenceAssemblies = null, IEnumerable<DiagnosticResult>? expected = null, TestBehaviors behaviors = TestBehaviors.None)
    {
        var expectedList = expected?.ToList() ?? new List<DiagnosticResult>();
        LockAnalyzerTest Create(IReadOnlyDictionary<string, string> options)
        {
            var test = new LockAnalyzerTest
            {
                DefaultDiagnosticId = defaultId,
                CompilerDiagnostics = allowCompilerErrors ? CompilerDiagnostics.None : CompilerDiagnostics.Errors,
                TestBehaviors = behaviors,
            };
            test.ReferenceAssemblies = referenceAssemblies ?? test.ReferenceAssemblies;
            test.Analyzers = analyzers ?? test.Analyzers;
            foreach (var markup in markups)
            {
                test.TestState.Sources.Add(markup);
            }

            LockTestSetup.Apply(test.TestState, options);
            test.TestState.AdditionalReferences.AddRange(references ?? Enumerable.Empty<MetadataReference>());
            test.ExpectedDiagnostics.AddRange(expectedList);
            return test;
        }

        var options = globalOptions ?? new Dictionary<string, string>();
        var editor = Create(options);
        await editor.RunAsync();
        var reported = Lock(editor.Reported);
        RequireAdditionalLocationsExpected(reported, expectedList);
        if (options.ContainsKey(LockStateAnalyzer.CycleReportingProperty))
        {
            return reported;
        }

        var buildOptions = new Dictionary<string, string>(options);
        foreach (var option in LockTestSetup.BuildMode)
        {
            buildOptions[option.Key] = option.Value;
        }

        var build = Create(buildOptions);
        build.TestBehaviors |= TestBehaviors.SkipSuppressionCheck;
        await build.RunAsync();
        var inBuild = Lock(build.Reported);
        if (!Describe(reported).SequenceEqual(Describe(inBuild)))
        {
            throw new XunitException("The editor's analysis and the build's differ.\nEditor:\n" + Listing(reported) + "Build:\n" + Listing(inBuild));
        }

        return reported;
    }

    /// <summary>The ids whose additional locations a case must state (the other diagnostics' are compared between the two modes).</summary>
    public static IReadOnlyCollection<string> AdditionalLocationsRequired { get; } = new[] { "LOCK001" };

    /// <summary>Each such diagnostic must have been expected with its additional locations, so that the framework compared them.</summary>
    private static void RequireAdditionalLocationsExpected(ImmutableArray<Diagnostic> reported, IReadOnlyList<DiagnosticResult> expected)
    {
        foreach (var diagnostic in reported.Where(d => d.AdditionalLocations.Count > 0 && AdditionalLocationsRequired.Contains(d.Id)))
        {
            var asserted = expected.Any(r => r.Id == diagnostic.Id
                && !r.Options.HasFlag(DiagnosticOptions.IgnoreAdditionalLocations)
                && r.Spans.Length == 1 + diagnostic.AdditionalLocations.Count);
            if (!asserted)
            {
                throw new XunitException(
                    $"{diagnostic.Id} has {diagnostic.AdditionalLocations.Count} additional location(s); expect it with all of them " +
                    $"(Diagnostic(\"{diagnostic.Id}\").WithLocation(0).WithLocation(1)… over {{|#0:…|}} markers), not with [|…|]:\n" + Listing(new[] { diagnostic }));
            }
        }
    }

    private static ImmutableArray<Diagnostic> Lock(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal)).ToImmutableArray();

    /// <summary>Everything a user sees of each diagnostic, in a stable order.</summary>
    public static IEnumerable<string> Describe(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Id} {Where(d.Location)} {d.GetMessage()} [{string.Join(", ", d.AdditionalLocations.Select(Where))}]")
            .OrderBy(x => x, StringComparer.Ordinal);

    /// <summary>One line per diagnostic: where, id, message, and where its additional locations are.</summary>
    public static string Listing(IEnumerable<Diagnostic> diagnostics)
    {
        var output = new StringBuilder();
        foreach (var line in Describe(diagnostics))
        {
            output.Append("  ").AppendLine(line);
        }

        return output.ToString();
    }

    private static string Where(Location location)
    {
        if (!location.IsInSource)
        {
            return "(no location)";
        }

        var span = location.GetLineSpan();
        var text = location.SourceTree!.GetText().ToString(location.SourceSpan);
        return $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}) '{text}'";
    }
}
