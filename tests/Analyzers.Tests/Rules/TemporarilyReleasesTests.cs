using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>[TemporarilyReleases]: held before and after, with what depended on it invalidated.</summary>
public class TemporarilyReleasesTests
{
    private const string Page = """
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            public bool Dirty;
            [RequiresHeld("Page.Lock")] public void Clean() => Dirty = false;
            [TemporarilyReleases("Page.Lock")] public void WaitOnWriteback() { Monitor.Exit(Lock); Monitor.Enter(Lock); }
        }

        """;

    [Fact]
    public Task CallingItWithoutTheLockIsLock101() => LockAnalyzerVerifier.VerifyAsync(Page + """
        class Writer { void M(Page page) => [|page.WaitOnWriteback()|]; }
        """, "LOCK101");

    [Fact]
    public Task TheLockIsStillHeldAfterIt() => LockAnalyzerVerifier.VerifyAsync(Page + """
        class Writer { void M(Page page) { lock (page.Lock) { page.WaitOnWriteback(); page.Clean(); } } }
        """);

    [Fact]
    public Task ItsBodyMayDropAndRetakeTheLock() => LockAnalyzerVerifier.VerifyAsync(Page);

    [Fact]
    public Task ItsBodyMustNotReturnWithoutTheLock() => LockAnalyzerVerifier.VerifyAsync("""
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            [TemporarilyReleases("Page.Lock")] public void {|LOCK102:WaitOnWriteback|}() { Monitor.Exit(Lock); }
        }
        """);

    [Fact]
    public Task CallingItThroughASummaryIsNoSelfDeadlock() => LockAnalyzerVerifier.VerifyAsync("""
        class Page
        {
            [Lock("Page.Lock")] public readonly SemaphoreSlim Lock = new(1, 1);
            [TemporarilyReleases("Page.Lock")] public void Yield() { Lock.Release(); Lock.Wait(); }
            void M() { Lock.Wait(); try { Yield(); } finally { Lock.Release(); } }
        }
        """);
}
