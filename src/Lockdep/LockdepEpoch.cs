namespace LockContracts.Lockdep
{
    /// <summary>
    /// One word read by every acquisition's repeat check: the graph generation (bumped by
    /// <c>Reset</c>) in the high 32 bits, and the number of async locks held by any flow in the low 32.
    /// A thread's memo stores the generation it was filled in with the low half zero, so one comparison
    /// tells both that the memo is current and that no async flow lock needs looking at.
    /// </summary>
    /// <remarks>
    /// The class has no static initializer, so code compiled fully optimized at once
    /// (<c>AggressiveOptimization</c>) reads the field without a class-initialization check.
    /// </remarks>
    internal static class LockdepEpoch
    {
        internal const long GenerationOne = 1L << 32;
        internal const long GenerationMask = unchecked((long)0xFFFF_FFFF_0000_0000UL);

        internal static long Value;

        /// <summary>The generation part of a value: what a thread's memo is stamped with.</summary>
        internal static long GenerationOf(long value) => value & GenerationMask;

        /// <summary>Whether some flow holds an async lock, in a value.</summary>
        internal static bool FlowLocksHeld(long value) => (int)value != 0;
    }
}
