using LockContracts.Analyzers.Tests.Testing;
using LockContracts.CodeFixes;

namespace LockContracts.Analyzers.Tests.CodeFixes;

public class EstablishStateFixTests
{
    private const string Model = """
        class Inode { [Lock("Inode.InvalidateLock")] public readonly object InvalidateLock = new(); }
        static class Dax
        {
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            public static void BreakLayouts(Inode inode) { }
            [RequiresState("LayoutsBroken", On = "inode")]
            public static void FreeBlocks(Inode inode, long first, long count) { }
        }

        """;

    [Fact]
    public Task InsertsTheOnlyEstablisherBeforeTheCall() => LockCodeFixVerifier<EstablishStateCodeFixProvider>.VerifyFixAsync(Model + """
        class Evict
        {
            void Run(Inode victim)
            {
                lock (victim.InvalidateLock)
                {
                    {|LOCK104:Dax.FreeBlocks(victim, 0, 8)|};
                }
            }
        }
        """, Model + """
        class Evict
        {
            void Run(Inode victim)
            {
                lock (victim.InvalidateLock)
                {
                    Dax.BreakLayouts(victim);
                    Dax.FreeBlocks(victim, 0, 8);
                }
            }
        }
        """);

    [Fact]
    public Task InstanceEstablisherOnTheSameObject() => LockCodeFixVerifier<EstablishStateCodeFixProvider>.VerifyFixAsync("""
        class Comparison
        {
            [EstablishesState("IoDrained")] public void DrainIo() { }
            [RequiresState("IoDrained")] public bool Compare() => true;
        }
        class Dedupe
        {
            bool Run(Comparison c) => Check(c);
            bool Check(Comparison c)
            {
                return {|LOCK104:c.Compare()|};
            }
        }
        """, """
        class Comparison
        {
            [EstablishesState("IoDrained")] public void DrainIo() { }
            [RequiresState("IoDrained")] public bool Compare() => true;
        }
        class Dedupe
        {
            bool Run(Comparison c) => Check(c);
            bool Check(Comparison c)
            {
                c.DrainIo();
                return c.Compare();
            }
        }
        """);

    [Fact]
    public Task FixAllInsertsBeforeEveryCall() => LockCodeFixVerifier<EstablishStateCodeFixProvider>.VerifyFixAsync(Model + """
        class Evict
        {
            void Run(Inode a, Inode b)
            {
                lock (a.InvalidateLock) { {|LOCK104:Dax.FreeBlocks(a, 0, 8)|}; }
                lock (b.InvalidateLock) { {|LOCK104:Dax.FreeBlocks(b, 0, 8)|}; }
            }
        }
        """, Model + """
        class Evict
        {
            void Run(Inode a, Inode b)
            {
                lock (a.InvalidateLock) { Dax.BreakLayouts(a); Dax.FreeBlocks(a, 0, 8); }
                lock (b.InvalidateLock) { Dax.BreakLayouts(b); Dax.FreeBlocks(b, 0, 8); }
            }
        }
        """);

    [Fact]
    public Task NoFixWhenTwoMethodsEstablishTheState() => LockCodeFixVerifier<EstablishStateCodeFixProvider>.VerifyNoFixAsync(Model + """
        static class Other
        {
            [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
            public static void BreakAll(Inode inode) { }
        }
        class Evict
        {
            void Run(Inode inode) { lock (inode.InvalidateLock) { {|LOCK104:Dax.FreeBlocks(inode, 0, 8)|}; } }
        }
        """);
}
