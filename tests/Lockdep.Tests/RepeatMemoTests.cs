using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    /// <summary>
    /// The hot path trusts a per-thread memo of the last acquisition validated at each depth. These
    /// check that a new edge is still recorded, and a cycle still reported, on the first acquisition
    /// that makes it, whatever the memo holds at that moment.
    /// </summary>
    public sealed class RepeatMemoTests : LockdepTestBase
    {
        [Fact]
        public void ANewClassAtAWarmDepthIsRecordedOnItsFirstAcquisition()
        {
            var a = new CheckedLock("Memo.A");
            var b = new CheckedLock("Memo.B");
            var c = new CheckedLock("Memo.C");
            for (var i = 0; i < 3; i++)
            {
                TakeInOrder(a, b);
            }

            a.Enter();
            c.Enter();
            Assert.True(HasDependency("Memo.A", "Memo.C"));
            c.Exit();
            a.Exit();

            c.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => a.Enter());
            c.Exit();
            Assert.Equal("LOCK001", error.Id);
        }

        [Fact]
        public void AChainValidatedUnderOneTopIsNotTrustedUnderALongerChainWithTheSameTop()
        {
            // B then C is validated; A, B, C has the same top (B) and the same new class (C), but
            // also the new edge A -> C, which a memo keyed only on (top, new class) would miss.
            var a = new CheckedLock("Memo.A");
            var b = new CheckedLock("Memo.B");
            var c = new CheckedLock("Memo.C");
            for (var i = 0; i < 3; i++)
            {
                TakeInOrder(b, c);
            }

            a.Enter();
            b.Enter();
            c.Enter();
            Assert.True(HasDependency("Memo.A", "Memo.C"));
            c.Exit();
            b.Exit();
            a.Exit();

            c.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => a.Enter());
            c.Exit();
            Assert.Equal(new[] { "Memo.A", "Memo.C" }, error.Violation.Classes.OrderBy(n => n, System.StringComparer.Ordinal));
        }

        [Fact]
        public void TheSameClassUnderADifferentParentIsValidatedAgain()
        {
            var a = new CheckedLock("Memo.A");
            var b = new CheckedLock("Memo.B");
            var c = new CheckedLock("Memo.C");
            for (var i = 0; i < 3; i++)
            {
                TakeInOrder(a, c);
            }

            // Only the parent at depth 0 changes: the memo at depth 1 says "C validated" for A's chain.
            b.Enter();
            c.Enter();
            Assert.True(HasDependency("Memo.B", "Memo.C"));
            c.Exit();
            b.Exit();

            c.Enter();
            Assert.Throws<LockOrderViolationException>(() => b.Enter());
            c.Exit();
        }

        [Fact]
        public void AfterAnOutOfOrderReleaseTheRemainingChainIsValidatedAsItIs()
        {
            var a = new CheckedLock("Memo.A");
            var b = new CheckedLock("Memo.B");
            var c = new CheckedLock("Memo.C");
            var d = new CheckedLock("Memo.D");
            for (var i = 0; i < 3; i++)
            {
                a.Enter();
                c.Enter();
                d.Enter();
                d.Exit();
                c.Exit();
                a.Exit();
            }

            // B, A, C, then B released first: the chain is A, C again, but reached another way.
            b.Enter();
            a.Enter();
            c.Enter();
            b.Exit();
            d.Enter();
            Assert.Equal(new[] { "Memo.A", "Memo.C", "Memo.D" }, Lockdep.HeldByCurrent());
            Assert.False(HasDependency("Memo.B", "Memo.D")); // B was released before D was taken
            d.Exit();
            c.Exit();
            a.Exit();
            AssertNoneHeld();

            // B -> A and A -> D were seen, so D then B closes B -> A -> D -> B.
            d.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => b.Enter());
            d.Exit();
            Assert.Equal("LOCK001", error.Id);
        }

        [Fact]
        public void AChainHeldAcrossAResetIsValidatedAgainAfterIt()
        {
            var a = new CheckedLock("Memo.A");
            var b = new CheckedLock("Memo.B");
            for (var i = 0; i < 3; i++)
            {
                TakeInOrder(a, b);
            }

            a.Enter();
            Lockdep.Reset();
            Assert.Empty(Lockdep.GetDependencies());
            b.Enter();
            Assert.True(HasDependency("Memo.A", "Memo.B"));
            b.Exit();
            a.Exit();
        }

        [Fact]
        public async Task AWarmThreadChainIsOrderedAfterAnAsyncLockTheFlowHolds()
        {
            var x = new CheckedLock("Memo.X");
            var y = new CheckedLock("Memo.Y");
            using var gate = new CheckedAsyncLock("Memo.Gate");
            for (var i = 0; i < 3; i++)
            {
                TakeInOrder(x, y);
            }

            await gate.EnterAsync();
            TakeInOrder(x, y);
            gate.Exit();

            Assert.True(HasDependency("Memo.Gate", "Memo.X"));
            Assert.True(HasDependency("Memo.Gate", "Memo.Y"));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AnInterruptedWaitLeavesTheThreadHoldingNothing(bool readerWriter)
        {
            // A wait that throws must leave no record of the lock it never got.
            var a = new CheckedLock("Memo.A");
            var rw = new CheckedReaderWriterLock("Memo.Rw");
            System.Collections.Generic.IReadOnlyList<string>? heldAfter = null;
            Exception? unexpected = null;
            a.Enter();
            rw.EnterWrite();
            var worker = StartThread("interrupted", () =>
            {
                try
                {
                    if (readerWriter)
                    {
                        rw.EnterRead();
                    }
                    else
                    {
                        a.Enter();
                    }
                }
                catch (System.Threading.ThreadInterruptedException)
                {
                    heldAfter = Lockdep.HeldByCurrent();
                }
                catch (Exception e)
                {
                    unexpected = e;
                }
            });

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((worker.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0 && DateTime.UtcNow < deadline)
            {
                System.Threading.Thread.Sleep(1);
            }

            worker.Interrupt();
            var finished = worker.Join(TimeSpan.FromSeconds(20));
            rw.ExitWrite();
            a.Exit();
            JoinAll(new[] { worker });

            Assert.True(finished, "the interrupted wait did not end");
            Assert.Null(unexpected);
            Assert.NotNull(heldAfter);
            Assert.Empty(heldAfter!);
            Assert.Empty(Violations);
        }

        [Fact]
        public void TheBoundOnHeldLocksHoldsOnEveryAttempt()
        {
            var locks = Enumerable.Range(0, Lockdep.MaxHeldLocks + 1).Select(i => new CheckedLock("MemoDeep." + i)).ToArray();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                for (var i = 0; i < Lockdep.MaxHeldLocks; i++)
                {
                    locks[i].Enter();
                }

                Assert.Throws<LockdepCapacityException>(() => locks[Lockdep.MaxHeldLocks].Enter());
                Assert.False(locks[Lockdep.MaxHeldLocks].IsHeldByCurrentThread);
                for (var i = Lockdep.MaxHeldLocks - 1; i >= 0; i--)
                {
                    locks[i].Exit();
                }
            }

            AssertNoneHeld();
        }
    }
}
