using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock104StateNotEstablishedTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(Model + source, "LOCK104");

    private const string Model = """
        class Inode
        {
            [Lock("Inode.InvalidateLock")] public readonly object InvalidateLock = new();
        }
        static class Dax
        {
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            public static void BreakLayouts(Inode inode) { }

            [RequiresState("LayoutsBroken", On = "inode")]
            public static void FreeBlocks(Inode inode, long first, long count) { }

            [TemporarilyReleases("Inode.InvalidateLock", On = "inode")]
            public static void WaitForPins(Inode inode) { Monitor.Exit(inode.InvalidateLock); Monitor.Enter(inode.InvalidateLock); }
        }

        """;

    [Fact]
    public async Task BlocksFreedBeforeLayoutsAreBroken()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(Model + """
            class Evict
            {
                void Run(Inode inode) { lock (inode.InvalidateLock) { [|Dax.FreeBlocks(inode, 0, 8)|]; } }
            }
            """, "LOCK104");
        Assert.Equal(
            "'Dax.FreeBlocks' requires state 'LayoutsBroken' on inode, which does not hold here: it was never established on some path, or the lock that kept it valid was released since",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task BrokenThenFreedUnderOneHoldIsSilent() => Verify("""
        class Evict
        {
            void Run(Inode inode)
            {
                lock (inode.InvalidateLock)
                {
                    Dax.BreakLayouts(inode);
                    Dax.FreeBlocks(inode, 0, 8);
                }
            }
        }
        """);

    [Fact]
    public Task ReleasingTheLockEndsTheState() => Verify("""
        class Evict
        {
            void Run(Inode inode)
            {
                lock (inode.InvalidateLock) { Dax.BreakLayouts(inode); }
                lock (inode.InvalidateLock) { [|Dax.FreeBlocks(inode, 0, 8)|]; }
            }
        }
        """);

    [Fact]
    public Task TemporaryReleaseEndsTheState() => Verify("""
        class Evict
        {
            void Run(Inode inode)
            {
                lock (inode.InvalidateLock)
                {
                    Dax.BreakLayouts(inode);
                    Dax.WaitForPins(inode);
                    [|Dax.FreeBlocks(inode, 0, 8)|];
                }
            }
        }
        """);

    [Fact]
    public Task StateOfAnotherObjectDoesNotCount() => Verify("""
        class Evict
        {
            void Run(Inode inode, Inode other)
            {
                lock (inode.InvalidateLock)
                {
                    Dax.BreakLayouts(other);
                    [|Dax.FreeBlocks(inode, 0, 8)|];
                }
            }
        }
        """);

    [Fact]
    public Task EstablishedOnOnlyOneBranch() => Verify("""
        class Evict
        {
            void Run(Inode inode, bool mapped)
            {
                lock (inode.InvalidateLock)
                {
                    if (mapped) Dax.BreakLayouts(inode);
                    [|Dax.FreeBlocks(inode, 0, 8)|];
                }
            }
        }
        """);

    [Fact]
    public Task EstablishedOnEveryBranchIsSilent() => Verify("""
        class Evict
        {
            void Run(Inode inode, bool mapped)
            {
                lock (inode.InvalidateLock)
                {
                    if (mapped) Dax.BreakLayouts(inode);
                    else Dax.BreakLayouts(inode);
                    Dax.FreeBlocks(inode, 0, 8);
                }
            }
        }
        """);

    [Fact]
    public Task LoopThatDropsTheLockBetweenRounds() => Verify("""
        class Punch
        {
            void Run(Inode inode, int rounds)
            {
                Monitor.Enter(inode.InvalidateLock);
                Dax.BreakLayouts(inode);
                for (var i = 0; i < rounds; i++)
                {
                    [|Dax.FreeBlocks(inode, i, 1)|];
                    Monitor.Exit(inode.InvalidateLock);
                    Monitor.Enter(inode.InvalidateLock);
                }
                Monitor.Exit(inode.InvalidateLock);
            }
        }
        """);

    [Fact]
    public Task BodyThatRequiresTheStateStartsWithIt() => Verify("""
        static class Truncate
        {
            [RequiresState("LayoutsBroken", On = "inode")]
            static void Tail(Inode inode) => Dax.FreeBlocks(inode, 8, 8);
        }
        """);

    [Fact]
    public Task BodyMustEstablishWhatItDeclares() => Verify("""
        static class Layouts
        {
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            static void [|BreakIfMapped|](Inode inode, bool mapped) { if (mapped) Dax.BreakLayouts(inode); }

            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            static void Break(Inode inode) => Dax.BreakLayouts(inode);
        }
        """);

    [Fact]
    public Task StateInATryBlockStillHolds() => Verify("""
        class Evict
        {
            void Run(Inode inode)
            {
                Monitor.Enter(inode.InvalidateLock);
                try
                {
                    Dax.BreakLayouts(inode);
                    Dax.FreeBlocks(inode, 0, 8);
                }
                finally { Monitor.Exit(inode.InvalidateLock); }
            }
        }
        """);

    [Fact]
    public Task AliasThroughALocal() => Verify("""
        class Evict
        {
            void Run(Inode inode)
            {
                var same = inode;
                lock (inode.InvalidateLock)
                {
                    Dax.BreakLayouts(same);
                    Dax.FreeBlocks(inode, 0, 8);
                }
            }
        }
        """);

    [Fact]
    public Task StateOfThisWithoutALock() => LockAnalyzerVerifier.VerifyAsync("""
        class Comparison
        {
            [EstablishesState("IoDrained")] public void DrainIo() { }
            [RequiresState("IoDrained")] public bool Compare() => true;
            bool Good() { DrainIo(); return Compare(); }
            bool Bad() => [|Compare()|];
        }
        """, "LOCK104");

    [Fact]
    public Task EarlyReturnBeforeTheRequiringCallIsFine() => Verify("""
        class Evict
        {
            void Run(Inode inode, bool skip)
            {
                lock (inode.InvalidateLock)
                {
                    if (skip) return;
                    Dax.BreakLayouts(inode);
                    Dax.FreeBlocks(inode, 0, 8);
                }
            }
        }
        """);

    [Fact]
    public Task ForeachVariableIsAnObjectOfItsOwn() => LockAnalyzerVerifier.VerifyAsync("""
        public sealed class Page { [Lock("Page.Lock")] public readonly object Lock = new(); }
        public static class Cache
        {
            [RequiresHeld("Page.Lock", On = "page"), EstablishesState("Clean", On = "page", ValidWhileHeld = "Page.Lock")]
            public static void WriteBack(Page page) { }

            [RequiresHeld("Page.Lock", On = "page"), RequiresState("Clean", On = "page")]
            public static void Remove(Page page) { }

            public static void Loop(List<Page> pages)
            {
                foreach (var page in pages) { lock (page.Lock) { [|Cache.Remove(page)|]; } }
            }

            public static void LoopChecked(List<Page> pages)
            {
                foreach (var page in pages) { lock (page.Lock) { Cache.WriteBack(page); Cache.Remove(page); } }
            }
        }
        """, "LOCK104");
}
