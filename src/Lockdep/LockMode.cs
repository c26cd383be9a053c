namespace LockContracts.Lockdep
{
    /// <summary>The mode in which a lock is held or requested.</summary>
    public enum LockMode : byte
    {
        /// <summary>Exclusive: a mutex, or the write side of a reader-writer lock.</summary>
        Exclusive = 0,

        /// <summary>Shared: the read side of a reader-writer lock.</summary>
        Shared = 1,

        /// <summary>Upgradeable read: shared with readers, exclusive with writers and other upgraders.</summary>
        Upgradeable = 2,
    }

    /// <summary>What Lockdep does when it finds a violation.</summary>
    public enum LockdepMode
    {
        /// <summary>
        /// Raise <see cref="Lockdep.ViolationDetected"/>, then throw <see cref="LockOrderViolationException"/>
        /// from the call that revealed the problem, before the lock is taken.
        /// </summary>
        Throw = 0,

        /// <summary>
        /// Raise <see cref="Lockdep.ViolationDetected"/> and go on. Only a self-deadlock that would hang
        /// for certain (re-taking a <see cref="CheckedAsyncLock"/> in its own flow) still throws.
        /// </summary>
        Report = 1,
    }

    /// <summary>The text format of <see cref="Lockdep.ExportGraph(LockGraphFormat)"/>.</summary>
    public enum LockGraphFormat
    {
        /// <summary>Graphviz DOT.</summary>
        Dot = 0,

        /// <summary>A Mermaid flowchart.</summary>
        Mermaid = 1,
    }
}
