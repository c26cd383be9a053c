using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// Collects every violation found, on any thread, while it is open; returned by
    /// <see cref="Lockdep.CollectViolations"/>. While at least one collector is open, a violation does
    /// not throw where it is found (as in <see cref="LockdepMode.Report"/>), so a worker thread goes on
    /// instead of dying and taking the test host with it; the test fails at its end with
    /// <see cref="AssertNone"/>. A re-entry that would hang for certain (an async lock taken again by
    /// its own flow) still throws.
    /// </summary>
    /// <example>
    /// <code>
    /// using var violations = Lockdep.CollectViolations();
    /// RunTheWorkloadOnManyThreads();
    /// violations.AssertNone();
    /// </code>
    /// </example>
    public sealed class ViolationCollector : IDisposable
    {
        private readonly ConcurrentQueue<LockViolation> _violations = new();
        private int _disposed;

        internal ViolationCollector()
        {
        }

        /// <summary>The violations collected so far, in the order they were found.</summary>
        public IReadOnlyList<LockViolation> Violations => _violations.ToArray();

        /// <summary>Throws <see cref="LockViolationsException"/>, listing every violation, if any was collected.</summary>
        /// <exception cref="LockViolationsException">At least one violation was collected.</exception>
        public void AssertNone()
        {
            var violations = Violations;
            if (violations.Count > 0)
            {
                throw new LockViolationsException(violations);
            }
        }

        /// <summary>Stops collecting. The violations collected stay readable; disposing does not throw.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Lockdep.StopCollecting(this);
            }
        }

        internal void Add(LockViolation violation) => _violations.Enqueue(violation);
    }

    /// <summary>Thrown by <see cref="ViolationCollector.AssertNone"/>: the full report of every violation collected.</summary>
    public sealed class LockViolationsException : Exception
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="violations">The violations, at least one.</param>
        public LockViolationsException(IReadOnlyList<LockViolation> violations)
            : base(Describe(violations)) => Violations = violations;

        /// <summary>Every violation collected, in the order found.</summary>
        public IReadOnlyList<LockViolation> Violations { get; }

        private static string Describe(IReadOnlyList<LockViolation> violations)
        {
            var text = new StringBuilder();
            text.Append(violations.Count).Append(violations.Count == 1 ? " lock violation was" : " lock violations were")
                .Append(" found while collecting:");
            foreach (var violation in violations)
            {
                text.AppendLine().AppendLine().Append(violation);
            }

            return text.ToString();
        }
    }
}
