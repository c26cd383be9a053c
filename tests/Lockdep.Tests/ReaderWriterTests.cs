using System.Threading;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class ReaderWriterTests : LockdepTestBase
    {
        [Fact]
        public void ReadersInBothOrdersDoNotOrderAgainstEachOther()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            var b = new CheckedReaderWriterLock("Rw.B");

            ReadBoth(a, b);
            ReadBoth(b, a);

            Assert.Empty(Violations);
            Assert.True(HasDependency("Rw.A", "Rw.B"));
            Assert.True(HasDependency("Rw.B", "Rw.A"));
        }

        [Fact]
        public void ReaderAgainstWriterIsACycle()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            var b = new CheckedReaderWriterLock("Rw.B");

            ReadBoth(a, b);
            b.EnterWrite();
            var error = Assert.Throws<LockOrderViolationException>(() => a.EnterWrite());
            b.ExitWrite();

            Assert.Equal("LOCK001", error.Id);
            Assert.False(a.IsWriteLockHeld);
        }

        [Fact]
        public void WriterThenReaderAgainstReaderThenWriterIsACycle()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            var b = new CheckedReaderWriterLock("Rw.B");

            a.EnterWrite();
            b.EnterRead();
            b.ExitRead();
            a.ExitWrite();

            b.EnterWrite();
            var error = Assert.Throws<LockOrderViolationException>(() => a.EnterRead());
            b.ExitWrite();
            Assert.Equal("LOCK001", error.Id);
        }

        [Fact]
        public void ReadThenWriteWithoutUpgradeableIsLock003AndNothingIsTaken()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            a.EnterRead();
            var error = Assert.Throws<LockOrderViolationException>(() => a.EnterWrite());
            Assert.False(a.IsWriteLockHeld);
            a.ExitRead();

            Assert.Equal("LOCK003", error.Id);
            Assert.Contains("EnterUpgradeableRead", error.Violation.Message);
            AssertNoneHeld();
        }

        [Fact]
        public void UpgradeableThenWriteIsAllowed()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            var b = new CheckedLock("Rw.B");
            using (a.EnterUpgradeableReadScope())
            {
                using (b.EnterScope())
                {
                }

                using (a.EnterWriteScope())
                {
                    Lockdep.AssertWriteHeld(a);
                }

                using (a.EnterReadScope())
                {
                }
            }

            Assert.Empty(Violations);
            AssertNoneHeld();
        }

        [Fact]
        public void UpgradeableHoldersOrderAgainstEachOther()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            var b = new CheckedReaderWriterLock("Rw.B");
            a.EnterUpgradeableRead();
            b.EnterUpgradeableRead();
            b.ExitUpgradeableRead();
            a.ExitUpgradeableRead();

            b.EnterUpgradeableRead();
            var error = Assert.Throws<LockOrderViolationException>(() => a.EnterUpgradeableRead());
            b.ExitUpgradeableRead();
            Assert.Equal("LOCK001", error.Id);
        }

        [Fact]
        public void ReleasingInAModeNotHeldIsLock102()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            a.EnterWrite();
            var error = Assert.Throws<LockOrderViolationException>(() => a.ExitRead());
            Assert.True(a.IsWriteLockHeld);
            a.ExitWrite();

            Assert.Equal("LOCK102", error.Id);
            Assert.Contains("another mode", error.Violation.Message);
        }

        [Fact]
        public void ReadersShareTheLockAcrossThreads()
        {
            var a = new CheckedReaderWriterLock("Rw.A");
            a.EnterRead();
            var otherThreadRead = false;
            var thread = StartThread("reader", () =>
            {
                otherThreadRead = a.TryEnterRead();
                if (otherThreadRead)
                {
                    a.ExitRead();
                }
            });
            JoinAll(new[] { thread });
            a.ExitRead();

            Assert.True(otherThreadRead);
            Assert.Empty(Violations);
        }

        private static void ReadBoth(CheckedReaderWriterLock outer, CheckedReaderWriterLock inner)
        {
            using (outer.EnterReadScope())
            using (inner.EnterReadScope())
            {
                Lockdep.AssertHeld(inner);
            }
        }
    }
}
