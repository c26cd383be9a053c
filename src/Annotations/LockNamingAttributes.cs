using System;

namespace LockContracts
{
    /// <summary>
    /// Names the lock class of the lock held in a field or property. Every object stored in the
    /// member is one instance of that class; two inodes' <c>Rwsem</c> fields are two instances of
    /// <c>"Inode.Rwsem"</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// [Lock("Inode.Rwsem")] private readonly ReaderWriterLockSlim _rwsem = new();
    /// [Lock("Page.Lock")]   public readonly CheckedLock Lock = new("Page.Lock");
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class LockAttribute : Attribute
    {
        /// <summary>Names the lock class of the member.</summary>
        /// <param name="name">The lock class, for example <c>"Inode.Rwsem"</c>.</param>
        public LockAttribute(string name) => Name = name;

        /// <summary>The lock class.</summary>
        public string Name { get; }
    }

    /// <summary>
    /// Declares the order in which lock classes are taken, outermost first. Several attributes,
    /// and <see cref="AcquiredBeforeAttribute"/> / <see cref="AcquiredAfterAttribute"/> on fields,
    /// are unioned into one partial order; taking a lock against it is LOCK002, and a cycle in
    /// what is declared is LOCK201.
    /// </summary>
    /// <example>
    /// <code>
    /// [assembly: LockOrder("Inode.Rwsem", "Inode.InvalidateLock", "Page.Lock", "PageTable.Ptl")]
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    public sealed class LockOrderAttribute : Attribute
    {
        /// <summary>Declares that each class is taken before every class that follows it.</summary>
        /// <param name="names">Lock classes, outermost first.</param>
        public LockOrderAttribute(params string[] names) => Names = names ?? new string[0];

        /// <summary>The lock classes, outermost first.</summary>
        public string[] Names { get; }
    }

    /// <summary>
    /// Declares that the lock in this member is taken before the named lock classes.
    /// </summary>
    /// <example>
    /// <code>
    /// [Lock("A"), AcquiredBefore("B")] private readonly object _a = new();
    /// [Lock("B")]                      private readonly object _b = new();
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class AcquiredBeforeAttribute : Attribute
    {
        /// <summary>Declares the classes that are taken after this one.</summary>
        /// <param name="names">Lock classes taken after this member's lock.</param>
        public AcquiredBeforeAttribute(params string[] names) => Names = names ?? new string[0];

        /// <summary>Lock classes taken after this member's lock.</summary>
        public string[] Names { get; }
    }

    /// <summary>
    /// Declares that the lock in this member is taken after the named lock classes.
    /// </summary>
    /// <example>
    /// <code>
    /// [Lock("A")]                     private readonly object _a = new();
    /// [Lock("B"), AcquiredAfter("A")] private readonly object _b = new();
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class AcquiredAfterAttribute : Attribute
    {
        /// <summary>Declares the classes that are taken before this one.</summary>
        /// <param name="names">Lock classes taken before this member's lock.</param>
        public AcquiredAfterAttribute(params string[] names) => Names = names ?? new string[0];

        /// <summary>Lock classes taken before this member's lock.</summary>
        public string[] Names { get; }
    }
}
