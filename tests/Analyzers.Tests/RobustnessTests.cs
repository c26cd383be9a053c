using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests;

/// <summary>Half-typed and erroneous code is normal input: the analyzers must never throw on it.</summary>
public class RobustnessTests
{
    private const string Sample = """
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        public sealed class Page { [Lock("Page.Lock")] public readonly object Lock = new(); public long Index; }
        public sealed class Inode
        {
            [Lock("Inode.Rwsem")] private readonly ReaderWriterLockSlim _rwsem = new();
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly Lock _lock = new();
            [MustRecheck(Under = new[] { "Page.Lock" })] public long Size { get; set; }
            [RequiresHeld("Inode.Rwsem")] private void SetSize(long size) => Size = size;
            [Acquires("Inode.Rwsem", On = "inode")] public static void LockInode(Inode inode) => inode._rwsem.EnterWriteLock();
            [Releases("Inode.Rwsem", On = "inode")] public static void UnlockInode(Inode inode) => inode._rwsem.ExitWriteLock();
            public async Task<long> TruncateAsync(Page page, long size)
            {
                await _gate.WaitAsync();
                try
                {
                    LockInode(this);
                    try
                    {
                        lock (page.Lock) { if (page.Index > size) return -1; }
                        SetSize(size);
                        using (_lock.EnterScope()) { Monitor.PulseAll(page.Lock); }
                        var taken = false;
                        try { Monitor.Enter(page.Lock, ref taken); return Size; }
                        finally { if (taken) Monitor.Exit(page.Lock); }
                    }
                    finally { UnlockInode(this); }
                }
                catch (Exception e) when (e is not OperationCanceledException) { return 0; }
                finally { _gate.Release(); }
            }
        }
        """;

    public static IEnumerable<object[]> Truncations()
    {
        for (var length = 0; length < Sample.Length; length += 23)
        {
            yield return new object[] { length };
        }
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public async Task TruncatedSourceNeverThrows(int length)
    {
        await LockAnalysis.AnalyzeAsync(LockAnalysis.Compile(Sample.Substring(0, length)));
    }

    [Fact]
    public async Task EveryLineDeletedInTurnNeverThrows()
    {
        var lines = Sample.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var source = string.Join('\n', lines.Where((_, index) => index != i));
            await LockAnalysis.AnalyzeAsync(LockAnalysis.Compile(source));
        }
    }

    [Theory]
    [InlineData("class C { void M() { lock () { } } }")]
    [InlineData("class C { void M() { Monitor.Enter(); Monitor.Exit(1, 2, 3); } }")]
    [InlineData("class C { void M() { lock (Missing) { Missing.Wait(); } } }")]
    [InlineData("class C { [RequiresHeld(] void M() { } }")]
    [InlineData("class C { [RequiresHeld(null)] [Acquires(On = null)] void M() { } }")]
    [InlineData("class C { [Lock(42)] object _a; [AcquiredBefore(null)] object _b; }")]
    [InlineData("[assembly: LockOrder(null)] [assembly: LockOrder()] class C { }")]
    [InlineData("class C { [TryAcquires] bool M() => true; [Acquires(\"X\", On = \"return\")] void N() { } }")]
    [InlineData("class C { readonly SemaphoreSlim _s = new(); void M() { _s.Wait(); } }")]
    [InlineData("class C { void M() { var l = new Lock(); using (l.EnterScope() { } } }")]
    [InlineData("class C { object _o; void M() { lock (_o) goto x; x: ; } }")]
    [InlineData("class C<T> where T : class { T _t; void M() { lock (_t) { } } }")]
    [InlineData("class C { void M(dynamic d) { lock (d) { Monitor.Exit(d); } } }")]
    [InlineData("partial class C { partial void M(); }")]
    [InlineData("class C { object _o; void M() => lock (_o) { }; }")]
    [InlineData("class C { static object O; static C() { lock (O) { } } ~C() { lock (O) { } } }")]
    [InlineData("class C { object _o; object P { get { lock (_o) return 1; } set { lock (_o) { } } } }")]
    [InlineData("class C { void M() { Func<int> f = () => { lock (this) { return 1; } }; } }")]
    [InlineData("interface I { [Acquires] void Enter(); [Releases] void Exit(); } class C { void M(I i) { i.Enter(); i.Exit(); i.Exit(); } }")]
    public async Task MalformedOrOddCodeNeverThrows(string source)
    {
        await LockAnalysis.AnalyzeAsync(LockAnalysis.Compile(source));
    }

    [Fact]
    public async Task LargeMethodSettlesWithinItsBudget()
    {
        var body = string.Concat(Enumerable.Range(0, 300).Select(i =>
            $"if (n == {i}) {{ lock (_a) {{ Touch(); }} }} else {{ Monitor.Enter(_a); try {{ Touch(); }} finally {{ Monitor.Exit(_a); }} }}\n"));
        await LockAnalyzerVerifier.VerifyAsync($$"""
            class C
            {
                readonly object _a = new();
                int _n;
                [RequiresHeld("C._a")] void Touch() => _n++;
                void M(int n)
                {
                    {{body}}
                }
            }
            """);
    }
}
