using LockContracts.Analyzers.Tests.Testing;
using LockContracts.CodeFixes;

namespace LockContracts.Analyzers.Tests.CodeFixes;

public class RequiresHeldFixTests
{
    [Fact]
    public Task PushesTheObligationToCallers() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync("""
        public sealed class Ledger
        {
            [Lock("Ledger.Gate")] private readonly object _gate = new();
            private decimal _total;
            [RequiresHeld("Ledger.Gate")] private void AddToTotal(decimal amount) => _total += amount;
            public void Reset() => {|LOCK101:AddToTotal(-_total)|};
        }
        """, """
        public sealed class Ledger
        {
            [Lock("Ledger.Gate")] private readonly object _gate = new();
            private decimal _total;
            [RequiresHeld("Ledger.Gate")] private void AddToTotal(decimal amount) => _total += amount;
            [RequiresHeld("Ledger.Gate")]
            public void Reset() => AddToTotal(-_total);
        }
        """);

    [Fact]
    public Task RequirementOnAParameterBecomesOn() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync("""
        class Inode { [Lock("Inode.Lock")] public readonly object Lock = new(); public long Size; }
        static class Truncation
        {
            [RequiresHeld("Inode.Lock", On = "inode")] static void SetSize(Inode inode, long size) => inode.Size = size;
            static void Shrink(Inode target) => {|LOCK101:SetSize(target, 0)|};
        }
        """, """
        class Inode { [Lock("Inode.Lock")] public readonly object Lock = new(); public long Size; }
        static class Truncation
        {
            [RequiresHeld("Inode.Lock", On = "inode")] static void SetSize(Inode inode, long size) => inode.Size = size;
            [RequiresHeld("Inode.Lock", On = "target")]
            static void Shrink(Inode target) => SetSize(target, 0);
        }
        """);

    [Fact]
    public Task SharedRequirementStaysShared() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync("""
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            long _size;
            [RequiresHeld("Inode.Rwsem", Shared = true)] long GetSize() => _size;
            long Peek() => {|LOCK101:GetSize()|};
        }
        """, """
        class Inode
        {
            [Lock("Inode.Rwsem")] readonly ReaderWriterLockSlim _rwsem = new();
            long _size;
            [RequiresHeld("Inode.Rwsem", Shared = true)] long GetSize() => _size;
            [RequiresHeld("Inode.Rwsem", Shared = true)]
            long Peek() => GetSize();
        }
        """);

    [Fact]
    public Task FixAllFixesEveryCallerInTheDocument() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync("""
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void A() => {|LOCK101:Bump()|};
            void B() { {|LOCK101:Bump()|}; }
        }
        """, """
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            [RequiresHeld("Cache._sync")]
            void A() => Bump();
            [RequiresHeld("Cache._sync")]
            void B() { Bump(); }
        }
        """);

    /// <summary>The requirement moves up one caller per pass: fixing Inner makes Outer's call to it a LOCK101, fixed next.</summary>
    [Fact]
    public Task PushingTheObligationUpAChainTakesOnePassPerCaller() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync("""
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void Inner() => {|LOCK101:Bump()|};
            void Outer() => Inner();
        }
        """, """
        class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            [RequiresHeld("Cache._sync")]
            void Inner() => Bump();
            [RequiresHeld("Cache._sync")]
            void Outer() => Inner();
        }
        """, incrementalIterations: 2, fixAllIterations: 2);

    /// <summary>Fix All in project and solution scope fixes both files at once; in document scope it takes a pass per file.</summary>
    [Fact]
    public Task FixAllAcrossTwoDocuments() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync(new[]
    {
        """
        partial class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            void A() => {|LOCK101:Bump()|};
        }
        """,
        """
        partial class Cache
        {
            void B() { {|LOCK101:Bump()|}; }
        }
        """,
    }, new[]
    {
        """
        partial class Cache
        {
            readonly object _sync = new();
            int _count;
            [RequiresHeld("Cache._sync")] void Bump() => _count++;
            [RequiresHeld("Cache._sync")]
            void A() => Bump();
        }
        """,
        """
        partial class Cache
        {
            [RequiresHeld("Cache._sync")]
            void B() { Bump(); }
        }
        """,
    }, incrementalIterations: 2, fixAllIterations: 1, fixAllInDocumentIterations: 2);

    [Fact]
    public Task NoFixWhenTheLockBelongsToALocal() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyNoFixAsync("""
        class Inode { [Lock("Inode.Lock")] public readonly object Lock = new(); public long Size; [RequiresHeld("Inode.Lock")] public void Clear() => Size = 0; }
        class User { void M() { var inode = new Inode(); {|LOCK101:inode.Clear()|}; } }
        """);
}
