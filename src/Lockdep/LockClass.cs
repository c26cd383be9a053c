using System;
using System.Collections.Concurrent;
using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// A lock class (or a nesting subclass of one), identified by a small integer that indexes the
    /// dependency graph. Classes live for the whole process: lock objects keep their class across
    /// <see cref="Lockdep.Reset"/>.
    /// </summary>
    internal sealed class LockClass
    {
        private static readonly ConcurrentDictionary<string, LockClass> s_byName = new(StringComparer.Ordinal);
        private static LockClass[] s_byId = new LockClass[64];
        private static int s_count;

        // Overridable by tests of the bound; never raised above the public constant.
        internal static int Limit = Lockdep.MaxLockClasses;

        private readonly LockClass?[] _subclasses;

        private LockClass(string name, int id, LockClass? baseClass)
        {
            Name = name;
            Id = id;
            BaseClass = baseClass ?? this;
            _subclasses = baseClass is null ? new LockClass?[Lockdep.MaxSubclasses] : Array.Empty<LockClass?>();
            if (baseClass is null)
            {
                _subclasses[0] = this;
            }
        }

        public string Name { get; }

        public int Id { get; }

        public LockClass BaseClass { get; }

        public static int Count => Volatile.Read(ref s_count);

        public static LockClass ById(int id) => Volatile.Read(ref s_byId)[id];

        public static LockClass Get(string className)
        {
            if (className is null)
            {
                throw new ArgumentNullException(nameof(className));
            }

            if (className.Length == 0)
            {
                throw new ArgumentException("A lock class name must not be empty.", nameof(className));
            }

            return s_byName.TryGetValue(className, out var existing) ? existing : Add(className, null, 0);
        }

        /// <summary>The class used for an instance taken at nesting level <paramref name="subclass"/>.</summary>
        public LockClass GetSubclass(int subclass)
        {
            if ((uint)subclass >= (uint)Lockdep.MaxSubclasses)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(subclass), subclass, $"A nesting subclass is 0 to {Lockdep.MaxSubclasses - 1}.");
            }

            var root = BaseClass;
            return Volatile.Read(ref root._subclasses[subclass]) ?? Add(root.Name + "/" + subclass, root, subclass);
        }

        private static LockClass Add(string name, LockClass? baseClass, int subclass)
        {
            lock (DependencyGraph.Sync)
            {
                if (s_byName.TryGetValue(name, out var existing))
                {
                    if (baseClass is not null)
                    {
                        Volatile.Write(ref baseClass._subclasses[subclass], existing);
                    }

                    return existing;
                }

                if (s_count >= Limit)
                {
                    throw new LockdepCapacityException(
                        $"Lockdep: the lock class table is full ({Limit} classes) while registering \"{name}\". " +
                        "A lock class names a role (\"Inode.Rwsem\"), not an object: building class names from " +
                        "ids or instance data creates a class per object. Give such locks one shared class name.");
                }

                var created = new LockClass(name, s_count, baseClass);
                var table = s_byId;
                if (created.Id == table.Length)
                {
                    Array.Resize(ref table, table.Length * 2);
                }

                table[created.Id] = created;
                Volatile.Write(ref s_byId, table);
                DependencyGraph.AddClassNodes(created.Id);
                Volatile.Write(ref s_count, s_count + 1);
                if (baseClass is not null)
                {
                    Volatile.Write(ref baseClass._subclasses[subclass], created);
                }

                s_byName[name] = created;
                return created;
            }
        }
    }
}
