using System.Reflection;

namespace LockContracts.Package.Tests;

/// <summary>Facts about the build that produced this test assembly, baked in by Package.Tests.csproj.</summary>
internal static class BuildSettings
{
    /// <summary>The packing project, nuget/LockContracts/LockContracts.csproj.</summary>
    public static string PackingProject { get; } = Metadata("PackingProject");

    /// <summary>The packing project of the attributes' package, nuget/LockContracts.Annotations.</summary>
    public static string AnnotationsPackingProject { get; } = Metadata("AnnotationsPackingProject");

    /// <summary>The packing project of the runtime validator's package, nuget/LockContracts.Lockdep.</summary>
    public static string LockdepPackingProject { get; } = Metadata("LockdepPackingProject");

    /// <summary>The version of Microsoft.Net.Compilers.Toolset the older-compiler consumer builds with.</summary>
    public static string CompilerToolsetVersion { get; } = Metadata("CompilerToolsetVersion");

    /// <summary>
    /// The package folder this test project restored into. It holds the compiler toolset (a
    /// PackageDownload of Package.Tests.csproj) and, laid out as a folder feed, supplies it to the
    /// consumer that builds with it.
    /// </summary>
    public static string NuGetPackageRoot { get; } = Metadata("NuGetPackageRoot");

    /// <summary>
    /// The configuration the tests were built in. The project reference to the packing project
    /// built the analyzer and annotations in this same configuration, which is what makes
    /// <c>dotnet pack --no-build</c> pack the binaries of this build and nothing older.
    /// </summary>
    public static string Configuration { get; } = Metadata("Configuration");

    private static string Metadata(string key) =>
        typeof(BuildSettings).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no [AssemblyMetadata(\"{key}\")]; see Package.Tests.csproj.");
}
