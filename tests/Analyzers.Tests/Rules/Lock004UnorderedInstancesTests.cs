using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock004UnorderedInstancesTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK004");

    [Fact]
    public async Task TransferLocksBothAccountsInArgumentOrder()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Account
            {
                public readonly object Gate = new();
                public decimal Balance;
                public static void Transfer(Account from, Account to, decimal amount)
                {
                    lock (from.Gate)
                    {
                        lock ([|to.Gate|])
                        {
                            from.Balance -= amount;
                            to.Balance += amount;
                        }
                    }
                }
            }
            """, "LOCK004");
        Assert.Equal(
            "to.Gate is taken while from.Gate is held, two instances of 'Account.Gate' with no order between them; another thread nesting them the other way round deadlocks",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public Task TwoReaderWriterLocksOfOneClass() => Verify("""
        class Inode
        {
            [Lock("Inode.Rwsem")] public readonly ReaderWriterLockSlim Rwsem = new();
            public static void Dedupe(Inode src, Inode dst)
            {
                src.Rwsem.EnterWriteLock();
                [|dst.Rwsem.EnterWriteLock()|];
                dst.Rwsem.ExitWriteLock();
                src.Rwsem.ExitWriteLock();
            }
        }
        """);

    [Fact]
    public Task ParentAndChildNodesOfOneClass() => Verify("""
        class Node
        {
            public readonly object Sync = new();
            public Node? Next;
            void Unlink()
            {
                var next = Next!;
                lock (Sync)
                {
                    lock ([|next.Sync|]) { Next = next.Next; }
                }
            }
        }
        """);

    [Fact]
    public Task CustomLockTypeInstances() => Verify("""
        class SleepLock
        {
            readonly SemaphoreSlim _s = new(1, 1);
            [Acquires] public void Lock() => _s.Wait();
            [Releases] public void Unlock() => _s.Release();
        }
        class Page
        {
            [Lock("Page.Lock")] public readonly SleepLock Lock = new();
            static void Swap(Page a, Page b)
            {
                a.Lock.Lock();
                [|b.Lock.Lock()|];
                b.Lock.Unlock();
                a.Lock.Unlock();
            }
        }
        """);

    [Fact]
    public Task MethodWhoseContractAcquiresBothDecidesTheOrder() => Verify("""
        class Account
        {
            public int Id;
            [Lock("Account.Gate")] public readonly object Gate = new();

            [Acquires("Account.Gate", On = "a"), Acquires("Account.Gate", On = "b")]
            public static void LockBoth(Account a, Account b)
            {
                var (first, second) = a.Id < b.Id ? (a, b) : (b, a);
                Monitor.Enter(first.Gate);
                Monitor.Enter(second.Gate);
            }
        }
        """);

    [Fact]
    public Task CallerOfAnOrderingMethodSeesTheInstancesAsOrdered() => Verify("""
        class Account
        {
            public int Id;
            [Lock("Account.Gate")] public readonly object Gate = new();
            public decimal Balance;

            [Acquires("Account.Gate", On = "a"), Acquires("Account.Gate", On = "b")]
            [NoLockAnalysis]
            public static void LockBoth(Account a, Account b) { }

            [Releases("Account.Gate", On = "a"), Releases("Account.Gate", On = "b")]
            [NoLockAnalysis]
            public static void UnlockBoth(Account a, Account b) { }

            public static void Transfer(Account from, Account to, decimal amount)
            {
                LockBoth(from, to);
                try { from.Balance -= amount; to.Balance += amount; }
                finally { UnlockBoth(from, to); }
            }
        }
        """);

    [Fact]
    public Task SameInstanceTwiceIsNotTwoInstances() => Verify("""
        class Account
        {
            public readonly object Gate = new();
            void M() { lock (Gate) { lock (Gate) { } } }
        }
        """);

    [Fact]
    public Task DifferentClassesAreNotReported() => Verify("""
        class Account { public readonly object Gate = new(); }
        class Bank
        {
            readonly object _gate = new();
            void M(Account a) { lock (_gate) { lock (a.Gate) { } } }
        }
        """);

    [Fact]
    public Task SequentialInstancesAreNotNested() => Verify("""
        class Account
        {
            public readonly object Gate = new();
            public decimal Balance;
            static void Audit(Account a, Account b)
            {
                lock (a.Gate) { a.Balance += 0; }
                lock (b.Gate) { b.Balance += 0; }
            }
        }
        """);

    [Fact]
    public Task InstanceThatCannotBeNamedIsSilent() => Verify("""
        class Account
        {
            public readonly object Gate = new();
            static Account Find(int id) => new();
            static void M(Account a)
            {
                lock (a.Gate) { lock (Find(2).Gate) { } }
            }
        }
        """);
}
