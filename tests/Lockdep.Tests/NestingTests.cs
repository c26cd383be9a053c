using System;
using System.Linq;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class NestingTests : LockdepTestBase
    {
        [Fact]
        public void TwoInstancesOfOneClassNestedWithNoOrderIsLock004()
        {
            var first = new CheckedLock("Inode.Lock");
            var second = new CheckedLock("Inode.Lock");

            first.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => second.Enter());
            Assert.False(second.IsHeldByCurrentThread);
            first.Exit();

            Assert.Equal("LOCK004", error.Id);
            Assert.Equal(new[] { "Inode.Lock" }, error.Violation.Classes);
        }

        [Fact]
        public void Lock004IsReportedOncePerClass()
        {
            Lockdep.Mode = LockdepMode.Report;
            var first = new CheckedLock("Inode.Lock");
            var second = new CheckedLock("Inode.Lock");
            for (var i = 0; i < 5; i++)
            {
                TakeInOrder(first, second);
                TakeInOrder(second, first);
            }

            Assert.Equal("LOCK004", Assert.Single(Violations).Id);
        }

        [Fact]
        public void EnterBothOrdersTwoInstancesWhateverTheArgumentOrder()
        {
            var first = new CheckedLock("Inode.Lock");
            var second = new CheckedLock("Inode.Lock");

            CheckedLock.EnterBoth(first, second);
            Assert.True(first.IsHeldByCurrentThread && second.IsHeldByCurrentThread);
            CheckedLock.ExitBoth(first, second);

            using (CheckedLock.EnterBothScope(second, first))
            {
                Assert.Equal(new[] { "Inode.Lock", "Inode.Lock/1" }, Lockdep.HeldByCurrent());
            }

            using (CheckedLock.EnterBothScope(first, first))
            {
                Assert.Single(Lockdep.HeldByCurrent());
            }

            Assert.Empty(Violations);
            AssertNoneHeld();
            Assert.True(HasDependency("Inode.Lock", "Inode.Lock/1"));
        }

        [Fact]
        public void EnterBothRejectsTwoClasses()
        {
            var error = Assert.Throws<ArgumentException>(
                () => CheckedLock.EnterBoth(new CheckedLock("Inode.Lock"), new CheckedLock("Page.Lock")));
            Assert.Contains("one lock class", error.Message);
            AssertNoneHeld();
        }

        [Fact]
        public void NestingLevelsAreOrderedLikeClasses()
        {
            var parent = new CheckedLock("Dir.Lock");
            var child = new CheckedLock("Dir.Lock");

            parent.Enter();
            using (child.EnterNestedScope(1))
            {
            }

            parent.Exit();
            Assert.Empty(Violations);

            child.EnterNested(1);
            var error = Assert.Throws<LockOrderViolationException>(() => parent.Enter());
            child.Exit();

            Assert.Equal("LOCK001", error.Id);
            Assert.Equal(new[] { "Dir.Lock", "Dir.Lock/1" }, error.Violation.Classes.OrderBy(c => c, StringComparer.Ordinal));
        }

        [Fact]
        public void ReaderWriterEnterWriteBothOrdersTwoInstances()
        {
            var first = new CheckedReaderWriterLock("Inode.Rwsem");
            var second = new CheckedReaderWriterLock("Inode.Rwsem");
            CheckedReaderWriterLock.EnterWriteBoth(second, first);
            Assert.True(first.IsWriteLockHeld && second.IsWriteLockHeld);
            CheckedReaderWriterLock.ExitWriteBoth(first, second);

            Assert.Empty(Violations);
            AssertNoneHeld();
        }

        [Fact]
        public void TryEnterOfASecondInstanceIsNotLock004()
        {
            var first = new CheckedLock("Inode.Lock");
            var second = new CheckedLock("Inode.Lock");
            first.Enter();
            Assert.True(second.TryEnter());
            second.Exit();
            first.Exit();

            Assert.Empty(Violations);
        }

        [Fact]
        public void RetakingACheckedLockIsLock003()
        {
            var a = new CheckedLock("Self.A");
            a.Enter();
            var error = Assert.Throws<LockOrderViolationException>(() => a.Enter());
            a.Exit();

            Assert.Equal("LOCK003", error.Id);
            Assert.False(a.IsHeldByCurrentThread);
        }

        [Fact]
        public void RetakingInReportModeGoesOnAndUnwindsCleanly()
        {
            Lockdep.Mode = LockdepMode.Report;
            var a = new CheckedLock("Self.A");
            for (var i = 0; i < 3; i++)
            {
                a.Enter();
                a.Enter();
                a.Exit();
                Assert.True(a.IsHeldByCurrentThread);
                a.Exit();
            }

            Assert.Equal("LOCK003", Assert.Single(Violations).Id);
            Assert.False(a.IsHeldByCurrentThread);
            AssertNoneHeld();
        }

        [Fact]
        public void NestingLevelOutOfRangeIsRejected()
        {
            var a = new CheckedLock("Self.A");
            Assert.Throws<ArgumentOutOfRangeException>(() => a.EnterNested(Lockdep.MaxSubclasses));
            AssertNoneHeld();
        }
    }
}
