using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// An exclusive, non-recursive lock that Lockdep validates: every acquisition is checked against the
    /// lock-order graph before it blocks. It wraps <c>System.Threading.Lock</c> (on .NET 9 and
    /// later) or <see cref="Monitor"/>; like them it is owned by a thread, so it must not be held across
    /// <c>await</c> (use <see cref="CheckedAsyncLock"/> for that).
    /// </summary>
    /// <example>
    /// <code>
    /// [Lock("Page.Lock")] public readonly CheckedLock Lock = new("Page.Lock");
    /// using (page.Lock.EnterScope()) { ... }
    /// </code>
    /// </example>
    public sealed class CheckedLock
    {
        private static long s_instances;

#if NET9_0_OR_GREATER
        private readonly Lock _lock = new();
#else
        private readonly object _lock = new();
#endif
        private readonly LockClass _class;
        private readonly long _instance;

        // The held-lock state of the thread that last took this lock through Lockdep. While that thread
        // holds the lock nobody else writes it, so its release reaches its own state without a
        // thread-static lookup; it touches that state only once the raw release has proved ownership.
        private ThreadLockState? _holder;

        /// <summary>Creates a lock of the given class.</summary>
        /// <param name="className">The lock class, the same name as in <c>[Lock("…")]</c>, for example <c>"Page.Lock"</c>.</param>
        public CheckedLock(string className)
        {
            _class = LockClass.Get(className);
            _instance = Interlocked.Increment(ref s_instances);
        }

        /// <summary>The lock class.</summary>
        public string ClassName => _class.Name;

        /// <summary>Whether the current thread holds this lock.</summary>
        public bool IsHeldByCurrentThread => RawIsHeld();

        internal LockClass Class => _class;

        /// <summary>Takes the lock, waiting as long as needed.</summary>
        /// <exception cref="LockOrderViolationException">In <see cref="LockdepMode.Throw"/> mode, when taking it is a violation; the lock is not taken.</exception>
        [Acquires, NoLockAnalysis]
        public void Enter()
        {
            if (!LockdepSwitch.Checking)
            {
                RawEnter();
                return;
            }

            EnterChecked(_class);
        }

        /// <summary>
        /// Takes the lock as nesting level <paramref name="subclass"/> of its class, for code that holds
        /// another instance of the same class and has a fixed order between them (a parent before its
        /// child). Level 0 is the class itself; level n is reported as <c>"Class/n"</c>.
        /// </summary>
        /// <param name="subclass">0 to <see cref="Lockdep.MaxSubclasses"/> − 1.</param>
        [Acquires(Nested = true), NoLockAnalysis]
        public void EnterNested(int subclass)
        {
            if (!LockdepSwitch.Checking)
            {
                RawEnter();
                return;
            }

            EnterChecked(_class.GetSubclass(subclass));
        }

        /// <summary>Takes the lock if it is free, without waiting.</summary>
        /// <returns>True when the lock was taken.</returns>
        [TryAcquires(true), NoLockAnalysis]
        public bool TryEnter() => TryEnterCore(0);

        /// <summary>Takes the lock if it becomes free within <paramref name="timeout"/>.</summary>
        /// <param name="timeout">How long to wait.</param>
        /// <returns>True when the lock was taken.</returns>
        [TryAcquires(true), NoLockAnalysis]
        public bool TryEnter(TimeSpan timeout) => TryEnterCore((int)timeout.TotalMilliseconds);

        /// <summary>Releases the lock.</summary>
        /// <exception cref="LockOrderViolationException">In <see cref="LockdepMode.Throw"/> mode, when the current thread does not hold it (LOCK102).</exception>
        [Releases, NoLockAnalysis]
        public void Exit()
        {
            if (!LockdepSwitch.Checking)
            {
                RawExit();
                return;
            }

            ExitChecked();
        }

        /// <summary>Takes the lock and returns a scope whose <c>Dispose</c> releases it.</summary>
        /// <returns>The scope; dispose it exactly once.</returns>
        [Acquires]
        public Scope EnterScope()
        {
            Enter();
            return new Scope(this);
        }

        /// <summary>Like <see cref="EnterNested(int)"/>, returning a scope whose <c>Dispose</c> releases it.</summary>
        /// <param name="subclass">0 to <see cref="Lockdep.MaxSubclasses"/> − 1.</param>
        /// <returns>The scope; dispose it exactly once.</returns>
        [Acquires(Nested = true)]
        public Scope EnterNestedScope(int subclass)
        {
            EnterNested(subclass);
            return new Scope(this);
        }

        /// <summary>
        /// Takes two instances of one lock class in a stable order (the order they were created in,
        /// whatever the argument order), the second as nesting level 1. The equivalent of "lock both in
        /// address order". When both arguments are the same lock it is taken once.
        /// </summary>
        /// <param name="first">One lock.</param>
        /// <param name="second">Another lock of the same class.</param>
        /// <exception cref="ArgumentException">The locks are of different classes.</exception>
        [Acquires(On = "first"), Acquires(On = "second"), NoLockAnalysis]
        public static void EnterBoth(CheckedLock first, CheckedLock second)
        {
            var (outer, inner) = Order(first, second);
            outer.Enter();
            if (inner is null)
            {
                return;
            }

            try
            {
                inner.EnterNested(1);
            }
            catch
            {
                outer.Exit();
                throw;
            }
        }

        /// <summary>Releases two locks taken with <see cref="EnterBoth"/>.</summary>
        /// <param name="first">One lock.</param>
        /// <param name="second">The other lock.</param>
        [Releases(On = "first"), Releases(On = "second"), NoLockAnalysis]
        public static void ExitBoth(CheckedLock first, CheckedLock second)
        {
            var (outer, inner) = Order(first, second);
            inner?.Exit();
            outer.Exit();
        }

        /// <summary>Like <see cref="EnterBoth"/>, returning a scope whose <c>Dispose</c> releases both.</summary>
        /// <param name="first">One lock.</param>
        /// <param name="second">Another lock of the same class.</param>
        /// <returns>The scope; dispose it exactly once.</returns>
        [Acquires(On = "first"), Acquires(On = "second")]
        public static PairScope EnterBothScope(CheckedLock first, CheckedLock second)
        {
            EnterBoth(first, second);
            return new PairScope(first, second);
        }

        /// <inheritdoc/>
        public override string ToString() => $"CheckedLock({ClassName})";

        // Out of line and fully optimized at once, so that Dynamic PGO does not decide the layout of
        // the hot path: with it, the same code measured either about +4 or about +22 ns per pair from
        // one process to the next; like this, +7 ns every time (docs/benchmarks.md, "Code layout").
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization), NoLockAnalysis]
        private void EnterChecked(LockClass lockClass)
        {
            var state = ThreadLockState.Current;

            // Recorded first, then taken. Only this and the state stay live across the raw call, and
            // the first validation (a call) is out of line, so two registers are saved instead of
            // five; every store of the push is issued before the raw lock's interlocked operation
            // rather than some on each side of it. Only this thread reads its held stack, so the entry
            // may precede the lock by a moment.
            var classId = lockClass.Id;
            if (!state.TryPushRepeat(this, classId, LockMode.Exclusive, ThreadLockState.Element(classId, LockMode.Exclusive, tryAcquire: false)))
            {
                ValidateAndPush(state, lockClass);
            }

            try
            {
                RawEnter();
            }
            catch
            {
                // A wait that throws (an interrupt) takes the entry back.
                Untrack(state);
                throw;
            }

            if (!ReferenceEquals(_holder, state))
            {
                _holder = state;
            }
        }

        // Not a repeat of the last acquisition validated on top of the chain held now.
        [MethodImpl(MethodImplOptions.NoInlining), NoLockAnalysis]
        private void ValidateAndPush(ThreadLockState state, LockClass lockClass)
        {
            var key = Validator.BeforeAcquire(state, this, lockClass, LockMode.Exclusive, tryAcquire: false);
            state.Push(this, lockClass.Id, LockMode.Exclusive, key);
        }

        [NoLockAnalysis]
        private bool TryEnterCore(int milliseconds)
        {
            if (!LockdepSwitch.Checking)
            {
                return RawTryEnter(milliseconds);
            }

            var state = ThreadLockState.Current;
            if (!state.TryRepeat(ThreadLockState.Element(_class.Id, LockMode.Exclusive, tryAcquire: true), out var key))
            {
                key = Validator.BeforeAcquire(state, this, _class, LockMode.Exclusive, tryAcquire: true);
            }

            if (!RawTryEnter(milliseconds))
            {
                return false;
            }

            state.Push(this, _class.Id, LockMode.Exclusive, key);
            if (!ReferenceEquals(_holder, state))
            {
                _holder = state;
            }

            return true;
        }

        // As EnterChecked. One thread-static lookup per pair: the release finds the state through the lock.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization), NoLockAnalysis]
        private void ExitChecked()
        {
            // Read while this thread (if it is the holder) still holds the lock: then it is this
            // thread's own state, written by its Enter. "Change Enabled only while no checked lock is
            // held" rules out a holder taken while Lockdep was off.
            var state = _holder;
            if (state is null)
            {
                ExitSlow(ThreadLockState.CurrentOrNull);
                return;
            }

            try
            {
                // Throws when this thread does not hold the lock; then the state read above may be
                // another thread's, and is left alone.
                RawExit();
            }
            catch (SynchronizationLockException)
            {
                ExitSlow(ThreadLockState.CurrentOrNull);
                return;
            }

            // Released by its owner, so the state is this thread's own.
            if (!state.TryPopTop(this))
            {
                Untrack(state);
            }
        }

        // After the raw release: an out-of-order release, or a lock taken while Lockdep was disabled.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Untrack(ThreadLockState state)
        {
            var index = state.IndexOf(this, LockMode.Exclusive);
            if (index >= 0)
            {
                state.RemoveAt(index);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining), NoLockAnalysis]
        private void ExitSlow(ThreadLockState? state)
        {
            var index = state?.IndexOf(this, LockMode.Exclusive) ?? -1;
            if (index >= 0)
            {
                RawExit();
                state!.RemoveAt(index);
                return;
            }

            if (RawIsHeld())
            {
                // Taken while Lockdep was disabled: there is nothing to untrack.
                RawExit();
                return;
            }

            Validator.BadRelease(_class, "is released by a thread that does not hold it");
        }

        private static (CheckedLock Outer, CheckedLock? Inner) Order(CheckedLock first, CheckedLock second)
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
                    $"EnterBoth orders two instances of one lock class; got \"{first.ClassName}\" and \"{second.ClassName}\". " +
                    "Take locks of different classes one after the other, in the declared order.",
                    nameof(second));
            }

            return first._instance < second._instance ? (first, second) : (second, first);
        }

#if NET9_0_OR_GREATER
        [MethodImpl(MethodImplOptions.AggressiveInlining), NoLockAnalysis]
        private void RawEnter() => _lock.Enter();

        [MethodImpl(MethodImplOptions.AggressiveInlining), NoLockAnalysis]
        private void RawExit() => _lock.Exit();

        [NoLockAnalysis]
        private bool RawTryEnter(int milliseconds) => _lock.TryEnter(milliseconds);

        private bool RawIsHeld() => _lock.IsHeldByCurrentThread;
#else
        [MethodImpl(MethodImplOptions.AggressiveInlining), NoLockAnalysis]
        private void RawEnter() => Monitor.Enter(_lock);

        [MethodImpl(MethodImplOptions.AggressiveInlining), NoLockAnalysis]
        private void RawExit() => Monitor.Exit(_lock);

        [NoLockAnalysis]
        private bool RawTryEnter(int milliseconds) => Monitor.TryEnter(_lock, milliseconds);

        private bool RawIsHeld() => Monitor.IsEntered(_lock);
#endif

        /// <summary>Releases the lock when disposed; returned by <see cref="EnterScope"/>.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly CheckedLock _owner;

            internal Scope(CheckedLock owner) => _owner = owner;

            /// <summary>Releases the lock.</summary>
            [NoLockAnalysis]
            public void Dispose() => _owner?.Exit();
        }

        /// <summary>Releases both locks when disposed; returned by <see cref="EnterBothScope"/>.</summary>
        public readonly struct PairScope : IDisposable
        {
            private readonly CheckedLock _first;
            private readonly CheckedLock _second;

            internal PairScope(CheckedLock first, CheckedLock second)
            {
                _first = first;
                _second = second;
            }

            /// <summary>Releases both locks.</summary>
            [NoLockAnalysis]
            public void Dispose()
            {
                if (_first is not null)
                {
                    ExitBoth(_first, _second);
                }
            }
        }
    }
}
