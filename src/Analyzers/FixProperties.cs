namespace LockContracts.Analyzers
{
    /// <summary>Keys of the diagnostic properties that code fixes read (this file is compiled into both assemblies).</summary>
    internal static class FixProperties
    {
        /// <summary>The lock class a LOCK101 requirement names.</summary>
        public const string LockClass = "LockClass";

        /// <summary>Whose lock, as a path in the method: <c>this</c>, a parameter, <c>static:Type</c>.</summary>
        public const string Owner = "Owner";

        /// <summary>"true" when a shared holder satisfies the requirement.</summary>
        public const string Shared = "Shared";

        /// <summary>The protocol state a LOCK104 requirement names.</summary>
        public const string State = "State";
    }
}
