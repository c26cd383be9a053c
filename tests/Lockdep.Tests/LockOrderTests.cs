using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class LockOrderTests : LockdepTestBase
    {
        [Fact]
        public void InvertedPairThrowsBeforeTakingTheLockWithBothStacks()
        {
            var a = new CheckedLock("Order.A");
            var b = new CheckedLock("Order.B");

            FirstPathTakesAThenB(a, b);
            b.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => a.Enter());
            Assert.False(a.IsHeldByCurrentThread);
            Assert.True(b.IsHeldByCurrentThread);
            b.Exit();
            AssertNoneHeld();

            Assert.Equal("LOCK001", error.Id);
            Assert.Equal(new[] { "Order.A", "Order.B" }, error.Violation.Classes);
            var edges = error.Violation.Dependencies;
            Assert.Equal(2, edges.Count);
            Assert.Equal(("Order.A", "Order.B"), (edges[0].From, edges[0].To));
            Assert.Contains(nameof(FirstPathTakesAThenB), edges[0].FirstSeenStack);
            Assert.Equal(("Order.B", "Order.A"), (edges[1].From, edges[1].To));
            Assert.Contains(nameof(InvertedPairThrowsBeforeTakingTheLockWithBothStacks), edges[1].FirstSeenStack);
            Assert.Contains(nameof(InvertedPairThrowsBeforeTakingTheLockWithBothStacks), error.Violation.CurrentStack);
            Assert.Contains("Order.B -> Order.A", error.Message);
            Assert.Single(Violations);
        }

        [Fact]
        public void ReportModeGoesOnAndReportsTheCycleOnce()
        {
            Lockdep.Mode = LockdepMode.Report;
            var a = new CheckedLock("Order.A");
            var b = new CheckedLock("Order.B");

            TakeInOrder(a, b);
            for (var i = 0; i < 10; i++)
            {
                TakeInOrder(b, a);
                TakeInOrder(a, b);
            }

            var violation = Assert.Single(Violations);
            Assert.Equal("LOCK001", violation.Id);
            AssertNoneHeld();
        }

        [Fact]
        public void SameCycleClosedThroughAnotherModeIsNotReportedAgain()
        {
            Lockdep.Mode = LockdepMode.Report;
            var a = new CheckedReaderWriterLock("Order.A");
            var b = new CheckedLock("Order.B");

            a.EnterWrite();
            b.Enter();
            b.Exit();
            a.ExitWrite();

            b.Enter();
            a.EnterWrite();
            a.ExitWrite();
            a.EnterRead();
            a.ExitRead();
            b.Exit();

            Assert.Equal("LOCK001", Assert.Single(Violations).Id);
            Assert.Contains(Lockdep.GetDependencies(), d => d.From == "Order.B" && d.ToMode == LockMode.Shared);
        }

        [Fact]
        public void CycleOfThreeClassesIsReportedInOrder()
        {
            var a = new CheckedLock("Order.A");
            var b = new CheckedLock("Order.B");
            var c = new CheckedLock("Order.C");

            TakeInOrder(a, b);
            TakeInOrder(b, c);
            c.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => a.Enter());
            c.Exit();

            Assert.Equal("LOCK001", error.Id);
            Assert.Equal(3, error.Violation.Classes.Count);
            Assert.Equal("Order.C", error.Violation.Classes[^1]);
            Assert.Equal("Order.A", error.Violation.Classes[0]);
            AssertEdgesFormTheCycle(error.Violation);
        }

        [Fact]
        public void CycleOfFourClassesBuiltByFourThreadsNamesEachThread()
        {
            var locks = new[] { "Order.A", "Order.B", "Order.C", "Order.D" }.Select(n => new CheckedLock(n)).ToArray();
            var threadIds = new int[3];
            for (var i = 0; i < 3; i++)
            {
                var index = i;
                var thread = StartThread("pair" + i, () =>
                {
                    threadIds[index] = Environment.CurrentManagedThreadId;
                    TakeInOrder(locks[index], locks[index + 1]);
                });
                JoinAll(new[] { thread });
            }

            Assert.Empty(Violations);
            locks[3].Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => locks[0].Enter());
            locks[3].Exit();

            Assert.Equal(new[] { "Order.A", "Order.B", "Order.C", "Order.D" }, error.Violation.Classes);
            AssertEdgesFormTheCycle(error.Violation);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(threadIds[i], error.Violation.Dependencies[i].FirstSeenThreadId);
                Assert.Equal("pair" + i, error.Violation.Dependencies[i].FirstSeenThreadName);
            }

            Assert.Equal(Environment.CurrentManagedThreadId, error.Violation.Dependencies[3].FirstSeenThreadId);
        }

        [Fact]
        public void ConsistentOrderUnderManyThreadsForALongRunReportsNothing()
        {
            var outer = new CheckedReaderWriterLock("Long.Outer");
            var middle = Enumerable.Range(0, 4).Select(_ => new CheckedLock("Long.Middle")).ToArray();
            var inner = new CheckedLock("Long.Inner");
            var counters = new int[middle.Length];
            var innerCounter = 0;
            const int threads = 8;
            const int iterations = 50_000;

            var workers = Enumerable.Range(0, threads).Select(t => StartThread("worker" + t, () =>
            {
                var random = new Random(t);
                for (var i = 0; i < iterations; i++)
                {
                    var useOuter = random.Next(3) != 0;
                    var write = random.Next(8) == 0;
                    var m = random.Next(middle.Length);
                    if (useOuter)
                    {
                        if (write)
                        {
                            outer.EnterWrite();
                        }
                        else
                        {
                            outer.EnterRead();
                        }
                    }

                    middle[m].Enter();
                    counters[m]++;
                    if (random.Next(2) == 0)
                    {
                        inner.Enter();
                        innerCounter++;
                        if (random.Next(2) == 0)
                        {
                            // Out-of-order release is legal and must keep the held stack right.
                            middle[m].Exit();
                            inner.Exit();
                        }
                        else
                        {
                            inner.Exit();
                            middle[m].Exit();
                        }
                    }
                    else
                    {
                        middle[m].Exit();
                    }

                    if (useOuter)
                    {
                        if (write)
                        {
                            outer.ExitWrite();
                        }
                        else
                        {
                            outer.ExitRead();
                        }
                    }
                }
            })).ToList();
            JoinAll(workers);

            Assert.Empty(Violations);
            Assert.Equal(threads * iterations, counters.Sum());
            Assert.True(innerCounter > 0);
            Assert.True(HasDependency("Long.Outer", "Long.Middle"));
            Assert.True(HasDependency("Long.Middle", "Long.Inner"));
            Assert.True(HasDependency("Long.Outer", "Long.Inner"));
            Assert.DoesNotContain(Lockdep.GetDependencies(), d => d.ViolationId is not null);
        }

        [Fact]
        public void OneInvertedPairInAThousandAcquisitionsIsReportedExactlyOnceWithoutDeadlock()
        {
            Lockdep.Mode = LockdepMode.Report;
            var sharedA = new CheckedLock("Rare.A");
            var sharedB = new CheckedLock("Rare.B");
            const int threads = 4;
            const int iterations = 1000;
            var completed = 0;

            var workers = Enumerable.Range(0, threads).Select(t => StartThread("rare" + t, () =>
            {
                // The inversion is on this thread's own instances: it cannot deadlock, and lockdep,
                // which reasons about classes, must still see it.
                var ownA = new CheckedLock("Rare.A");
                var ownB = new CheckedLock("Rare.B");
                for (var i = 0; i < iterations; i++)
                {
                    if (i == 500 + t)
                    {
                        TakeInOrder(ownB, ownA);
                    }
                    else
                    {
                        TakeInOrder(sharedA, sharedB);
                    }
                }

                Interlocked.Increment(ref completed);
            })).ToList();
            JoinAll(workers);

            Assert.Equal(threads, completed);
            var violation = Assert.Single(Violations);
            Assert.Equal("LOCK001", violation.Id);
            Assert.Equal(new[] { "Rare.A", "Rare.B" }, violation.Classes.OrderBy(c => c, StringComparer.Ordinal));
        }

        [Fact]
        public void ValidatedChainsTakeNoGlobalLock()
        {
            var a = new CheckedLock("Hot.A");
            var b = new CheckedReaderWriterLock("Hot.B");
            Work();

            using var graphHeld = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            var blocker = StartThread("graph-holder", () =>
            {
                lock (DependencyGraph.Sync)
                {
                    graphHeld.Set();
                    release.Wait();
                }
            });
            graphHeld.Wait();

            // With the graph lock taken elsewhere, an acquisition that needed it would never finish.
            var worker = StartThread("hot-path", () =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    Work();
                }
            });
            var finished = worker.Join(TimeSpan.FromSeconds(30));
            release.Set();
            JoinAll(new[] { blocker, worker });

            Assert.True(finished, "a validated chain waited for the global graph lock");
            Assert.Empty(Violations);

            void Work()
            {
                using (a.EnterScope())
                using (b.EnterReadScope())
                {
                }
            }
        }

        [Fact]
        public void ResetForgetsValidatedChains()
        {
            var a = new CheckedLock("Reset.A");
            var b = new CheckedLock("Reset.B");
            TakeInOrder(a, b);
            TakeInOrder(a, b);

            Lockdep.Reset();
            JoinAll(new[] { StartThread("inverter", () => TakeInOrder(b, a)) });
            Assert.Empty(Violations);

            // A→B is still in this thread's cache of validated chains, from before the reset; the
            // first acquisition after it must not trust that.
            a.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => b.Enter());
            a.Exit();
            Assert.Equal("LOCK001", error.Id);
        }

        [Fact]
        public void TryEnterAddsNoDependencyIntoTheTriedLock()
        {
            var a = new CheckedLock("Try.A");
            var b = new CheckedLock("Try.B");
            TakeInOrder(a, b);

            b.Enter();
            Assert.True(a.TryEnter());
            a.Exit();
            b.Exit();

            Assert.Empty(Violations);
            Assert.False(HasDependency("Try.B", "Try.A"));
        }

        [Fact]
        public void LocksTakenAfterATryEnterAreOrderedAfterIt()
        {
            var a = new CheckedLock("Try.A");
            var b = new CheckedLock("Try.B");
            Assert.True(a.TryEnter());
            b.Enter();
            b.Exit();
            a.Exit();

            Assert.True(HasDependency("Try.A", "Try.B"));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FirstPathTakesAThenB(CheckedLock a, CheckedLock b)
        {
            using (a.EnterScope())
            using (b.EnterScope())
            {
            }
        }

        private static void AssertEdgesFormTheCycle(LockViolation violation)
        {
            var classes = violation.Classes;
            Assert.Equal(classes.Count, violation.Dependencies.Count);
            for (var i = 0; i < classes.Count; i++)
            {
                Assert.Equal(classes[i], violation.Dependencies[i].From);
                Assert.Equal(classes[(i + 1) % classes.Count], violation.Dependencies[i].To);
                Assert.False(string.IsNullOrEmpty(violation.Dependencies[i].FirstSeenStack));
            }
        }
    }
}
