using System;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// The on/off flag read first by every lock operation. It sits alone in a class with no static
    /// constructor, so the JIT reads it as a plain field once the class is initialized.
    /// </summary>
    internal static class LockdepSwitch
    {
        internal static bool Enabled = !(AppContext.TryGetSwitch(Lockdep.DisableSwitchName, out var disabled) && disabled);
    }
}
