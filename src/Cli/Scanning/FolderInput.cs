using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockContracts.Cli.Scanning;

/// <summary>
/// A folder of .cs files as one compilation, against the reference assemblies of the runtime the
/// scanner runs on and the LockContracts annotations. Compile errors are counted, not fatal: a
/// source folder taken out of its build rarely binds completely.
/// </summary>
internal static class FolderInput
{
    /// <summary>The global usings the .NET SDK adds to a console or library project with ImplicitUsings on.</summary>
    public static readonly ImmutableArray<string> SdkImplicitUsings = ImmutableArray.Create(
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks");

    /// <summary>The generated file that holds <see cref="SdkImplicitUsings"/> (not counted as a source file).</summary>
    public const string ImplicitUsingsFile = "LockContracts.ImplicitUsings.g.cs";

    private static readonly string[] SkippedFolders = { "bin", "obj", ".git", "node_modules" };

    public static IReadOnlyList<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                .Any(part => SkippedFolders.Contains(part, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();

    public static Compilation Compile(string folder, IReadOnlyList<string> defines, bool implicitUsings, CancellationToken cancellationToken)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: defines);
        var trees = new List<SyntaxTree>();
        foreach (var file in SourceFiles(folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stream = File.OpenRead(file);
            var text = Microsoft.CodeAnalysis.Text.SourceText.From(stream, canBeEmbedded: true);
            trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, file, cancellationToken));
        }

        if (implicitUsings)
        {
            var usings = string.Concat(SdkImplicitUsings.Select(u => $"global using global::{u};\n"));
            trees.Add(CSharpSyntaxTree.ParseText(usings, parseOptions, Path.Combine(folder, "obj", ImplicitUsingsFile), cancellationToken: cancellationToken));
        }

        return CSharpCompilation.Create(
            Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        RuntimeReferencePaths().Append(typeof(LockAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    /// <summary>
    /// The reference pack of the running runtime (packs/Microsoft.NETCore.App.Ref/&lt;version&gt;), the
    /// newest one of the same major version when the exact one is not installed; the runtime's own
    /// assemblies when there is no pack at all.
    /// </summary>
    private static IEnumerable<string> RuntimeReferencePaths()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var version = Environment.Version;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        if (Directory.Exists(packs))
        {
            var pack = Directory.EnumerateDirectories(packs)
                .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                .Where(p => p.Version is not null && p.Version.Major == version.Major)
                .OrderByDescending(p => p.Version)
                .Select(p => Path.Combine(p.Dir, "ref", $"net{version.Major}.0"))
                .FirstOrDefault(Directory.Exists);
            if (pack is not null)
            {
                return Directory.EnumerateFiles(pack, "*.dll");
            }
        }

        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal)
                || name is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll"));
    }
}
