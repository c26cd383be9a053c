using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using LockContracts.Analyzers.Rules;
using LockContracts.Lockdep;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// A seed's bug reintroduced as a source file (Variants/*.cs), compiled against the built model with
/// the analyzer, so that the test can check what the analyzer reports and run the buggy code.
/// A marker comment <c>// LOCKnnn: why</c> on a line says the analyzer must report that id there.
/// </summary>
public sealed partial class Variant
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(LockStateAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(Inode).Assembly.Location)
            .Append(typeof(CheckedLock).Assembly.Location)
            .Append(typeof(LockAttribute).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    private static readonly Dictionary<string, Variant> Cache = new();
    private Assembly? _assembly;

    private Variant(string fileName, string source, CSharpCompilation compilation)
    {
        FileName = fileName;
        Source = source;
        Compilation = compilation;
    }

    public string FileName { get; }

    public string Source { get; }

    public CSharpCompilation Compilation { get; }

    public static Variant Load(string fileName)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(fileName, out var cached))
            {
                return cached;
            }

            var path = Path.Combine(AppContext.BaseDirectory, "Variants", fileName);
            var source = File.ReadAllText(path);
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: fileName);
            var usings = CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.Linq; global using System.Threading;", new CSharpParseOptions(LanguageVersion.Latest), path: "GlobalUsings.cs");
            var compilation = CSharpCompilation.Create(
                Path.GetFileNameWithoutExtension(fileName),
                new[] { tree, usings },
                References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"{fileName} does not compile:\n" + string.Join("\n", errors));
            var variant = new Variant(fileName, source, compilation);
            Cache[fileName] = variant;
            return variant;
        }
    }

    /// <summary>The LOCK diagnostics the analyzer reports on the variant, as (id, 1-based line).</summary>
    public async Task<List<(string Id, int Line)>> AnalyzeAsync()
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await Compilation.WithAnalyzers(Analyzers, options).GetAllDiagnosticsAsync();
        Assert.True(exceptions.Count == 0, "The analyzer threw:\n" + string.Join("\n", exceptions));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics
            .Where(d => d.Id.StartsWith("LOCK", StringComparison.Ordinal) && d.Location.IsInSource)
            .Select(d => (d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1))
            .Distinct()
            .OrderBy(d => d.Item2).ThenBy(d => d.Id)
            .ToList();
    }

    /// <summary>The (id, line) pairs the variant's marker comments announce.</summary>
    public List<(string Id, int Line)> Markers() => Source.Split('\n')
        .SelectMany((line, number) => line.Contains("//", StringComparison.Ordinal)
            ? MarkerPattern().Matches(line[line.IndexOf("//", StringComparison.Ordinal)..]).Select(m => (m.Groups[1].Value, number + 1))
            : Enumerable.Empty<(string, int)>())
        .OrderBy(m => m.Item2).ThenBy(m => m.Item1)
        .ToList();

    /// <summary>Asserts that the analyzer reports exactly what the markers announce, each on its line.</summary>
    public async Task AssertAnalyzerReportsMarkersAsync()
    {
        var expected = Markers();
        Assert.NotEmpty(expected);
        var reported = await AnalyzeAsync();
        Assert.True(
            expected.SequenceEqual(reported),
            $"{FileName}: expected {Describe(expected)}, the analyzer reported {Describe(reported)}.");
    }

    /// <summary>A public static method of the emitted variant as a delegate, to run the bug in a stress test.</summary>
    public T Method<T>(string typeName, string methodName) where T : Delegate
    {
        if (_assembly is null)
        {
            using var stream = new MemoryStream();
            var result = Compilation.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            _assembly = Assembly.Load(stream.ToArray());
        }

        var method = _assembly.GetType(typeName, throwOnError: true)!.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{typeName}.{methodName} not found in {FileName}.");
        return method.CreateDelegate<T>();
    }

    private static string Describe(IEnumerable<(string Id, int Line)> diagnostics) =>
        "[" + string.Join(", ", diagnostics.Select(d => $"{d.Id} at line {d.Line}")) + "]";

    [GeneratedRegex(@"\b(LOCK\d{3}):")]
    private static partial Regex MarkerPattern();
}
