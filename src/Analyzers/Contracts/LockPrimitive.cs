namespace LockContracts.Analyzers.Contracts
{
    /// <summary>What kind of object a lock is; decides re-entrancy and which modes exist.</summary>
    internal enum LockPrimitive
    {
        /// <summary>A lock the analysis knows only by its contract (an [Acquires] method of a type it cannot see into).</summary>
        Custom,
        Monitor,
        ThreadingLock,
        ReaderWriterLockSlim,
        SemaphoreSlim,
        Mutex,
        SpinLock,
    }

    internal static class LockPrimitiveExtensions
    {
        /// <summary>Monitor, the lock statement and System.Threading.Lock let the owning thread enter again.</summary>
        public static bool IsReentrant(this LockPrimitive primitive) =>
            primitive is LockPrimitive.Monitor or LockPrimitive.ThreadingLock;

        public static string Describe(this LockPrimitive primitive) => primitive switch
        {
            LockPrimitive.Monitor => "Monitor",
            LockPrimitive.ThreadingLock => "System.Threading.Lock",
            LockPrimitive.ReaderWriterLockSlim => "ReaderWriterLockSlim",
            LockPrimitive.SemaphoreSlim => "SemaphoreSlim",
            LockPrimitive.Mutex => "Mutex",
            LockPrimitive.SpinLock => "SpinLock",
            _ => "this lock type",
        };
    }
}
