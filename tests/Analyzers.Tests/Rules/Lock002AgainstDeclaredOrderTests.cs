using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock002AgainstDeclaredOrderTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK002");

    /// <summary>For cases that use System.Threading.Lock (.NET 9 and later).</summary>
    private static Task VerifyOnNet10(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK002", referenceAssemblies: LockTestSetup.Net100);

    [Fact]
    public async Task LockStatementsNestedAgainstAssemblyOrder()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
            class Inode { [Lock("Inode.Rwsem")] public readonly object Rwsem = new(); }
            class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
            class Truncate
            {
                void Run(Inode inode, Page page)
                {
                    lock (page.Lock)
                    {
                        lock ([|inode.Rwsem|]) { }
                    }
                }
            }
            """, "LOCK002");
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "'Inode.Rwsem' (inode.Rwsem) is taken while 'Page.Lock' (page.Lock) is held, but the declared order takes 'Inode.Rwsem' first; a thread that follows the order can deadlock with this one",
            diagnostic.GetMessage());
        var heldAt = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal("page.Lock", heldAt.SourceTree!.GetText().ToString(heldAt.SourceSpan));
    }

    [Fact]
    public async Task OrderDeclaredInOneFileViolatedInAnother()
    {
        var diagnostic = Assert.Single(await LockAnalyzerVerifier.VerifyAsync(new[]
        {
            """
            [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
            class Inode { [Lock("Inode.Rwsem")] public readonly object Rwsem = new(); }
            class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
            """,
            """
            class Truncate
            {
                void Run(Inode inode, Page page)
                {
                    lock ({|#1:page.Lock|})
                    {
                        lock ({|#0:inode.Rwsem|}) { }
                    }
                }
                void InOrder(Inode inode, Page page) { lock (inode.Rwsem) { lock (page.Lock) { } } }
            }
            """,
        }, expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK002").WithLocation(0).WithLocation(1) }));
        Assert.Equal("Test1.cs", Path.GetFileName(diagnostic.Location.GetLineSpan().Path));
    }

    [Fact]
    public Task LockStatementsNestedInDeclaredOrderAreSilent() => Verify("""
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        class Inode { [Lock("Inode.Rwsem")] public readonly object Rwsem = new(); }
        class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
        class Truncate
        {
            void Run(Inode inode, Page page)
            {
                lock (inode.Rwsem) { lock (page.Lock) { } }
            }
        }
        """);

    [Fact]
    public Task AcquiredBeforeOnTheField() => Verify("""
        class C
        {
            [Lock("A"), AcquiredBefore("B")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            void M() { lock (_b) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task AcquiredAfterOnTheField() => Verify("""
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B"), AcquiredAfter("A")] readonly object _b = new();
            void M() { lock (_b) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task OrderIsTransitive() => Verify("""
        [assembly: LockOrder("A", "B", "C")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            [Lock("C")] readonly object _c = new();
            void M() { lock (_c) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task SeveralDeclarationsAreUnionedIntoOneOrder() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B"), AcquiredBefore("C")] readonly object _b = new();
            [Lock("C")] readonly object _c = new();
            void M() { lock (_c) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task ImplicitClassNamesOfUnannotatedFields() => Verify("""
        [assembly: LockOrder("Ledger._accounts", "Ledger._audit")]
        class Ledger
        {
            readonly object _accounts = new();
            readonly object _audit = new();
            void Flush() { lock (_audit) { lock ([|_accounts|]) { } } }
        }
        """);

    [Fact]
    public Task ReaderWriterLockSlimWriteUnderMonitorAgainstOrder() => Verify("""
        [assembly: LockOrder("Inode.Rwsem", "Mapping.Lock")]
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            [Lock("Mapping.Lock")] readonly object _mapping = new();
            void M()
            {
                lock (_mapping)
                {
                    [|_rwsem.EnterWriteLock()|];
                    _rwsem.ExitWriteLock();
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreWaitAgainstOrder() => Verify("""
        [assembly: LockOrder("Cache.Gate", "Cache.Stats")]
        class Cache
        {
            [Lock("Cache.Gate")] readonly SemaphoreSlim _gate = new(1, 1);
            [Lock("Cache.Stats")] readonly object _stats = new();
            void M()
            {
                lock (_stats)
                {
                    [|_gate.Wait()|];
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task ThreadingLockScopeAgainstOrder() => VerifyOnNet10("""
        [assembly: LockOrder("C.First", "C.Second")]
        class C
        {
            [Lock("C.First")] readonly Lock _first = new();
            [Lock("C.Second")] readonly Lock _second = new();
            void M()
            {
                using (_second.EnterScope())
                {
                    using ([|_first.EnterScope()|]) { }
                }
            }
        }
        """);

    [Fact]
    public Task AcquiresContractCalledAgainstOrder() => Verify("""
        [assembly: LockOrder("Inode.Rwsem", "Page.Lock")]
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            [Acquires("Inode.Rwsem")] public void LockExclusive() => _rwsem.EnterWriteLock();
            [Releases("Inode.Rwsem")] public void Unlock() => _rwsem.ExitWriteLock();
        }
        class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
        class Fault
        {
            void Run(Inode inode, Page page)
            {
                lock (page.Lock)
                {
                    [|inode.LockExclusive()|];
                    inode.Unlock();
                }
            }
        }
        """);

    [Fact]
    public Task RequiresHeldLockCountsAsHeldFromTheFirstLine() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            [RequiresHeld("B")] void UnderB() { lock ([|_a|]) { } }
        }
        """);

    [Fact]
    public Task StaticLocksAgainstOrder() => Verify("""
        [assembly: LockOrder("Registry.Gate", "Log.Gate")]
        static class Registry { [Lock("Registry.Gate")] public static readonly object Gate = new(); }
        static class Log
        {
            [Lock("Log.Gate")] static readonly object Gate = new();
            static void Write() { lock (Gate) { lock ([|Registry.Gate|]) { } } }
        }
        """);

    [Fact]
    public Task HeldOnOnlyOnePathIsStillReported() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            void M(bool flag)
            {
                if (flag) Monitor.Enter(_b);
                lock ([|_a|]) { }
                if (flag) Monitor.Exit(_b);
            }
        }
        """);

    [Fact]
    public Task ReversedButNotNestedIsSilent() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            void M()
            {
                lock (_b) { }
                lock (_a) { }
            }
        }
        """);

    [Fact]
    public Task TryAcquisitionCannotBlockAndIsSilent() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            void M()
            {
                lock (_b)
                {
                    if (Monitor.TryEnter(_a))
                    {
                        try { } finally { Monitor.Exit(_a); }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ClassesTheOrderDoesNotRelateAreSilent() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            [Lock("X")] readonly object _x = new();
            void M() { lock (_x) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task NoDeclaredOrderIsSilent() => Verify("""
        class C
        {
            readonly object _a = new();
            readonly object _b = new();
            void M() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task ReleasedBeforeTakingTheEarlierLockIsSilent() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            void M()
            {
                Monitor.Enter(_b);
                try { } finally { Monitor.Exit(_b); }
                lock (_a) { }
            }
        }
        """);

    [Fact]
    public Task LockInsideLambdaDoesNotRunUnderTheCreatorsLock() => Verify("""
        [assembly: LockOrder("A", "B")]
        class C
        {
            [Lock("A")] readonly object _a = new();
            [Lock("B")] readonly object _b = new();
            Action M()
            {
                lock (_b)
                {
                    return () => { lock (_a) { } };
                }
            }
        }
        """);
}
