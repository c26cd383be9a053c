using System;
using System.Runtime.CompilerServices;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// The on/off state read first by every lock operation.
    /// </summary>
    /// <remarks>
    /// Two parts. <see cref="Off"/> is the AppContext switch, read once: a <c>static readonly bool</c>,
    /// which tiered compilation turns into a constant once the class is initialized, so that with the
    /// switch set a checked lock's operations compile to the wrapped lock's alone, and without it the
    /// test disappears. <see cref="Enabled"/> is the flag <c>Lockdep.Enabled</c> changes at run time.
    /// </remarks>
    internal static class LockdepSwitch
    {
        internal static readonly bool Off = AppContext.TryGetSwitch(Lockdep.DisableSwitchName, out var disabled) && disabled;

        internal static bool Enabled = !Off;

        /// <summary>Whether lock operations are validated now.</summary>
        internal static bool Checking
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => !Off && Enabled;
        }

        /// <summary>Sets the run-time flag; with the switch set, Lockdep stays off for the process.</summary>
        internal static void Set(bool enabled) => Enabled = enabled && !Off;
    }
}
