using LockContracts.Analyzers.Tests.Verification;

namespace LockContracts.Analyzers.Tests;

public class SmokeTests
{
    [Fact]
    public async Task DeclaredOrderViolationIsReported()
    {
        await LockVerifier.VerifyAsync("""
            [assembly: LockOrder("A", "B")]
            class C
            {
                [Lock("A")] readonly object _a = new();
                [Lock("B")] readonly object _b = new();
                void M()
                {
                    lock (_b)
                    {
                        lock ({|LOCK002:_a|}) { }
                    }
                }
            }
            """);
    }
}
