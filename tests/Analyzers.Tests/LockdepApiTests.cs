using LockContracts.Analyzers.Tests.Testing;
using LockContracts.Lockdep;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests;

/// <summary>Code written against the runtime validator's types is checked through their contracts alone.</summary>
public class LockdepApiTests
{
    private static readonly MetadataReference[] Lockdep = { MetadataReference.CreateFromFile(typeof(CheckedLock).Assembly.Location) };

    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync("using LockContracts.Lockdep;\n" + source, references: Lockdep, referenceAssemblies: LockTestSetup.Net100);

    private const string Account = """
        class Account
        {
            [Lock("Account.Gate")] public readonly CheckedLock Gate = new("Account.Gate");
            public decimal Balance;
            [RequiresHeld("Account.Gate")] public void Add(decimal amount) => Balance += amount;
        }

        """;

    [Fact]
    public Task EnterAndExitInTryFinally() => Verify(Account + """
        class Bank
        {
            void Deposit(Account account)
            {
                account.Gate.Enter();
                try { account.Add(1); } finally { account.Gate.Exit(); }
                using (account.Gate.EnterScope()) { account.Add(2); }
            }
        }
        """);

    [Fact]
    public Task TheOrderedPairApiDecidesTheOrder() => Verify(Account + """
        class Bank
        {
            void Transfer(Account from, Account to)
            {
                CheckedLock.EnterBoth(from.Gate, to.Gate);
                try { from.Add(-1); to.Add(1); } finally { CheckedLock.ExitBoth(from.Gate, to.Gate); }
                using (CheckedLock.EnterBothScope(from.Gate, to.Gate)) { from.Add(-1); to.Add(1); }
            }
        }
        """);

    [Fact]
    public Task NestedEntryGivesTheOrderExplicitly() => Verify(Account + """
        class Bank
        {
            void Merge(Account parent, Account child)
            {
                parent.Gate.Enter();
                child.Gate.EnterNested(1);
                child.Gate.Exit();
                parent.Gate.Exit();
            }
        }
        """);

    [Fact]
    public Task AwaitedAsyncScope() => Verify("""
        class Index
        {
            [Lock("Index.Gate")] readonly CheckedAsyncLock _gate = new("Index.Gate");
            int _version;
            [RequiresHeld("Index.Gate")] void Bump() => _version++;
            async Task RebuildAsync()
            {
                using (await _gate.EnterScopeAsync()) { await Task.Yield(); Bump(); }
                await _gate.EnterAsync();
                try { Bump(); } finally { _gate.Exit(); }
            }
        }
        """);

    [Fact]
    public Task UpgradeableThenWrite() => Verify("""
        class Table
        {
            [Lock("Table.Rw")] readonly CheckedReaderWriterLock _rw = new("Table.Rw");
            readonly Dictionary<int, int> _rows = new();
            [RequiresHeld("Table.Rw")] void Put(int key) => _rows[key] = key;
            void Upsert(int key)
            {
                _rw.EnterUpgradeableRead();
                try
                {
                    if (_rows.ContainsKey(key)) return;
                    _rw.EnterWrite();
                    try { Put(key); } finally { _rw.ExitWrite(); }
                }
                finally { _rw.ExitUpgradeableRead(); }
            }
        }
        """);

    [Fact]
    public Task AssertHeldIsAProof() => Verify(Account + """
        class Bank
        {
            void FromCallback(Account account) { LockContracts.Lockdep.Lockdep.AssertHeld(account.Gate); account.Add(1); }
        }
        """);

    [Fact]
    public Task MisuseIsReported() => Verify(Account + """
        class Bank
        {
            void Twice(Account account) { account.Gate.Enter(); {|LOCK003:account.Gate.Enter()|}; account.Gate.Exit(); account.Gate.Exit(); }
            void Unordered(Account a, Account b) { a.Gate.Enter(); {|LOCK004:b.Gate.Enter()|}; b.Gate.Exit(); a.Gate.Exit(); }
            void Unheld(Account a) => {|LOCK101:a.Add(1)|};
            void Unbalanced(Account a) { {|LOCK102:a.Gate.Enter()|}; }
            void ReadThenWrite(CheckedReaderWriterLock rw) { rw.EnterRead(); {|LOCK003:rw.EnterWrite()|}; rw.ExitWrite(); rw.ExitRead(); }
        }
        """);
}
