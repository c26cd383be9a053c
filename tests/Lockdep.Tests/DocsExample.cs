using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace LockContracts.Lockdep.Tests.Docs
{
    // The code under test in the example of docs/lockdep.md: two accounts of one lock class, always
    // taken in a stable order, then the journal.
    public sealed class Ledger
    {
        private readonly CheckedLock[] _accounts = { new("Ledger.Account"), new("Ledger.Account") };
        private readonly CheckedLock _journal = new("Ledger.Journal");
        private readonly long[] _balances = { 1000, 1000 };

        public bool JournalFirst { get; set; }

        public long Total => _balances.Sum();

        public void Transfer(int from, int to, long amount)
        {
            if (JournalFirst)
            {
                // The mistake the example's test exists to catch: the journal, then the accounts.
                using (_journal.EnterScope())
                using (CheckedLock.EnterBothScope(_accounts[from], _accounts[to]))
                {
                    Move(from, to, amount);
                }

                return;
            }

            using (CheckedLock.EnterBothScope(_accounts[from], _accounts[to]))
            using (_journal.EnterScope())
            {
                Move(from, to, amount);
            }
        }

        private void Move(int from, int to, long amount)
        {
            _balances[from] -= amount;
            _balances[to] += amount;
        }
    }

    // docs/lockdep.md begin
    public sealed class LedgerTests : IDisposable
    {
        public LedgerTests() => Lockdep.Reset();   // start from an empty graph

        public void Dispose() => Lockdep.Reset();

        [Fact]
        public async Task TransfersOnManyThreadsKeepOneLockOrder()
        {
            using var violations = Lockdep.CollectViolations();
            var ledger = new Ledger();

            var workers = Enumerable.Range(0, 8)
                .Select(i => Task.Run(() => ledger.Transfer(i % 2, 1 - (i % 2), 10)))
                .ToArray();
            await Task.WhenAll(workers);       // a violation on a worker does not kill the test host

            violations.AssertNone();           // fails here, with every report from every thread
            Assert.Equal(2000, ledger.Total);
        }
    }
    // docs/lockdep.md end

    public sealed class LedgerMistakeTests : IDisposable
    {
        public LedgerMistakeTests() => Lockdep.Reset();

        public void Dispose() => Lockdep.Reset();

        [Fact]
        public async Task TheDocsExampleFailsWhenOneWorkerTakesTheJournalFirst()
        {
            LockViolationsException failure;
            using (var violations = Lockdep.CollectViolations())
            {
                var ledger = new Ledger();
                await Task.Run(() => ledger.Transfer(0, 1, 10));
                ledger.JournalFirst = true;
                await Task.Run(() => ledger.Transfer(1, 0, 10));   // would throw on the worker

                failure = Assert.Throws<LockViolationsException>(violations.AssertNone);
                Assert.Equal(2000, ledger.Total);
            }

            // The outer account closes one cycle with the journal, the inner one (level 1) another.
            Assert.All(failure.Violations, v => Assert.Equal("LOCK001", v.Id));
            Assert.Equal(new[] { "Ledger.Account", "Ledger.Journal" }, failure.Violations[0].Classes.OrderBy(c => c, StringComparer.Ordinal));
            Assert.Contains("Ledger.Journal -> Ledger.Account", failure.Message);
        }
    }
}
