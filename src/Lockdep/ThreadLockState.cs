using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LockContracts.Lockdep
{
    internal struct HeldLock
    {
        public object Lock;
        public int ClassId;
        public LockMode Mode;
    }

    /// <summary>
    /// One depth of a thread's held stack: the key of the chain of the locks below it, and the last
    /// acquisition validated on top of exactly that chain.
    /// </summary>
    internal struct ChainFrame
    {
        // Identifies the first d held locks (class and mode, in order), for the frame at depth d.
        public ulong Key;

        // The last element (ThreadLockState.Element) validated on top of this chain, or -1.
        public int NextElement;

        // The chain key that element makes.
        public ulong NextKey;
    }

    /// <summary>
    /// What one thread holds, and the chains of held classes it has already validated. Only the owning
    /// thread touches it, so nothing here is synchronized.
    /// </summary>
    /// <remarks>
    /// Two levels of "already validated". The first, checked on every acquisition, is one frame per
    /// depth remembering the last acquisition validated on top of the chain now held below it: a
    /// repeat of it costs one comparison of the element and the generation, with no hashing. The
    /// second, on a miss, is a small hash set of every chain key validated since the last reset.
    /// </remarks>
    internal sealed class ThreadLockState
    {
        [ThreadStatic]
        private static ThreadLockState? t_current;

        private const int CacheSize = 512;
        private const int CacheMask = CacheSize - 1;

        public readonly HeldLock[] Held = new HeldLock[Lockdep.MaxHeldLocks];

        // Frames[d] describes depth d: 0 (nothing held) to MaxHeldLocks.
        public readonly ChainFrame[] Frames = new ChainFrame[Lockdep.MaxHeldLocks + 1];

        public int Count;

        // The graph generation the frames' memos and the cache were filled in, as LockdepEpoch stamps
        // it (low half zero); never a generation at first.
        public long Generation = -1;

        private readonly ulong[] _validated = new ulong[CacheSize];

        private ThreadLockState()
        {
            Frames[0].Key = 0x2545F4914F6CDD1DUL;
            ForgetFrames();
        }

        public static ThreadLockState Current
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => t_current ?? Create();
        }

        public static ThreadLockState? CurrentOrNull => t_current;

        /// <summary>One acquisition as the chain sees it: class, mode and whether it was a try.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Element(int classId, LockMode mode, bool tryAcquire) =>
            (classId << 3) | ((int)mode << 1) | (tryAcquire ? 1 : 0);

        /// <summary>
        /// The hot path: true, with the chain key, when this acquisition on top of the chain held now
        /// is the last one validated at this depth in the current generation, and no async flow lock
        /// could be held by the current flow (those are not part of the thread's chain).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryRepeat(int element, out ulong key)
        {
            // Count <= MaxHeldLocks, and Frames has MaxHeldLocks + 1 entries.
            ref var frame = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Frames), Count);
            key = frame.NextKey;
            // One comparison for the generation and "no async flow lock held anywhere": the stamp's
            // low half is zero, the epoch's is the count of held flow locks.
            return frame.NextElement == element && Generation == LockdepEpoch.Value;
        }

        /// <summary>
        /// <see cref="TryRepeat"/>, and on a repeat the push of the lock, with no call in between: the
        /// caller keeps fewer values alive across calls.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryPushRepeat(object lockObject, int classId, LockMode mode, int element)
        {
            if (!TryRepeat(element, out var key))
            {
                return false;
            }

            Push(lockObject, classId, mode, key);
            return true;
        }

        /// <summary>The key of the held chain extended by one more acquisition.</summary>
        public ulong NextKey(int element)
        {
            var mixed = (Frames[Count].Key ^ (ulong)(uint)element) * 0x9E3779B97F4A7C15UL;
            mixed ^= mixed >> 31;
            mixed *= 0xBF58476D1CE4E5B9UL;
            mixed ^= mixed >> 29;
            return mixed | 1; // 0 marks an empty cache slot
        }

        public bool IsCached(ulong key, long generation) =>
            Generation == generation && _validated[(int)key & CacheMask] == key;

        /// <summary>Records that <paramref name="element"/> on top of the chain held now was validated.</summary>
        public void MarkValidated(int element, ulong key, long generation)
        {
            if (Generation != generation)
            {
                Array.Clear(_validated, 0, _validated.Length);
                ForgetFrames();
                Generation = generation;
            }

            if (Count >= Lockdep.MaxHeldLocks)
            {
                // Never remembered: an acquisition at the bound must always reach the bound's check.
                return;
            }

            _validated[(int)key & CacheMask] = key;
            ref var frame = ref Frames[Count];
            frame.NextElement = element;
            frame.NextKey = key;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(object lockObject, int classId, LockMode mode, ulong key)
        {
            // Count < MaxHeldLocks here: an acquisition at the bound fails validation, and a bound
            // acquisition is never remembered as validated.
            var count = Count;
            ref var next = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Frames), count + 1);
            if (next.Key != key)
            {
                // A different chain at that depth: what was validated on top of the old one says nothing.
                next.Key = key;
                next.NextElement = -1;
            }

            Count = count + 1;

            // Indexed, not through Unsafe: the JIT then knows the slot is in the heap and uses the
            // cheaper unchecked write barrier for the reference. A pop leaves the slot as it was, so a
            // chain taken again stores nothing here and pays no write barrier. The reference comes
            // last, so that nothing stays live across the barrier's call.
            ref var slot = ref Held[count];
            if (slot.ClassId != classId || slot.Mode != mode)
            {
                slot.ClassId = classId;
                slot.Mode = mode;
            }

            if (!ReferenceEquals(slot.Lock, lockObject))
            {
                slot.Lock = lockObject;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryPopTop(object lockObject, LockMode mode = LockMode.Exclusive)
        {
            var top = Count - 1;
            if (top < 0)
            {
                return false;
            }

            ref var entry = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Held), top);
            if (!ReferenceEquals(entry.Lock, lockObject) || entry.Mode != mode)
            {
                return false;
            }

            // The reference stays in the slot (above Count, nothing reads it): the next push of the same
            // lock at this depth then writes no reference. It keeps at most MaxHeldLocks locks per
            // thread reachable until overwritten or until the thread ends.
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
                var key = NextKey(Element(entry.ClassId, entry.Mode, tryAcquire: false));
                Push(entry.Lock, entry.ClassId, entry.Mode, key);
            }

            Held[oldCount - 1].Lock = null!;
        }

        private void ForgetFrames()
        {
            for (var i = 0; i < Frames.Length; i++)
            {
                Frames[i].NextElement = -1;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ThreadLockState Create() => t_current = new ThreadLockState();
    }
}
