using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class AsyncLockTests : LockdepTestBase
    {
        [Fact]
        public async Task OwnershipFollowsTheFlowAcrossThreads()
        {
            using var gate = new CheckedAsyncLock("Async.Gate");
            await gate.EnterAsync();
            var before = Environment.CurrentManagedThreadId;
            await new HopToNewThread();
            Assert.NotEqual(before, Environment.CurrentManagedThreadId);

            Assert.True(gate.IsHeldByCurrentFlow);
            Lockdep.AssertHeld(gate);
            gate.Exit();

            Assert.False(gate.IsHeldByCurrentFlow);
            Assert.Empty(Violations);
            AssertNoneHeld();
        }

        [Fact]
        public async Task ScopeReleasesOnAnotherThread()
        {
            using var gate = new CheckedAsyncLock("Async.Gate");
            using (await gate.EnterScopeAsync())
            {
                await new HopToNewThread();
                Lockdep.AssertHeld(gate);
            }

            Assert.True(gate.TryEnter());
            gate.Exit();
            Assert.Empty(Violations);
        }

        [Fact]
        public async Task CycleBetweenTwoFlowsThatHopThreadsIsReported()
        {
            using var a = new CheckedAsyncLock("Async.A");
            using var b = new CheckedAsyncLock("Async.B");

            await TakeAcrossHop(a, b);
            var error = await Assert.ThrowsAsync<LockOrderViolationException>(() => TakeAcrossHop(b, a));

            Assert.Equal("LOCK001", error.Id);
            Assert.Equal(new[] { "Async.A", "Async.B" }, error.Violation.Classes);
            Assert.False(a.IsHeldByCurrentFlow);
        }

        [Fact]
        public async Task AFlowThatDoesNotOwnTheLockCannotReleaseIt()
        {
            Lockdep.Mode = LockdepMode.Report;
            using var gate = new CheckedAsyncLock("Async.Gate");
            var acquired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Started before the lock is taken, so it does not inherit the owner's flow.
            var intruder = Task.Run(async () =>
            {
                await acquired.Task;
                gate.Exit();
            });

            await gate.EnterAsync();
            acquired.SetResult();
            await intruder;

            Assert.True(gate.IsHeldByCurrentFlow);
            var violation = Assert.Single(Violations);
            Assert.Equal("LOCK102", violation.Id);
            Assert.Contains("does not own", violation.Message);
            gate.Exit();
            Assert.False(gate.IsHeldByCurrentFlow);
        }

        [Fact]
        public async Task TryEnterOfALockTheFlowHoldsFailsWithoutAReport()
        {
            using var gate = new CheckedAsyncLock("Async.Gate");
            await gate.EnterAsync();
            Assert.False(gate.TryEnter());
            gate.Exit();
            Assert.Empty(Violations);
        }

        [Fact]
        public async Task ConcurrentFlowsDoNotSeeEachOthersLocks()
        {
            using var a = new CheckedAsyncLock("Async.A");
            using var b = new CheckedAsyncLock("Async.B");
            var aHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var bDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var other = Task.Run(async () =>
            {
                await aHeld.Task;
                await b.EnterAsync();
                await new HopToNewThread();
                b.Exit();
                bDone.SetResult();
            });

            await a.EnterAsync();
            aHeld.SetResult();
            await bDone.Task;
            a.Exit();
            await other;

            Assert.Empty(Violations);
            Assert.Empty(Lockdep.GetDependencies());
        }

        [Fact]
        public async Task WorkForkedWhileHeldNoLongerHoldsTheLockOnceTheOwnerReleasesIt()
        {
            using var gate = new CheckedAsyncLock("Async.Gate");
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            await gate.EnterAsync();
            var child = Task.Run(async () =>
            {
                await released.Task;
                Assert.False(gate.IsHeldByCurrentFlow);
                await gate.EnterAsync();
                gate.Exit();
            });
            gate.Exit();
            released.SetResult();
            await child;

            Assert.Empty(Violations);
        }

        [Fact]
        public async Task SyncLockTakenUnderAnAsyncLockIsOrderedAfterIt()
        {
            using var gate = new CheckedAsyncLock("Async.Gate");
            var page = new CheckedLock("Async.Page");
            using (await gate.EnterScopeAsync())
            {
                await new HopToNewThread();
                using (page.EnterScope())
                {
                }
            }

            Assert.True(HasDependency("Async.Gate", "Async.Page"));
            page.Enter();
            var error = await Assert.ThrowsAsync<LockOrderViolationException>(async () => await gate.EnterAsync());
            page.Exit();
            Assert.Equal("LOCK001", error.Id);
        }

        [Fact]
        public async Task RetakingInTheSameFlowThrowsEvenInReportModeInsteadOfHanging()
        {
            Lockdep.Mode = LockdepMode.Report;
            using var gate = new CheckedAsyncLock("Async.Gate");
            await gate.EnterAsync();
            await new HopToNewThread();
            var error = await Assert.ThrowsAsync<LockOrderViolationException>(async () => await gate.EnterAsync());
            gate.Exit();

            Assert.Equal("LOCK003", error.Id);
            Assert.Equal("LOCK003", Assert.Single(Violations).Id);
        }

        [Fact]
        public async Task CancelledWaitLeavesTheFlowHoldingNothing()
        {
            using var gate = new CheckedAsyncLock("Async.Gate");
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var owner = Task.Run(async () =>
            {
                await gate.EnterAsync();
                held.SetResult();
                await done.Task;
                gate.Exit();
            });

            await held.Task;
            using (var cancel = new CancellationTokenSource())
            {
                var wait = gate.EnterAsync(cancel.Token);
                Assert.False(wait.IsCompleted);
                cancel.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
            }

            Assert.Empty(Lockdep.HeldByCurrent());
            done.SetResult();
            await owner;
            await gate.EnterAsync();
            gate.Exit();
            Assert.Empty(Violations);
        }

        private static async Task TakeAcrossHop(CheckedAsyncLock outer, CheckedAsyncLock inner)
        {
            await outer.EnterAsync();
            try
            {
                await new HopToNewThread();
                await inner.EnterAsync();
                await new HopToNewThread();
                inner.Exit();
            }
            finally
            {
                outer.Exit();
            }
        }
    }
}
