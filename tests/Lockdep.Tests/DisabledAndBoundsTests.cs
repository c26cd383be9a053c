using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class DisabledAndBoundsTests : LockdepTestBase
    {
        [Fact]
        public void DisabledReportsNothingAndStillExcludes()
        {
            Lockdep.Enabled = false;
            var a = new CheckedLock("Off.A");
            var b = new CheckedLock("Off.B");
            TakeInOrder(a, b);
            TakeInOrder(b, a);
            Lockdep.AssertHeld(a);

            var counter = 0;
            var workers = Enumerable.Range(0, 4).Select(t => StartThread("off" + t, () =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    using (a.EnterScope())
                    {
                        counter++;
                    }
                }
            })).ToList();
            JoinAll(workers);

            Assert.Equal(40_000, counter);
            Assert.Empty(Violations);
            Assert.Empty(Lockdep.GetDependencies());
        }

        [Fact]
        public void LockTakenWhileDisabledCanBeReleasedAfterEnabling()
        {
            var a = new CheckedLock("Off.A");
            var rw = new CheckedReaderWriterLock("Off.Rw");
            using var gate = new CheckedAsyncLock("Off.Gate");
            Lockdep.Enabled = false;
            a.Enter();
            rw.EnterRead();
            gate.Enter();
            Lockdep.Enabled = true;
            gate.Exit();
            rw.ExitRead();
            a.Exit();

            Assert.Empty(Violations);
            Assert.False(a.IsHeldByCurrentThread);
            Assert.False(rw.IsReadLockHeld);
        }

        [Fact]
        public void ReleasingALockTakenWhileDisabledLeavesItsLastCheckedHolderAlone()
        {
            // The other thread is the last one to have taken A through Lockdep, and holds B meanwhile.
            var a = new CheckedLock("Off.A");
            var b = new CheckedLock("Off.B");
            using var holding = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            string[]? heldThere = null;
            var other = StartThread("other", () =>
            {
                a.Enter();
                a.Exit();
                b.Enter();
                holding.Set();
                release.Wait();
                heldThere = Lockdep.HeldByCurrent().ToArray();
                b.Exit();
            });
            holding.Wait();

            Lockdep.Enabled = false;
            a.Enter();
            Lockdep.Enabled = true;
            a.Exit();
            release.Set();
            JoinAll(new[] { other });

            Assert.Equal(new[] { "Off.B" }, heldThere);
            Assert.False(a.IsHeldByCurrentThread);
            AssertNoneHeld();
            Assert.Empty(Violations);
        }

        [Fact]
        public void ALockPassedBetweenThreadsIsUntrackedFromEachHolder()
        {
            var a = new CheckedLock("Pass.A");
            var b = new CheckedLock("Pass.B");
            for (var round = 0; round < 3; round++)
            {
                string[]? heldThere = null;
                var other = StartThread("other" + round, () =>
                {
                    b.Enter();
                    a.Enter();
                    a.Exit();
                    heldThere = Lockdep.HeldByCurrent().ToArray();
                    b.Exit();
                });
                JoinAll(new[] { other });
                Assert.Equal(new[] { "Pass.B" }, heldThere);

                a.Enter();
                Assert.Equal(new[] { "Pass.A" }, Lockdep.HeldByCurrent());
                a.Exit();
                AssertNoneHeld();
            }

            Assert.True(HasDependency("Pass.B", "Pass.A"));
            Assert.Empty(Violations);
        }

        [Fact]
        public void HoldingTooManyLocksFailsWithAClearMessageBeforeTakingTheNext()
        {
            var locks = Enumerable.Range(0, Lockdep.MaxHeldLocks + 1).Select(i => new CheckedLock("Deep." + i)).ToArray();
            for (var i = 0; i < Lockdep.MaxHeldLocks; i++)
            {
                locks[i].Enter();
            }

            var error = Assert.Throws<LockdepCapacityException>(() => locks[Lockdep.MaxHeldLocks].Enter());
            Assert.False(locks[Lockdep.MaxHeldLocks].IsHeldByCurrentThread);
            for (var i = Lockdep.MaxHeldLocks - 1; i >= 0; i--)
            {
                locks[i].Exit();
            }

            Assert.Contains($"the bound is {Lockdep.MaxHeldLocks}", error.Message);
            AssertNoneHeld();
        }

        [Fact]
        public void FullClassTableFailsWithAClearMessage()
        {
            var saved = LockClass.Limit;
            _ = new CheckedLock("Bound.Existing");
            try
            {
                LockClass.Limit = LockClass.Count + 1;
                _ = new CheckedLock("Bound.Class." + Guid.NewGuid());
                var error = Assert.Throws<LockdepCapacityException>(() => new CheckedLock("Bound.Class." + Guid.NewGuid()));
                Assert.Contains("lock class table is full", error.Message);

                // Classes that exist already are still found.
                _ = new CheckedLock("Bound.Existing");
            }
            finally
            {
                LockClass.Limit = saved;
            }
        }

        [Fact]
        public void FullDependencyTableFailsOnceWithAClearMessage()
        {
            var saved = DependencyGraph.Limit;
            try
            {
                DependencyGraph.Limit = 2;
                var locks = Enumerable.Range(0, 5).Select(i => new CheckedLock("Bound.Edge." + i)).ToArray();
                TakeInOrder(locks[0], locks[1]);
                TakeInOrder(locks[1], locks[2]);
                locks[2].Enter();
                var error = Assert.Throws<LockdepCapacityException>(() => locks[3].Enter());
                locks[2].Exit();
                Assert.Contains("dependency table is full (2 dependencies)", error.Message);

                TakeInOrder(locks[3], locks[4]);
                Assert.Equal(2, Lockdep.GetDependencies().Count);
            }
            finally
            {
                DependencyGraph.Limit = saved;
            }
        }

        [Fact]
        public void SteadyStateAllocatesNothing()
        {
            var a = new CheckedLock("Alloc.A");
            var b = new CheckedLock("Alloc.B");
            var c = new CheckedReaderWriterLock("Alloc.C");
            Work();

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                Work();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

            void Work()
            {
                using (a.EnterScope())
                using (b.EnterScope())
                using (c.EnterReadScope())
                {
                }

                a.Enter();
                a.Exit();
            }
        }
    }
}
