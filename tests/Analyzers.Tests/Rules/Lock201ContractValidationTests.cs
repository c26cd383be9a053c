using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock201ContractValidationTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK201");

    /// <summary>The package's MSBuild properties, misspelt or malformed, are reported once; well-formed ones are not.</summary>
    [Theory]
    [InlineData("sometimes", null, "LockContractsCycleReporting is 'sometimes'")]
    [InlineData(null, "lots", "LockContractsLiveCycleLimit is 'lots'")]
    [InlineData("Build", "500", null)]
    [InlineData(" live ", "0", null)]
    public async Task MalformedOptions(string? mode, string? limit, string? expected)
    {
        var options = new Dictionary<string, string>();
        if (mode is not null)
        {
            options[Analyzers.Rules.LockStateAnalyzer.CycleReportingProperty] = mode;
        }

        if (limit is not null)
        {
            options[Analyzers.Rules.LockStateAnalyzer.LiveLimitProperty] = limit;
        }

        // Reported without a location: an expected diagnostic with none.
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(
            "class Plain { readonly object _gate = new(); void M() { lock (_gate) { } } }",
            globalOptions: options,
            expected: expected is null ? Array.Empty<DiagnosticResult>() : new[] { LockAnalyzerVerifier.Diagnostic("LOCK201") });
        if (expected is not null)
        {
            var diagnostic = Assert.Single(diagnostics);
            Assert.StartsWith(expected, diagnostic.GetMessage(), StringComparison.Ordinal);
            Assert.False(diagnostic.Location.IsInSource);
        }
    }

    /// <summary>The package's other properties: whole numbers (LockContractsCyclesPerGroup, LockContractsMethodsPerSummary, LockContractsDispatchTargets) or true/false (LockContractsLiveIncremental).</summary>
    [Theory]
    [InlineData("LockContractsCyclesPerGroup", "few", "LockContractsCyclesPerGroup is 'few'")]
    [InlineData("LockContractsCyclesPerGroup", " 3 ", null)]
    [InlineData("LockContractsMethodsPerSummary", "many", "LockContractsMethodsPerSummary is 'many'")]
    [InlineData("LockContractsMethodsPerSummary", "500", null)]
    [InlineData("LockContractsDispatchTargets", "all", "LockContractsDispatchTargets is 'all'")]
    [InlineData("LockContractsDispatchTargets", "32", null)]
    [InlineData("LockContractsLiveIncremental", "sometimes", "LockContractsLiveIncremental is 'sometimes'")]
    [InlineData("LockContractsLiveIncremental", "false", null)]
    [InlineData("LockContractsLiveIncremental", " True ", null)]
    public async Task MalformedOption(string property, string value, string? expected)
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(
            "class Plain { readonly object _gate = new(); void M() { lock (_gate) { } } }",
            globalOptions: new Dictionary<string, string> { ["build_property." + property] = value },
            expected: expected is null ? Array.Empty<DiagnosticResult>() : new[] { LockAnalyzerVerifier.Diagnostic("LOCK201") });
        if (expected is not null)
        {
            Assert.StartsWith(expected, Assert.Single(diagnostics).GetMessage(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownLockName()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Inode
            {
                [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
                [[|RequiresHeld("Inode.Rwsm")|]] void SetSize() { }
            }
            """, "LOCK201");
        Assert.Contains("'Inode.Rwsm' is not declared", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task UnknownOn() => Verify("""
        class Inode
        {
            [Lock("Inode.Lock")] public readonly object Lock = new();
            [[|RequiresHeld("Inode.Lock", On = "node")|]] static void SetSize(Inode inode) { }
        }
        """);

    [Fact]
    public async Task CycleInTheDeclaredOrder()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            [assembly: LockOrder("A", "B", "C")]
            [assembly: [|LockOrder("C", "A")|]]
            class C
            {
                [Lock("A")] readonly object _a = new();
                [Lock("B")] readonly object _b = new();
                [Lock("C")] readonly object _c = new();
            }
            """, "LOCK201");
        Assert.Contains("cycle", Assert.Single(diagnostics).GetMessage());
        Assert.Contains("A → B → C", diagnostics[0].GetMessage());
    }

    [Fact]
    public Task CycleThroughFieldDeclarations() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B"), [|AcquiredBefore("A")|]] readonly object _b = new();
        }
        """);

    [Fact]
    public Task DeclaredOrderCycleIsLeftOutSoTheRestStillChecks() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("A", "B")]
        [assembly: {|LOCK201:LockOrder("B", "A")|}]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            void M() { lock (_b) { lock ({|LOCK002:_a|}) { } } }
            void N() { lock (_a) { lock (_b) { } } }
        }
        """);

    [Fact]
    public Task LockOnAValueType() => Verify("""
        class C
        {
            [[|Lock("C.Count")|]] int _count;
        }
        """);

    [Fact]
    public Task EmptyLockName() => Verify("""
        class C
        {
            [[|Lock(" ")|]] readonly object _sync = new();
        }
        """);

    [Fact]
    public Task TryAcquiresOnAMethodThatReturnsNoBool() => Verify("""
        class C
        {
            readonly object _sync = new();
            [[|TryAcquires("C._sync", true)|]] [NoLockAnalysis] void TryEnter() => Monitor.TryEnter(_sync);
        }
        """);

    [Fact]
    public Task ReturnIsNotATargetForRequirements() => Verify("""
        class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
        class Cache
        {
            [[|RequiresHeld("Page.Lock", On = "return")|]] Page Find() => new();
        }
        """);

    [Fact]
    public Task NamelessContractOnAStaticMethod() => Verify("""
        static class Gate
        {
            [[|Acquires|]] [NoLockAnalysis] static void Enter() { }
        }
        """);

    [Fact]
    public Task InstanceLockOfThisOnAStaticMethod() => Verify("""
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            [[|Releases("Page.Lock")|]] [NoLockAnalysis] public static void Unlock(Page page) => Monitor.Exit(page.Lock);
            [Releases("Page.Lock", On = "page")] public static void UnlockPage(Page page) => Monitor.Exit(page.Lock);
        }
        """);

    [Fact]
    public Task StaticLockOfAStaticMethodIsFine() => Verify("""
        static class Registry
        {
            [Lock("Registry.Gate")] static readonly object Gate = new();
            [RequiresHeld("Registry.Gate")] static void Add() { }
        }
        """);

    [Fact]
    public Task LockOrderWithOneName() => Verify("""
        [assembly: [|LockOrder("A")|]]
        class C { [Lock("A")] readonly object _a = new(); }
        """);

    [Fact]
    public Task UnknownNameInAcquiredBefore() => Verify("""
        class C
        {
            [Lock("A"), [|AcquiredBefore("Missing")|]] readonly object _a = new();
        }
        """);

    [Fact]
    public Task UnknownNameInMustRecheck() => Verify("""
        class Inode
        {
            [[|MustRecheck(Under = new[] { "PageTable.Pt" })|]] public long Size { get; set; }
        }
        """);

    [Fact]
    public Task UnknownNameInValidWhileHeld() => Verify("""
        class Inode
        {
            [Lock("Inode.InvalidateLock")] public readonly object InvalidateLock = new();
            [[|EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.Invalidate")|]]
            static void BreakLayouts(Inode inode) { }
        }
        """);

    [Fact]
    public Task StateOnAParameterThatDoesNotExist() => Verify("""
        static class Blocks
        {
            [[|RequiresState("LayoutsBroken", On = "inode")|]] static void Free(object node) { }
        }
        """);

    [Fact]
    public Task NamelessContractOnAnIntParameter() => Verify("""
        static class Locks
        {
            [[|Releases(On = "id")|]] [NoLockAnalysis] static void Unlock(int id) { }
        }
        """);

    [Fact]
    public Task WellFormedContractsAreSilent() => Verify("""
        [assembly: LockOrder("Inode.Rwsem", "Inode.InvalidateLock", "Page.Lock")]
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
        }
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly ReaderWriterLockSlim Rwsem = new();
            [Lock("Inode.InvalidateLock"), AcquiredAfter("Inode.Rwsem")] public readonly object InvalidateLock = new();
            [MustRecheck(Under = new[] { "Page.Lock" })] public long Size { get; set; }
            [RequiresHeld("Inode.Rwsem", Shared = true)] public long ReadSize() => Size;
            [Acquires("Inode.Rwsem", On = "inode")] public static void LockInode(Inode inode) => inode.Rwsem.EnterWriteLock();
            [Releases("Inode.Rwsem", On = "inode")] public static void UnlockInode(Inode inode) => inode.Rwsem.ExitWriteLock();
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")] public static void BreakLayouts(Inode inode) { }
            [RequiresState("LayoutsBroken", On = "inode")] public static void FreeBlocks(Inode inode, long first, long count) { }
        }
        """);

    [Fact]
    public Task ImplicitNamesOfUnannotatedMembersAreKnown() => Verify("""
        class Ledger
        {
            readonly object _gate = new();
            [RequiresHeld("Ledger._gate")] void Post() { }
            [Excludes("Ledger")] void Flush() { lock (this) { } }
        }
        """);

    [Fact]
    public Task SpinLockMayBeALock() => Verify("""
        class C
        {
            [Lock("C.Spin")] SpinLock _spin = new(false);
        }
        """);

    [Fact]
    public Task ReturnTargetOnAnAcquiringFactory() => Verify("""
        class Page
        {
            [Lock("Page.Lock")] public readonly object Lock = new();
            [Acquires("Page.Lock", On = "return")] [NoLockAnalysis]
            public static Page FindLocked() => new();
        }
        """);
}
