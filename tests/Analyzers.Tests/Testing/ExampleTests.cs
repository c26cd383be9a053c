using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Testing;

public class ExampleTests
{
    [Fact]
    public Task SemaphoreNotReleasedOnEveryPath() => LockAnalyzerVerifier.VerifyAsync("""
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M(bool early)
            {
                [|_gate.Wait()|];
                if (early) return;
                _gate.Release();
            }
        }
        """, "LOCK102");

    [Fact]
    public Task CycleWithItsOtherPath() => LockAnalyzerVerifier.VerifyAsync("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { lock ({|#0:_b|}) { } } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
        }
        """, expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) });
}
