using System;
using System.Threading;
using System.Threading.Tasks;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// A one-slot lock that may be held across <c>await</c>, wrapping <see cref="SemaphoreSlim"/>(1, 1).
    /// Ownership follows the async flow, not the thread: the flow that took it may release it from
    /// whatever thread its continuation runs on, and a different flow may not. Not recursive.
    /// </summary>
    /// <remarks>
    /// The flow is tracked through an <see cref="AsyncLocal{T}"/>. Take and release the lock in the same
    /// async method (or in synchronous helpers it calls): a value set inside an awaited async helper
    /// does not flow back to its caller, so a lock taken inside one appears not held by the caller.
    /// Work started while the lock is held (<c>Task.Run</c>) inherits the flow, so locks it takes are
    /// ordered after this one.
    /// </remarks>
    /// <example>
    /// <code>
    /// [Lock("Cache.Gate")] private readonly CheckedAsyncLock _gate = new("Cache.Gate");
    /// using (await _gate.EnterScopeAsync()) { await RefreshAsync(); }
    /// </code>
    /// </example>
    public sealed class CheckedAsyncLock : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly LockClass _class;
        private FlowLock? _owner;

        /// <summary>Creates a lock of the given class.</summary>
        /// <param name="className">The lock class, the same name as in <c>[Lock("…")]</c>.</param>
        public CheckedAsyncLock(string className) => _class = LockClass.Get(className);

        /// <summary>The lock class.</summary>
        public string ClassName => _class.Name;

        internal LockClass Class => _class;

        /// <summary>
        /// Whether the current async flow holds the lock. With Lockdep disabled ownership is not tracked,
        /// and this says whether anyone holds it.
        /// </summary>
        public bool IsHeldByCurrentFlow
        {
            get
            {
                if (!LockdepSwitch.Checking)
                {
                    return _gate.CurrentCount == 0;
                }

                var owner = Volatile.Read(ref _owner);
                return owner is not null && !owner.IsReleased && FlowStack.CurrentContains(owner);
            }
        }

        /// <summary>Takes the lock, waiting asynchronously.</summary>
        /// <param name="cancellationToken">Cancels the wait; the lock is then not taken.</param>
        /// <returns>A task that completes when the lock is held by the calling flow.</returns>
        [Acquires, NoLockAnalysis]
        public ValueTask EnterAsync(CancellationToken cancellationToken = default)
        {
            if (!LockdepSwitch.Checking)
            {
                return new ValueTask(_gate.WaitAsync(cancellationToken));
            }

            // Pushed before the wait, in the caller's own execution context: an await resumes the
            // caller with the context it had when it awaited, so this is the only place where the
            // caller's flow can learn that it holds the lock.
            Validate(tryAcquire: false);
            var node = FlowStack.Push(this, _class.Id);
            Task wait;
            try
            {
                wait = _gate.WaitAsync(cancellationToken);
            }
            catch
            {
                FlowStack.Abandon(node);
                throw;
            }

            if (wait.Status == TaskStatus.RanToCompletion)
            {
                Volatile.Write(ref _owner, node);
                return default;
            }

            return CompleteAsync(wait, node);
        }

        /// <summary>Takes the lock and returns a scope whose <c>Dispose</c> releases it.</summary>
        /// <param name="cancellationToken">Cancels the wait; the lock is then not taken.</param>
        /// <returns>The scope, once the lock is held; dispose it exactly once.</returns>
        [Acquires]
        public ValueTask<Scope> EnterScopeAsync(CancellationToken cancellationToken = default)
        {
            var entered = EnterAsync(cancellationToken);
            return entered.IsCompletedSuccessfully ? new ValueTask<Scope>(new Scope(this)) : AwaitScope(entered);
        }

        /// <summary>Takes the lock, blocking the thread.</summary>
        [Acquires, NoLockAnalysis]
        public void Enter()
        {
            if (!LockdepSwitch.Checking)
            {
                _gate.Wait();
                return;
            }

            Validate(tryAcquire: false);
            _gate.Wait();
            Volatile.Write(ref _owner, FlowStack.Push(this, _class.Id));
        }

        /// <summary>Takes the lock if it is free, without waiting.</summary>
        /// <returns>True when the lock was taken.</returns>
        [TryAcquires(true), NoLockAnalysis]
        public bool TryEnter()
        {
            if (!LockdepSwitch.Checking)
            {
                return _gate.Wait(0);
            }

            Validate(tryAcquire: true);
            if (!_gate.Wait(0))
            {
                return false;
            }

            Volatile.Write(ref _owner, FlowStack.Push(this, _class.Id));
            return true;
        }

        /// <summary>Releases the lock. Only the flow that holds it may release it.</summary>
        /// <exception cref="LockOrderViolationException">In <see cref="LockdepMode.Throw"/> mode, when the current flow does not hold it (LOCK102).</exception>
        [Releases, NoLockAnalysis]
        public void Exit()
        {
            if (!LockdepSwitch.Checking)
            {
                _gate.Release();
                return;
            }

            var owner = Volatile.Read(ref _owner);
            if (owner is not null && !owner.IsReleased && FlowStack.CurrentContains(owner))
            {
                Volatile.Write(ref _owner, null);
                FlowStack.Release(owner);
                _gate.Release();
                return;
            }

            if (owner is null && _gate.CurrentCount == 0)
            {
                // Taken while Lockdep was disabled: there is nothing to untrack.
                _gate.Release();
                return;
            }

            Validator.BadRelease(
                _class,
                owner is null ? "is released by a flow that does not hold it" : "is released by a flow that does not own it (another async flow holds it)");
        }

        /// <summary>Disposes the underlying <see cref="SemaphoreSlim"/>.</summary>
        public void Dispose() => _gate.Dispose();

        /// <inheritdoc/>
        public override string ToString() => $"CheckedAsyncLock({ClassName})";

        private void Validate(bool tryAcquire) =>
            Validator.BeforeAcquire(ThreadLockState.Current, this, _class, LockMode.Exclusive, tryAcquire);

        private async ValueTask CompleteAsync(Task wait, FlowLock node)
        {
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch
            {
                FlowStack.Abandon(node);
                throw;
            }

            Volatile.Write(ref _owner, node);
        }

        private async ValueTask<Scope> AwaitScope(ValueTask entered)
        {
            await entered.ConfigureAwait(false);
            return new Scope(this);
        }

        /// <summary>Releases the lock when disposed; returned by <see cref="EnterScopeAsync"/>.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly CheckedAsyncLock _owner;

            internal Scope(CheckedAsyncLock owner) => _owner = owner;

            /// <summary>Releases the lock.</summary>
            [NoLockAnalysis]
            public void Dispose() => _owner?.Exit();
        }
    }
}
