using System;

namespace LockContracts
{
    /// <summary>
    /// The method returns with a lock held. With no name on a method of a lock type it means
    /// "this lock object", whose class comes from the field it was loaded from.
    /// </summary>
    /// <example>
    /// <code>
    /// [Acquires("Inode.Rwsem", On = "inode")]
    /// static void LockInode(Inode inode) => inode.Rwsem.EnterWriteLock();
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class AcquiresAttribute : Attribute
    {
        /// <summary>The method acquires the lock object it is called on (or the <see cref="On"/> target).</summary>
        public AcquiresAttribute() { }

        /// <summary>The method acquires the named lock class of the <see cref="On"/> target.</summary>
        /// <param name="name">The lock class.</param>
        public AcquiresAttribute(string name) => Name = name;

        /// <summary>The lock class, or null for the lock object itself.</summary>
        public string? Name { get; }

        /// <summary>True when the lock is taken in shared (read) mode.</summary>
        public bool Shared { get; set; }

        /// <summary>
        /// True when the lock is taken in upgradeable-read mode: shared with readers, exclusive with
        /// other upgraders, and allowed to enter write mode while held.
        /// </summary>
        public bool Upgradeable { get; set; }

        /// <summary>Whose lock: <c>"this"</c> (default), a parameter's name, or <c>"return"</c>.</summary>
        public string On { get; set; } = "this";

        /// <summary>
        /// True when the caller states the nesting level of this instance explicitly (lockdep's
        /// nesting subclasses): its order against other instances of the class is decided by that
        /// level, so nesting it inside another instance is not LOCK004.
        /// </summary>
        public bool Nested { get; set; }
    }

    /// <summary>The method returns with a lock released; callers must hold it before the call.</summary>
    /// <example>
    /// <code>
    /// [Releases("Inode.Rwsem", On = "inode")]
    /// static void UnlockInode(Inode inode) => inode.Rwsem.ExitWriteLock();
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class ReleasesAttribute : Attribute
    {
        /// <summary>The method releases the lock object it is called on (or the <see cref="On"/> target).</summary>
        public ReleasesAttribute() { }

        /// <summary>The method releases the named lock class of the <see cref="On"/> target.</summary>
        /// <param name="name">The lock class.</param>
        public ReleasesAttribute(string name) => Name = name;

        /// <summary>The lock class, or null for the lock object itself.</summary>
        public string? Name { get; }

        /// <summary>Whose lock: <c>"this"</c> (default), a parameter's name, or <c>"return"</c>.</summary>
        public string On { get; set; } = "this";
    }

    /// <summary>The method holds the lock on return if and only if it returned <see cref="WhenReturns"/>.</summary>
    /// <example>
    /// <code>
    /// [TryAcquires(true)] public bool TryLock() => _gate.Wait(0);
    /// if (page.Lock.TryLock()) { try { ... } finally { page.Lock.Unlock(); } }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class TryAcquiresAttribute : Attribute
    {
        /// <summary>The method tries to acquire the lock object it is called on.</summary>
        /// <param name="whenReturns">The return value that means the lock was taken.</param>
        public TryAcquiresAttribute(bool whenReturns) => WhenReturns = whenReturns;

        /// <summary>The method tries to acquire the named lock class of the <see cref="On"/> target.</summary>
        /// <param name="name">The lock class.</param>
        /// <param name="whenReturns">The return value that means the lock was taken.</param>
        public TryAcquiresAttribute(string name, bool whenReturns)
        {
            Name = name;
            WhenReturns = whenReturns;
        }

        /// <summary>The lock class, or null for the lock object itself.</summary>
        public string? Name { get; }

        /// <summary>The return value that means the lock was taken.</summary>
        public bool WhenReturns { get; }

        /// <summary>True when the lock is taken in shared (read) mode.</summary>
        public bool Shared { get; set; }

        /// <summary>
        /// True when the lock is taken in upgradeable-read mode: shared with readers, exclusive with
        /// other upgraders, and allowed to enter write mode while held.
        /// </summary>
        public bool Upgradeable { get; set; }

        /// <summary>Whose lock: <c>"this"</c> (default), a parameter's name, or <c>"return"</c>.</summary>
        public string On { get; set; } = "this";
    }

    /// <summary>
    /// The caller must hold the lock. <see cref="Shared"/> = true accepts shared or exclusive;
    /// false (default) requires it exclusively. Calling without it is LOCK101.
    /// </summary>
    /// <example>
    /// <code>
    /// [RequiresHeld("Mapping.Lock")]
    /// void RemovePage(Page page) => _pages.Remove(page.Index);
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class RequiresHeldAttribute : Attribute
    {
        /// <summary>The caller must hold the named lock class of the <see cref="On"/> target.</summary>
        /// <param name="name">The lock class.</param>
        public RequiresHeldAttribute(string name) => Name = name;

        /// <summary>The lock class.</summary>
        public string Name { get; }

        /// <summary>True when holding the lock shared is enough.</summary>
        public bool Shared { get; set; }

        /// <summary>Whose lock: <c>"this"</c> (default) or a parameter's name.</summary>
        public string On { get; set; } = "this";
    }

    /// <summary>The caller must not hold the lock: the method takes it itself. Calling it while held is LOCK003.</summary>
    /// <example>
    /// <code>
    /// [Excludes("Cache.Gate")]
    /// public void Refresh() { _gate.Wait(); try { ... } finally { _gate.Release(); } }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class ExcludesAttribute : Attribute
    {
        /// <summary>The caller must not hold the named lock class of the <see cref="On"/> target.</summary>
        /// <param name="name">The lock class.</param>
        public ExcludesAttribute(string name) => Name = name;

        /// <summary>The lock class.</summary>
        public string Name { get; }

        /// <summary>Whose lock: <c>"this"</c> (default) or a parameter's name.</summary>
        public string On { get; set; } = "this";
    }

    /// <summary>
    /// The method returns only if the lock is held (a runtime assertion). After the call the
    /// analyzer treats the lock as held.
    /// </summary>
    /// <example>
    /// <code>
    /// [AssertsHeld(On = "lockObject")] public static void AssertHeld(CheckedLock lockObject) { ... }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
    public sealed class AssertsHeldAttribute : Attribute
    {
        /// <summary>Asserts the lock object the method is called on (or the <see cref="On"/> target) is held.</summary>
        public AssertsHeldAttribute() { }

        /// <summary>Asserts the named lock class of the <see cref="On"/> target is held.</summary>
        /// <param name="name">The lock class.</param>
        public AssertsHeldAttribute(string name) => Name = name;

        /// <summary>The lock class, or null for the lock object itself.</summary>
        public string? Name { get; }

        /// <summary>True when the assertion accepts a shared holder.</summary>
        public bool Shared { get; set; }

        /// <summary>Whose lock: <c>"this"</c> (default) or a parameter's name.</summary>
        public string On { get; set; } = "this";
    }

    /// <summary>
    /// The method drops and retakes a held lock (a condition wait, a sleep that unlocks). The lock
    /// is held before and after, but values read and states established under it go stale.
    /// </summary>
    /// <example>
    /// <code>
    /// [TemporarilyReleases("Page.Lock", On = "page")]
    /// static void WaitOnPageWriteback(Page page) { ... }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
    public sealed class TemporarilyReleasesAttribute : Attribute
    {
        /// <summary>The method drops and retakes the named lock class of the <see cref="On"/> target.</summary>
        /// <param name="name">The lock class.</param>
        public TemporarilyReleasesAttribute(string name) => Name = name;

        /// <summary>The lock class.</summary>
        public string Name { get; }

        /// <summary>Whose lock: <c>"this"</c> (default) or a parameter's name.</summary>
        public string On { get; set; } = "this";
    }

    /// <summary>Trust this method: analyze nothing in it. Callers still see its other contracts.</summary>
    /// <example>
    /// <code>
    /// [NoLockAnalysis] // hands the lock to a callback that releases it
    /// void EnterForCallback() { ... }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class NoLockAnalysisAttribute : Attribute
    {
    }
}
