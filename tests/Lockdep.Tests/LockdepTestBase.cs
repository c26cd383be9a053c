using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Xunit;

// Every test here changes process-wide Lockdep state (the graph, the mode, the switch).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace LockContracts.Lockdep.Tests
{
    /// <summary>Starts each test from an empty graph in Throw mode and records every violation raised.</summary>
    public abstract class LockdepTestBase : IDisposable
    {
        private readonly ConcurrentQueue<LockViolation> _violations = new();

        protected LockdepTestBase()
        {
            Lockdep.Enabled = true;
            Lockdep.Mode = LockdepMode.Throw;
            Lockdep.Reset();
            Lockdep.ViolationDetected += OnViolation;
        }

        protected IReadOnlyList<LockViolation> Violations => _violations.ToArray();

        public void Dispose()
        {
            ReleaseLeftovers();
            Lockdep.ViolationDetected -= OnViolation;
            Lockdep.Enabled = true;
            Lockdep.Mode = LockdepMode.Throw;
            Lockdep.Reset();
            GC.SuppressFinalize(this);
        }

        protected static void AssertNoneHeld() => Assert.Empty(Lockdep.HeldByCurrent());

        protected static bool HasDependency(string from, string to) =>
            Lockdep.GetDependencies().Any(d => d.From == from && d.To == to);

        /// <summary>Joins threads, failing (not hanging) if one of them deadlocked.</summary>
        protected static void JoinAll(IEnumerable<Thread> threads)
        {
            foreach (var thread in threads)
            {
                Assert.True(thread.Join(TimeSpan.FromSeconds(60)), $"thread {thread.Name} did not finish: deadlock");
            }
        }

        protected static Thread StartThread(string name, Action body)
        {
            var thread = new Thread(() => body()) { Name = name, IsBackground = true };
            thread.Start();
            return thread;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        protected static void TakeInOrder(CheckedLock outer, CheckedLock inner)
        {
            outer.Enter();
            try
            {
                inner.Enter();
                inner.Exit();
            }
            finally
            {
                outer.Exit();
            }
        }

        private void OnViolation(object? sender, LockViolation violation) => _violations.Enqueue(violation);

        // A test that fails between an Enter and its Exit must not leave the next test (which runs
        // on the same thread) holding its locks.
        private static void ReleaseLeftovers()
        {
            Lockdep.Mode = LockdepMode.Report;
            var state = ThreadLockState.CurrentOrNull;
            while (state is { Count: > 0 })
            {
                var held = state.Held[state.Count - 1];
                switch (held.Lock, held.Mode)
                {
                    case (CheckedLock l, _): l.Exit(); break;
                    case (CheckedReaderWriterLock rw, LockMode.Shared): rw.ExitRead(); break;
                    case (CheckedReaderWriterLock rw, LockMode.Upgradeable): rw.ExitUpgradeableRead(); break;
                    case (CheckedReaderWriterLock rw, _): rw.ExitWrite(); break;
                }
            }
        }
    }

    /// <summary>Resumes the awaiting method on a new thread, so a test can prove a flow changed threads.</summary>
    public readonly struct HopToNewThread : INotifyCompletion
    {
        public HopToNewThread GetAwaiter() => this;

        public bool IsCompleted => false;

        public void OnCompleted(Action continuation) =>
            new Thread(() => continuation()) { IsBackground = true, Name = "hop" }.Start();

        public void GetResult()
        {
        }
    }
}
