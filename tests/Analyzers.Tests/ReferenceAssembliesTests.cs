using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockContracts.Analyzers.Tests;

/// <summary>
/// Cases compile against .NET 8 reference assemblies, the oldest SDK the package supports, where
/// System.Threading.Lock does not exist; the cases that use it compile against .NET 10.
/// </summary>
public class ReferenceAssembliesTests
{
    [Fact]
    public async Task SystemThreadingLockExistsOnlyFromNet9()
    {
        Assert.Null(await LockTypeAsync(LockTestSetup.Net80));
        Assert.NotNull(await LockTypeAsync(LockTestSetup.Net100));
    }

    private const string UsesTheLockType = """
        class Cache
        {
            readonly Lock _lock = new();
            void Leak() { _lock.Enter(); }
            void Scoped() { using (_lock.EnterScope()) { } }
        }
        """;

    [Fact]
    public Task WithSystemThreadingLockItsMisuseIsReported() =>
        LockAnalyzerVerifier.VerifyAsync(UsesTheLockType.Replace("_lock.Enter();", "[|_lock.Enter()|];"), "LOCK102", referenceAssemblies: LockTestSetup.Net100);

    [Fact]
    public Task WithoutSystemThreadingLockTheAnalyzerIsSilentAndDoesNotThrow() =>
        // The same source: 'Lock' does not bind (compiler errors), and no analyzer reports or throws.
        LockAnalyzerVerifier.VerifyAsync(UsesTheLockType, allowCompilerErrors: true);

    [Fact]
    public Task AUserTypeNamedLockIsNotTheRuntimesLock() => LockAnalyzerVerifier.VerifyAsync("""
        namespace Storage
        {
            sealed class Lock
            {
                public void Enter() { }
                public void Exit() { }
                public Scope EnterScope() => new();
                public ref struct Scope { public void Dispose() { } }
            }
            class Cache
            {
                readonly Lock _lock = new();
                readonly SemaphoreSlim _gate = new(1, 1);
                void Leak() { _lock.Enter(); }
                void Scoped() { using (_lock.EnterScope()) { } }
                void Balanced() { lock (this) { } _gate.Wait(); try { } finally { _gate.Release(); } }
            }
        }
        """);

    private static async Task<INamedTypeSymbol?> LockTypeAsync(Microsoft.CodeAnalysis.Testing.ReferenceAssemblies referenceAssemblies)
    {
        var references = await referenceAssemblies.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return CSharpCompilation.Create("Probe", references: references).GetTypeByMetadataName("System.Threading.Lock");
    }
}
