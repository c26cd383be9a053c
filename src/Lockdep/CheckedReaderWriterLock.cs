using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// A reader-writer lock that Lockdep validates, wrapping <see cref="ReaderWriterLockSlim"/>. Read,
    /// write and upgradeable-read modes are tracked separately: readers do not order against other
    /// readers, and a reader that asks to write (instead of holding the upgradeable mode) is LOCK003.
    /// It is owned by a thread and must not be held across <c>await</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// [Lock("Inode.Rwsem")] private readonly CheckedReaderWriterLock _rwsem = new("Inode.Rwsem");
    /// using (_rwsem.EnterReadScope()) { ... }
    /// </code>
    /// </example>
    public sealed class CheckedReaderWriterLock : IDisposable
    {
        private static long s_instances;

        // Recursion is allowed underneath so that, in Report mode, a reported re-entry goes on as the
        // program wrote it; Lockdep itself reports every re-entry that the lock's contract forbids.
        private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
        private readonly LockClass _class;
        private readonly long _instance;

        /// <summary>Creates a lock of the given class.</summary>
        /// <param name="className">The lock class, the same name as in <c>[Lock("…")]</c>, for example <c>"Inode.Rwsem"</c>.</param>
        public CheckedReaderWriterLock(string className)
        {
            _class = LockClass.Get(className);
            _instance = Interlocked.Increment(ref s_instances);
        }

        /// <summary>The lock class.</summary>
        public string ClassName => _class.Name;

        internal LockClass Class => _class;

        /// <summary>Whether the current thread holds the lock for read.</summary>
        public bool IsReadLockHeld => _lock.IsReadLockHeld;

        /// <summary>Whether the current thread holds the lock for write.</summary>
        public bool IsWriteLockHeld => _lock.IsWriteLockHeld;

        /// <summary>Whether the current thread holds the lock in upgradeable-read mode.</summary>
        public bool IsUpgradeableReadLockHeld => _lock.IsUpgradeableReadLockHeld;

        /// <summary>Whether the current thread holds the lock in any mode.</summary>
        public bool IsHeldByCurrentThread => _lock.IsReadLockHeld || _lock.IsWriteLockHeld || _lock.IsUpgradeableReadLockHeld;

        /// <summary>Takes the lock for read.</summary>
        [Acquires(Shared = true), NoLockAnalysis]
        public void EnterRead()
        {
            if (!LockdepSwitch.Checking)
            {
                _lock.EnterReadLock();
                return;
            }

            var state = ThreadLockState.Current;
            if (!state.TryRepeat(ThreadLockState.Element(_class.Id, LockMode.Shared, tryAcquire: false), out var key))
            {
                key = Validator.BeforeAcquire(state, this, _class, LockMode.Shared, tryAcquire: false);
            }

            _lock.EnterReadLock();
            state.Push(this, _class.Id, LockMode.Shared, key);
        }

        /// <summary>Takes the lock for read as nesting level <paramref name="subclass"/> of its class (see <see cref="CheckedLock.EnterNested"/>).</summary>
        /// <param name="subclass">0 to <see cref="Lockdep.MaxSubclasses"/> − 1.</param>
        [Acquires(Shared = true, Nested = true), NoLockAnalysis]
        public void EnterReadNested(int subclass) => EnterCore(LockMode.Shared, subclass);

        /// <summary>Takes the lock for read if that is possible without waiting.</summary>
        /// <returns>True when the lock was taken.</returns>
        [TryAcquires(true, Shared = true), NoLockAnalysis]
        public bool TryEnterRead() => TryEnterCore(LockMode.Shared);

        /// <summary>Releases a read hold.</summary>
        [Releases, NoLockAnalysis]
        public void ExitRead()
        {
            if (!LockdepSwitch.Checking)
            {
                _lock.ExitReadLock();
                return;
            }

            var state = ThreadLockState.CurrentOrNull;
            if (state is not null && state.TryPopTop(this, LockMode.Shared))
            {
                _lock.ExitReadLock();
                return;
            }

            ExitSlow(state, LockMode.Shared);
        }

        /// <summary>Takes the lock for write.</summary>
        [Acquires, NoLockAnalysis]
        public void EnterWrite() => EnterCore(LockMode.Exclusive, 0);

        /// <summary>Takes the lock for write as nesting level <paramref name="subclass"/> of its class (see <see cref="CheckedLock.EnterNested"/>).</summary>
        /// <param name="subclass">0 to <see cref="Lockdep.MaxSubclasses"/> − 1.</param>
        [Acquires(Nested = true), NoLockAnalysis]
        public void EnterWriteNested(int subclass) => EnterCore(LockMode.Exclusive, subclass);

        /// <summary>Takes the lock for write if that is possible without waiting.</summary>
        /// <returns>True when the lock was taken.</returns>
        [TryAcquires(true), NoLockAnalysis]
        public bool TryEnterWrite() => TryEnterCore(LockMode.Exclusive);

        /// <summary>Releases a write hold.</summary>
        [Releases, NoLockAnalysis]
        public void ExitWrite() => ExitCore(LockMode.Exclusive);

        /// <summary>Takes the lock in upgradeable-read mode; while held, <see cref="EnterWrite"/> upgrades it.</summary>
        [Acquires(Upgradeable = true), NoLockAnalysis]
        public void EnterUpgradeableRead() => EnterCore(LockMode.Upgradeable, 0);

        /// <summary>Releases an upgradeable-read hold.</summary>
        [Releases, NoLockAnalysis]
        public void ExitUpgradeableRead() => ExitCore(LockMode.Upgradeable);

        /// <summary>Takes the lock for read and returns a scope whose <c>Dispose</c> releases it.</summary>
        /// <returns>The scope; dispose it exactly once.</returns>
        [Acquires(Shared = true)]
        public ReadScope EnterReadScope()
        {
            EnterRead();
            return new ReadScope(this);
        }

        /// <summary>Takes the lock for write and returns a scope whose <c>Dispose</c> releases it.</summary>
        /// <returns>The scope; dispose it exactly once.</returns>
        [Acquires]
        public WriteScope EnterWriteScope()
        {
            EnterWrite();
            return new WriteScope(this);
        }

        /// <summary>Takes the lock in upgradeable-read mode and returns a scope whose <c>Dispose</c> releases it.</summary>
        /// <returns>The scope; dispose it exactly once.</returns>
        [Acquires(Upgradeable = true)]
        public UpgradeableReadScope EnterUpgradeableReadScope()
        {
            EnterUpgradeableRead();
            return new UpgradeableReadScope(this);
        }

        /// <summary>
        /// Takes two instances of one lock class for write in a stable order (creation order), the
        /// second as nesting level 1; see <see cref="CheckedLock.EnterBoth"/>.
        /// </summary>
        /// <param name="first">One lock.</param>
        /// <param name="second">Another lock of the same class.</param>
        [Acquires(On = "first"), Acquires(On = "second"), NoLockAnalysis]
        public static void EnterWriteBoth(CheckedReaderWriterLock first, CheckedReaderWriterLock second)
        {
            var (outer, inner) = Order(first, second);
            outer.EnterWrite();
            if (inner is null)
            {
                return;
            }

            try
            {
                inner.EnterWriteNested(1);
            }
            catch
            {
                outer.ExitWrite();
                throw;
            }
        }

        /// <summary>Releases two locks taken with <see cref="EnterWriteBoth"/>.</summary>
        /// <param name="first">One lock.</param>
        /// <param name="second">The other lock.</param>
        [Releases(On = "first"), Releases(On = "second"), NoLockAnalysis]
        public static void ExitWriteBoth(CheckedReaderWriterLock first, CheckedReaderWriterLock second)
        {
            var (outer, inner) = Order(first, second);
            inner?.ExitWrite();
            outer.ExitWrite();
        }

        /// <summary>Disposes the underlying <see cref="ReaderWriterLockSlim"/>.</summary>
        public void Dispose() => _lock.Dispose();

        /// <inheritdoc/>
        public override string ToString() => $"CheckedReaderWriterLock({ClassName})";

        [NoLockAnalysis]
        private void EnterCore(LockMode mode, int subclass)
        {
            if (!LockdepSwitch.Checking)
            {
                RawEnter(mode);
                return;
            }

            var lockClass = subclass == 0 ? _class : _class.GetSubclass(subclass);
            var state = ThreadLockState.Current;
            if (!state.TryRepeat(ThreadLockState.Element(lockClass.Id, mode, tryAcquire: false), out var key))
            {
                key = Validator.BeforeAcquire(state, this, lockClass, mode, tryAcquire: false);
            }

            RawEnter(mode);
            state.Push(this, lockClass.Id, mode, key);
        }

        [NoLockAnalysis]
        private bool TryEnterCore(LockMode mode)
        {
            if (!LockdepSwitch.Checking)
            {
                return RawTryEnter(mode);
            }

            var state = ThreadLockState.Current;
            if (!state.TryRepeat(ThreadLockState.Element(_class.Id, mode, tryAcquire: true), out var key))
            {
                key = Validator.BeforeAcquire(state, this, _class, mode, tryAcquire: true);
            }

            if (!RawTryEnter(mode))
            {
                return false;
            }

            state.Push(this, _class.Id, mode, key);
            return true;
        }

        [NoLockAnalysis]
        private void ExitCore(LockMode mode)
        {
            if (!LockdepSwitch.Checking)
            {
                RawExit(mode);
                return;
            }

            var state = ThreadLockState.CurrentOrNull;
            if (state is not null && state.TryPopTop(this, mode))
            {
                RawExit(mode);
                return;
            }

            ExitSlow(state, mode);
        }

        [MethodImpl(MethodImplOptions.NoInlining), NoLockAnalysis]
        private void ExitSlow(ThreadLockState? state, LockMode mode)
        {
            var index = state?.IndexOf(this, mode) ?? -1;
            if (index >= 0)
            {
                RawExit(mode);
                state!.RemoveAt(index);
                return;
            }

            if (RawIsHeld(mode))
            {
                // Taken while Lockdep was disabled: there is nothing to untrack.
                RawExit(mode);
                return;
            }

            var what = IsHeldByCurrentThread
                ? $"for {Describe(mode)}, but this thread holds it in another mode"
                : $"for {Describe(mode)} by a thread that does not hold it";
            Validator.BadRelease(_class, "is released " + what);
        }

        private static string Describe(LockMode mode) => mode switch
        {
            LockMode.Shared => "read",
            LockMode.Upgradeable => "upgradeable read",
            _ => "write",
        };

        [NoLockAnalysis]
        private void RawEnter(LockMode mode)
        {
            switch (mode)
            {
                case LockMode.Shared: _lock.EnterReadLock(); break;
                case LockMode.Upgradeable: _lock.EnterUpgradeableReadLock(); break;
                default: _lock.EnterWriteLock(); break;
            }
        }

        [NoLockAnalysis]
        private bool RawTryEnter(LockMode mode) => mode switch
        {
            LockMode.Shared => _lock.TryEnterReadLock(0),
            LockMode.Upgradeable => _lock.TryEnterUpgradeableReadLock(0),
            _ => _lock.TryEnterWriteLock(0),
        };

        [NoLockAnalysis]
        private void RawExit(LockMode mode)
        {
            switch (mode)
            {
                case LockMode.Shared: _lock.ExitReadLock(); break;
                case LockMode.Upgradeable: _lock.ExitUpgradeableReadLock(); break;
                default: _lock.ExitWriteLock(); break;
            }
        }

        private bool RawIsHeld(LockMode mode) => mode switch
        {
            LockMode.Shared => _lock.IsReadLockHeld,
            LockMode.Upgradeable => _lock.IsUpgradeableReadLockHeld,
            _ => _lock.IsWriteLockHeld,
        };

        private static (CheckedReaderWriterLock Outer, CheckedReaderWriterLock? Inner) Order(
            CheckedReaderWriterLock first, CheckedReaderWriterLock second)
        {
            if (first is null)
            {
                throw new ArgumentNullException(nameof(first));
            }

            if (second is null)
            {
                throw new ArgumentNullException(nameof(second));
            }

            if (ReferenceEquals(first, second))
            {
                return (first, null);
            }

            if (!ReferenceEquals(first._class, second._class))
            {
                throw new ArgumentException(
                    $"EnterWriteBoth orders two instances of one lock class; got \"{first.ClassName}\" and \"{second.ClassName}\".",
                    nameof(second));
            }

            return first._instance < second._instance ? (first, second) : (second, first);
        }

        /// <summary>Releases a read hold when disposed.</summary>
        public readonly struct ReadScope : IDisposable
        {
            private readonly CheckedReaderWriterLock _owner;

            internal ReadScope(CheckedReaderWriterLock owner) => _owner = owner;

            /// <summary>Releases the read hold.</summary>
            [NoLockAnalysis]
            public void Dispose() => _owner?.ExitRead();
        }

        /// <summary>Releases a write hold when disposed.</summary>
        public readonly struct WriteScope : IDisposable
        {
            private readonly CheckedReaderWriterLock _owner;

            internal WriteScope(CheckedReaderWriterLock owner) => _owner = owner;

            /// <summary>Releases the write hold.</summary>
            [NoLockAnalysis]
            public void Dispose() => _owner?.ExitWrite();
        }

        /// <summary>Releases an upgradeable-read hold when disposed.</summary>
        public readonly struct UpgradeableReadScope : IDisposable
        {
            private readonly CheckedReaderWriterLock _owner;

            internal UpgradeableReadScope(CheckedReaderWriterLock owner) => _owner = owner;

            /// <summary>Releases the upgradeable-read hold.</summary>
            [NoLockAnalysis]
            public void Dispose() => _owner?.ExitUpgradeableRead();
        }
    }
}
