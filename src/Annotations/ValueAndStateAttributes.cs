using System;

namespace LockContracts
{
    /// <summary>
    /// The member can change under a concurrent writer. A value read while a lock in
    /// <see cref="Under"/> (any lock when empty) is not held must be read again, from the same
    /// object, after that lock is taken and before it is released; otherwise LOCK103.
    /// </summary>
    /// <example>
    /// <code>
    /// [MustRecheck(Under = new[] { "PageTable.Ptl" })] public long Size { get; set; }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class MustRecheckAttribute : Attribute
    {
        /// <summary>The lock classes under which the value must be read again; empty means any lock.</summary>
        public string[] Under { get; set; } = new string[0];
    }

    /// <summary>
    /// The method establishes a protocol state for one object (<see cref="On"/>). The state holds
    /// until the <see cref="ValidWhileHeld"/> lock of the same object is released or temporarily
    /// released.
    /// </summary>
    /// <example>
    /// <code>
    /// [EstablishesState("LayoutsBroken", On = "inode", ValidWhileHeld = "Inode.InvalidateLock")]
    /// static void BreakLayouts(Inode inode) { ... }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
    public sealed class EstablishesStateAttribute : Attribute
    {
        /// <summary>The method establishes <paramref name="state"/>.</summary>
        /// <param name="state">The state's name.</param>
        public EstablishesStateAttribute(string state) => State = state;

        /// <summary>The state's name.</summary>
        public string State { get; }

        /// <summary>Whose state: <c>"this"</c> (default) or a parameter's name.</summary>
        public string On { get; set; } = "this";

        /// <summary>The lock class, of the same object, whose release ends the state; null for "until the method returns".</summary>
        public string? ValidWhileHeld { get; set; }
    }

    /// <summary>Calling the method requires the state to hold for the object; otherwise LOCK104.</summary>
    /// <example>
    /// <code>
    /// [RequiresState("LayoutsBroken", On = "inode")]
    /// static void FreeBlocks(Inode inode, long first, long count) { ... }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
    public sealed class RequiresStateAttribute : Attribute
    {
        /// <summary>The method requires <paramref name="state"/>.</summary>
        /// <param name="state">The state's name.</param>
        public RequiresStateAttribute(string state) => State = state;

        /// <summary>The state's name.</summary>
        public string State { get; }

        /// <summary>Whose state: <c>"this"</c> (default) or a parameter's name.</summary>
        public string On { get; set; } = "this";
    }
}
