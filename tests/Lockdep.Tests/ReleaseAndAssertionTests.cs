using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class ReleaseAndAssertionTests : LockdepTestBase
    {
        [Fact]
        public void ReleasingALockNotHeldIsLock102()
        {
            var a = new CheckedLock("Release.A");
            var error = Assert.Throws<LockOrderViolationException>(() => a.Exit());
            Assert.Equal("LOCK102", error.Id);
            Assert.Equal(new[] { "Release.A" }, error.Violation.Classes);
        }

        [Fact]
        public void ReleasingFromAnotherThreadIsLock102AndLeavesTheOwnerHoldingIt()
        {
            Lockdep.Mode = LockdepMode.Report;
            var a = new CheckedLock("Release.A");
            a.Enter();
            JoinAll(new[] { StartThread("intruder", () => a.Exit()) });

            Assert.True(a.IsHeldByCurrentThread);
            a.Exit();
            var violation = Assert.Single(Violations);
            Assert.Equal("LOCK102", violation.Id);
            Assert.NotEqual(System.Environment.CurrentManagedThreadId, violation.ThreadId);
        }

        [Fact]
        public void OutOfOrderReleaseKeepsTrackingRight()
        {
            var a = new CheckedLock("Release.A");
            var b = new CheckedLock("Release.B");
            var c = new CheckedLock("Release.C");
            a.Enter();
            b.Enter();
            a.Exit();
            c.Enter();
            Assert.Equal(new[] { "Release.B", "Release.C" }, Lockdep.HeldByCurrent());
            c.Exit();
            b.Exit();

            Assert.Empty(Violations);
            Assert.True(HasDependency("Release.B", "Release.C"));
            Assert.False(HasDependency("Release.A", "Release.C"));
        }

        [Fact]
        public void AssertHeldPassesWhenHeldAndIsLock101Otherwise()
        {
            var a = new CheckedLock("Assert.A");
            using (a.EnterScope())
            {
                Lockdep.AssertHeld(a);
            }

            var error = Assert.Throws<LockOrderViolationException>(() => Lockdep.AssertHeld(a));
            Assert.Equal("LOCK101", error.Id);
            Assert.Contains("Assert.A", error.Violation.Message);
        }

        [Fact]
        public void AssertHeldExclusiveRejectsAReader()
        {
            var rw = new CheckedReaderWriterLock("Assert.Rw");
            using (rw.EnterReadScope())
            {
                Lockdep.AssertHeld(rw);
                Lockdep.AssertHeld(rw, exclusive: false);
                Assert.Equal("LOCK101", Assert.Throws<LockOrderViolationException>(() => Lockdep.AssertHeld(rw, exclusive: true)).Id);
                Assert.Equal("LOCK101", Assert.Throws<LockOrderViolationException>(() => Lockdep.AssertWriteHeld(rw)).Id);
            }

            using (rw.EnterWriteScope())
            {
                Lockdep.AssertHeld(rw, exclusive: true);
            }
        }

        [Fact]
        public void AFailingAssertionThrowsEveryTimeButIsRaisedOncePerSite()
        {
            var a = new CheckedLock("Assert.A");
            var thrown = 0;
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    Lockdep.AssertHeld(a);
                }
                catch (LockOrderViolationException)
                {
                    thrown++;
                }
            }

            Assert.Equal(3, thrown);
            Assert.Single(Violations);
        }

        [Fact]
        public void AssertNotHeldAndAssertNoLocksHeldAreLock003WhenHeld()
        {
            var a = new CheckedLock("Assert.A");
            Lockdep.AssertNotHeld(a);
            Lockdep.AssertNoLocksHeld();
            using (a.EnterScope())
            {
                Assert.Equal("LOCK003", Assert.Throws<LockOrderViolationException>(() => Lockdep.AssertNotHeld(a)).Id);
                var error = Assert.Throws<LockOrderViolationException>(() => Lockdep.AssertNoLocksHeld());
                Assert.Equal("LOCK003", error.Id);
                Assert.Equal(new[] { "Assert.A" }, error.Violation.Classes);
            }
        }

        [Fact]
        public void ReportModeReturnsFromAFailedAssertion()
        {
            Lockdep.Mode = LockdepMode.Report;
            var a = new CheckedLock("Assert.A");
            Lockdep.AssertHeld(a);
            Assert.Equal("LOCK101", Assert.Single(Violations).Id);
        }
    }
}
