using System;
using System.Collections.Generic;
using System.Text;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// A problem found by Lockdep, with the same ids as the analyzer: LOCK001 (lock-order cycle),
    /// LOCK003 (re-taking a non-recursive lock, or holding a lock that must not be held), LOCK004
    /// (two instances of one class nested with no order), LOCK101 (an assertion that a lock is held
    /// failed), LOCK102 (releasing a lock that is not held, or held by another thread or flow).
    /// </summary>
    public sealed class LockViolation : EventArgs
    {
        internal LockViolation(
            string id, string message, IReadOnlyList<string> classes,
            IReadOnlyList<LockDependency> dependencies, string currentStack)
        {
            Id = id;
            Message = message;
            Classes = classes;
            Dependencies = dependencies;
            CurrentStack = currentStack;
            ThreadId = Environment.CurrentManagedThreadId;
        }

        /// <summary>The diagnostic id, for example <c>"LOCK001"</c>.</summary>
        public string Id { get; }

        /// <summary>A one-paragraph description naming the lock classes.</summary>
        public string Message { get; }

        /// <summary>
        /// The lock classes involved. For LOCK001 this is the cycle in order: each class is held while
        /// the next is requested, and the last is held while the first is requested.
        /// </summary>
        public IReadOnlyList<string> Classes { get; }

        /// <summary>
        /// For LOCK001, every edge of the cycle with the stack where it was first seen; the edge that
        /// closed the cycle is the one observed now. For LOCK004, the nesting itself. Empty otherwise.
        /// </summary>
        public IReadOnlyList<LockDependency> Dependencies { get; }

        /// <summary>The stack of the call that revealed the problem.</summary>
        public string CurrentStack { get; }

        /// <summary>The managed thread id of the thread that revealed the problem.</summary>
        public int ThreadId { get; }

        /// <summary>The full report: message, every edge with its first-seen stack, and the current stack.</summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(Id).Append(": ").Append(Message).AppendLine();
            foreach (var dependency in Dependencies)
            {
                text.AppendLine();
                text.Append("  ").Append(dependency).Append(" first seen on thread ")
                    .Append(dependency.FirstSeenThreadId);
                if (dependency.FirstSeenThreadName is { } name)
                {
                    text.Append(" '").Append(name).Append('\'');
                }

                text.AppendLine(":");
                text.AppendLine(dependency.FirstSeenStack);
            }

            text.AppendLine();
            text.Append("  current stack (thread ").Append(ThreadId).AppendLine("):");
            text.AppendLine(CurrentStack);
            return text.ToString();
        }
    }

    /// <summary>Thrown in <see cref="LockdepMode.Throw"/> mode when Lockdep finds a violation.</summary>
    public sealed class LockOrderViolationException : InvalidOperationException
    {
        /// <summary>Creates the exception for a violation.</summary>
        /// <param name="violation">The violation found.</param>
        public LockOrderViolationException(LockViolation violation)
            : base(violation.ToString()) => Violation = violation;

        /// <summary>The violation found.</summary>
        public LockViolation Violation { get; }

        /// <summary>The diagnostic id, for example <c>"LOCK001"</c>.</summary>
        public string Id => Violation.Id;
    }

    /// <summary>
    /// Thrown when one of Lockdep's bounded tables is full: lock classes (<see cref="Lockdep.MaxLockClasses"/>),
    /// dependencies (<see cref="Lockdep.MaxDependencies"/>) or locks held at once by one thread or flow
    /// (<see cref="Lockdep.MaxHeldLocks"/>).
    /// </summary>
    public sealed class LockdepCapacityException : InvalidOperationException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">What is full and what to do about it.</param>
        public LockdepCapacityException(string message) : base(message) { }
    }
}
