using System.Diagnostics;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// One observed dependency: a lock of class <see cref="To"/> was requested while a lock of class
    /// <see cref="From"/> was held, with the stack where that was first seen.
    /// </summary>
    public sealed class LockDependency
    {
        private readonly StackTrace? _firstSeen;
        private string? _firstSeenText;

        internal LockDependency(
            string from, LockMode fromMode, string to, LockMode toMode,
            StackTrace? firstSeen, int threadId, string? threadName, string? violationId)
        {
            From = from;
            FromMode = fromMode;
            To = to;
            ToMode = toMode;
            _firstSeen = firstSeen;
            FirstSeenThreadId = threadId;
            FirstSeenThreadName = threadName;
            ViolationId = violationId;
        }

        /// <summary>The class of the lock that was held.</summary>
        public string From { get; }

        /// <summary>The mode in which <see cref="From"/> was held.</summary>
        public LockMode FromMode { get; }

        /// <summary>The class of the lock that was requested.</summary>
        public string To { get; }

        /// <summary>The mode in which <see cref="To"/> was requested.</summary>
        public LockMode ToMode { get; }

        /// <summary>The managed thread id of the thread that first took this path.</summary>
        public int FirstSeenThreadId { get; }

        /// <summary>The name of the thread that first took this path, if it had one.</summary>
        public string? FirstSeenThreadName { get; }

        /// <summary>
        /// The id of the report this dependency caused when first seen (<c>"LOCK001"</c> when it closed a
        /// cycle, <c>"LOCK004"</c> for unordered nesting of one class), or null for an ordinary dependency.
        /// </summary>
        public string? ViolationId { get; }

        /// <summary>The stack of the acquisition that first took this path.</summary>
        public string FirstSeenStack => _firstSeenText ??= _firstSeen?.ToString() ?? string.Empty;

        /// <inheritdoc/>
        public override string ToString() => $"{From}{ModeSuffix(FromMode)} -> {To}{ModeSuffix(ToMode)}";

        internal static string ModeSuffix(LockMode mode) => mode switch
        {
            LockMode.Shared => " (read)",
            LockMode.Upgradeable => " (upgradeable)",
            _ => string.Empty,
        };
    }
}
