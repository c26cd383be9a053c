using System;
using System.Runtime.CompilerServices;

namespace LockContracts.Lockdep
{
    internal struct HeldLock
    {
        public object Lock;
        public int ClassId;
        public LockMode Mode;
    }

    /// <summary>
    /// What one thread holds, and the chains of held classes it has already validated. Only the owning
    /// thread touches it, so nothing here is synchronized.
    /// </summary>
    internal sealed class ThreadLockState
    {
        [ThreadStatic]
        private static ThreadLockState? t_current;

        private const int CacheSize = 512;
        private const int CacheMask = CacheSize - 1;

        public readonly HeldLock[] Held = new HeldLock[Lockdep.MaxHeldLocks];

        // ChainKeys[i] identifies the first i held locks (class and mode, in order).
        public readonly ulong[] ChainKeys = new ulong[Lockdep.MaxHeldLocks + 1];

        public int Count;

        private readonly ulong[] _validated = new ulong[CacheSize];
        private int _generation;

        private ThreadLockState() => ChainKeys[0] = 0x2545F4914F6CDD1DUL;

        public static ThreadLockState Current
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => t_current ?? Create();
        }

        public static ThreadLockState? CurrentOrNull => t_current;

        /// <summary>The key of the held chain extended by one more acquisition.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong NextKey(int classId, LockMode mode, bool tryAcquire)
        {
            var element = ((ulong)(uint)classId << 3) | ((ulong)mode << 1) | (tryAcquire ? 1UL : 0UL);
            var mixed = (ChainKeys[Count] ^ element) * 0x9E3779B97F4A7C15UL;
            mixed ^= mixed >> 31;
            mixed *= 0xBF58476D1CE4E5B9UL;
            mixed ^= mixed >> 29;
            return mixed | 1; // 0 marks an empty cache slot
        }

        /// <summary>
        /// True when this exact chain was validated since the last reset, and no async flow lock could
        /// be held by the current flow (those are not part of the thread's chain).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool IsValidated(ulong key) =>
            _validated[(int)key & CacheMask] == key
            && _generation == DependencyGraph.Generation
            && FlowStack.ActiveCount == 0;

        public bool IsCached(ulong key, int generation) =>
            _generation == generation && _validated[(int)key & CacheMask] == key;

        public void MarkValidated(ulong key, int generation)
        {
            if (_generation != generation)
            {
                Array.Clear(_validated, 0, _validated.Length);
                _generation = generation;
            }

            _validated[(int)key & CacheMask] = key;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(object lockObject, int classId, LockMode mode, ulong key)
        {
            ref var slot = ref Held[Count];
            slot.Lock = lockObject;
            slot.ClassId = classId;
            slot.Mode = mode;
            ChainKeys[++Count] = key;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryPopTop(object lockObject, LockMode mode = LockMode.Exclusive)
        {
            var top = Count - 1;
            if (top < 0)
            {
                return false;
            }

            ref var entry = ref Held[top];
            if (!ReferenceEquals(entry.Lock, lockObject) || entry.Mode != mode)
            {
                return false;
            }

            entry.Lock = null!;
            Count = top;
            return true;
        }

        /// <summary>The topmost entry for this lock in one of the given modes, or -1.</summary>
        public int IndexOf(object lockObject, LockMode mode)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(Held[i].Lock, lockObject) && Held[i].Mode == mode)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Releases out of order: the entries above move down and their chain keys are rebuilt.</summary>
        public void RemoveAt(int index)
        {
            var oldCount = Count;
            Count = index;
            for (var i = index + 1; i < oldCount; i++)
            {
                var entry = Held[i];
                var key = NextKey(entry.ClassId, entry.Mode, tryAcquire: false);
                Push(entry.Lock, entry.ClassId, entry.Mode, key);
            }

            Held[oldCount - 1].Lock = null!;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ThreadLockState Create() => t_current = new ThreadLockState();
    }
}
