using System;
using LockContracts.Analyzers.Contracts;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// Which lock an expression denotes: the object that owns it (an access path such as
    /// <c>src</c> or <c>this</c>, or <c>static:Type</c>) and its lock class, or, for a lock the
    /// analysis cannot name, only the path of the lock object itself.
    /// </summary>
    internal sealed class LockIdentity : IEquatable<LockIdentity>
    {
        public LockIdentity(string? owner, string? lockClass, string? objectPath, string display, LockPrimitive primitive, bool allowsRecursion = false)
        {
            Owner = owner;
            LockClass = lockClass;
            ObjectPath = objectPath;
            Display = display;
            Primitive = primitive;
            AllowsRecursion = allowsRecursion;
            if (lockClass is not null && owner is not null)
            {
                Key = owner + "::" + lockClass;
            }
            else if (lockClass is null && objectPath is not null)
            {
                Key = "object::" + objectPath;
            }
        }

        /// <summary>The owning object's path, or null when the instance is not known.</summary>
        public string? Owner { get; }

        public string? LockClass { get; }

        public string? ObjectPath { get; }

        /// <summary>How messages show the instance, such as <c>src.Rwsem</c>.</summary>
        public string Display { get; }

        public LockPrimitive Primitive { get; }

        /// <summary>A ReaderWriterLockSlim created with LockRecursionPolicy.SupportsRecursion.</summary>
        public bool AllowsRecursion { get; }

        /// <summary>Identifies one instance; null when only the class is known.</summary>
        public string? Key { get; }

        public bool IsInstanceKnown => Key is not null;

        /// <summary>Same instance, or, when one side knows only the class, the same class.</summary>
        public bool Matches(LockIdentity other)
        {
            if (Key is not null && other.Key is not null)
            {
                return Key == other.Key;
            }

            return LockClass is not null && LockClass == other.LockClass;
        }

        public bool IsReentrant => Primitive.IsReentrant();

        /// <summary>
        /// The same lock reached through <paramref name="to"/> instead of <paramref name="from"/> (<c>a.Gate</c> as
        /// <c>b.Gate</c> where <c>a == b</c>); null when this lock is not reached through <paramref name="from"/>.
        /// </summary>
        public LockIdentity? Rebased(string from, string to)
        {
            if (Owner is null || ObjectPath is null || (ObjectPath != from && !ObjectPath.StartsWith(from + ".", StringComparison.Ordinal)))
            {
                return null;
            }

            var owner = Owner == from ? to : Owner.StartsWith(from + ".", StringComparison.Ordinal) ? to + Owner.Substring(from.Length) : Owner;
            var path = to + ObjectPath.Substring(from.Length);
            var display = Display == from ? to : Display.StartsWith(from + ".", StringComparison.Ordinal) ? to + Display.Substring(from.Length) : path;
            return new LockIdentity(owner, LockClass, path, display, Primitive, AllowsRecursion);
        }

        /// <summary>The class when known, otherwise the object path, for messages.</summary>
        public string ClassOrDisplay => LockClass ?? Display;

        public bool Equals(LockIdentity? other) =>
            other is not null
            && Key == other.Key
            && (Key is not null || (LockClass == other.LockClass && Display == other.Display));

        public override bool Equals(object? obj) => Equals(obj as LockIdentity);

        public override int GetHashCode() => (Key ?? LockClass + "|" + Display).GetHashCode();

        public override string ToString() => Display + (LockClass is null ? string.Empty : " [" + LockClass + "]");
    }
}
