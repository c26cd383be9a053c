using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// Bodies are held to their own contracts: [TryAcquires] both ways ("held if and only if it returned
/// WhenReturns"), [Acquires(On = "return")] against the object returned, a helper over two instances that
/// takes the lock once when they are the same, and a [MustRecheck] value read again after a
/// [TemporarilyReleases] call.
/// </summary>
public class ContractBodyTests
{
    private static Task Verify(string source, string id = "LOCK102") => LockAnalyzerVerifier.VerifyAsync(source, id);

    [Fact]
    public Task TryAcquiresBodiesThatKeepTheirWordAreSilent() => Verify("""
        class Gate
        {
            readonly SemaphoreSlim _slot = new(1, 1);
            [TryAcquires("Gate._slot", true)] public bool TryTake() => _slot.Wait(0);
            [TryAcquires("Gate._slot", false)] public bool IsBusy() => !_slot.Wait(0);
            [TryAcquires("Gate._slot", true)] public bool TryTakeOpen(bool closed)
            {
                if (!_slot.Wait(0)) return false;
                if (closed) { _slot.Release(); return false; }
                return true;
            }
            [TryAcquires("Gate._slot", true)] public bool TryTakeThroughALocal() { var taken = _slot.Wait(0); return taken; }
        }
        """);

    [Fact]
    public Task TryAcquiresBodiesAreCheckedBothWays() => Verify("""
        class Gate
        {
            readonly SemaphoreSlim _slot = new(1, 1);
            [TryAcquires("Gate._slot", true)] public bool Inverted()
            {
                if (_slot.Wait(0)) return [|false|];
                return [|true|];
            }
            [TryAcquires("Gate._slot", true)] public bool TryTakeOpen(bool closed)
            {
                if (!_slot.Wait(0)) return false;
                if (closed) return [|false|];
                return true;
            }
        }
        """);

    [Fact]
    public Task AcquiresOnReturnHeldOnTheReturnedObjectIsSilent() => Verify("""
        class Node { public readonly object Gate = new(); }
        class Tree
        {
            readonly Node _root = new();
            [Acquires(On = "return")] public object LockRoot() { Monitor.Enter(_root); return _root; }
            [Acquires("Node.Gate", On = "return")] public Node LockRootGate() { var node = _root; Monitor.Enter(node.Gate); return node; }
        }
        """);

    [Fact]
    public Task AcquiresOnReturnWithoutTheLockIsReported() => Verify("""
        class Node { public readonly object Gate = new(); }
        class Tree
        {
            readonly Node _root = new();
            [Acquires(On = "return")] public object Forgot() { return [|_root|]; }
            [Acquires("Node.Gate", On = "return")] public Node OtherNode()
            {
                var fresh = new Node();
                [|Monitor.Enter(_root.Gate)|];
                return [|fresh|];
            }
        }
        """);

    private const string Accounts = """
        public sealed class Account
        {
            public readonly object Gate = new();
            public int Id;

        """;

    [Fact]
    public Task AHelperThatTakesTheLockOnceForTheSameInstanceIsSilent() => Verify(Accounts + """
            [Acquires("Account.Gate", On = "a")][Acquires("Account.Gate", On = "b")]
            static void LockBoth(Account a, Account b)
            {
                if (a == b) { Monitor.Enter(a.Gate); return; }
                if (a.Id < b.Id) { Monitor.Enter(a.Gate); Monitor.Enter(b.Gate); }
                else { Monitor.Enter(b.Gate); Monitor.Enter(a.Gate); }
            }
            [Releases("Account.Gate", On = "a")][Releases("Account.Gate", On = "b")]
            static void UnlockBoth(Account a, Account b)
            {
                Monitor.Exit(a.Gate);
                if (!ReferenceEquals(a, b)) Monitor.Exit(b.Gate);
            }
        }
        """);

    [Fact]
    public Task AHelperThatForgetsTheSecondInstanceIsReported() => Verify(Accounts + """
            [Acquires("Account.Gate", On = "a")][Acquires("Account.Gate", On = "b")]
            static void [|LockBoth|](Account a, Account b)
            {
                if (a.Id == b.Id) { Monitor.Enter(a.Gate); return; }
                if (a.Id < b.Id) { Monitor.Enter(a.Gate); Monitor.Enter(b.Gate); }
                else { Monitor.Enter(b.Gate); Monitor.Enter(a.Gate); }
            }
            [Releases("Account.Gate", On = "a")][Releases("Account.Gate", On = "b")]
            static void [|UnlockBoth|](Account a, Account b)
            {
                Monitor.Exit(a.Gate);
                if (a.Id != b.Id) Monitor.Exit(b.Gate);
            }
        }
        """);

    [Fact]
    public Task AnEqualityTestDoesNotDropALockTheCallerHolds() => Verify(Accounts + """
            public readonly Dictionary<int, Account> Cache = new();
            [RequiresHeld("Account.Gate", On = "account")]
            void Forget(Account account)
            {
                if (Cache.TryGetValue(account.Id, out var cached) && ReferenceEquals(cached, account)) Cache.Remove(account.Id);
                Touch(account);
            }
            [RequiresHeld("Account.Gate", On = "account")]
            void Touch(Account account) { }
        }
        """, "LOCK101");

    private const string Pages = """
        public sealed class Inode { [MustRecheck(Under = new[] { "PageTable.Ptl" })] public long Size { get; set; } }
        public sealed class PageTable
        {
            [Lock("PageTable.Ptl")] public readonly object Ptl = new();
            [RequiresHeld("PageTable.Ptl")] public void Install(long index, long block) { }
        }
        public static class Waits
        {
            [TemporarilyReleases("PageTable.Ptl", On = "table")]
            public static void ForMemory(PageTable table) { Monitor.Exit(table.Ptl); Monitor.Enter(table.Ptl); }
        }

        """;

    [Fact]
    public Task AValueReadAgainAfterATemporaryReleaseIsRechecked() => Verify(Pages + """
        public static class Faults
        {
            public static bool Fault(Inode inode, PageTable table, long index, long block)
            {
                if (index * 4096 >= inode.Size) return false;
                lock (table.Ptl)
                {
                    Waits.ForMemory(table);
                    if (index * 4096 >= inode.Size) return false;
                    table.Install(index, block);
                }
                return true;
            }
        }
        """, "LOCK103");

    [Fact]
    public Task AValueNotReadAgainAfterATemporaryReleaseIsReported() => Verify(Pages + """
        public static class Faults
        {
            public static bool Fault(Inode inode, PageTable table, long index, long block)
            {
                if (index * 4096 >= inode.Size) return false;
                lock (table.Ptl)
                {
                    [|Waits.ForMemory(table)|];
                    table.Install(index, block);
                }
                return true;
            }
            public static bool Refault(Inode inode, PageTable table, long index, long block)
            {
                lock (table.Ptl)
                {
                    if (index * 4096 >= inode.Size) return false;
                    [|Waits.ForMemory(table)|];
                    table.Install(index, block);
                }
                return true;
            }
        }
        """, "LOCK103");
}
