using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>One <see cref="CheckedAsyncLock"/> held by an async flow.</summary>
    internal sealed class FlowLock
    {
        private int _released;

        public FlowLock(CheckedAsyncLock lockObject, int classId, FlowLock? next)
        {
            Lock = lockObject;
            ClassId = classId;
            Next = next;
        }

        public CheckedAsyncLock Lock { get; }

        public int ClassId { get; }

        public FlowLock? Next { get; }

        // Flows forked while this was held still see the node after the owner released it.
        public bool IsReleased => Volatile.Read(ref _released) != 0;

        /// <summary>Marks the node released; true for the one caller that did it.</summary>
        public bool MarkReleased() => Interlocked.Exchange(ref _released, 1) == 0;
    }

    /// <summary>
    /// The async locks held by the current flow. The list lives in an <see cref="AsyncLocal{T}"/>, so it
    /// follows awaits across threads and is inherited by work the flow starts. It is immutable: a push
    /// or pop replaces the head, which keeps a forked flow's view from changing under it.
    /// </summary>
    internal static class FlowStack
    {
        private static readonly AsyncLocal<FlowLock?> s_head = new();

        // The count of async locks held by any flow is the low half of LockdepEpoch.Value. While zero,
        // thread-only acquisitions need not look at the flow.

        public static FlowLock? LiveHead()
        {
            var node = s_head.Value;
            while (node is not null && node.IsReleased)
            {
                node = node.Next;
            }

            return node;
        }

        public static FlowLock Push(CheckedAsyncLock lockObject, int classId)
        {
            var node = new FlowLock(lockObject, classId, LiveHead());
            s_head.Value = node;
            Interlocked.Increment(ref LockdepEpoch.Value);
            return node;
        }

        public static bool CurrentContains(FlowLock target)
        {
            for (var node = s_head.Value; node is not null; node = node.Next)
            {
                if (ReferenceEquals(node, target))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Marks the node released and drops it from the current flow's list.</summary>
        public static void Release(FlowLock target)
        {
            if (target.MarkReleased())
            {
                Interlocked.Decrement(ref LockdepEpoch.Value);
            }

            var head = s_head.Value;
            if (ReferenceEquals(head, target))
            {
                s_head.Value = LiveAfter(target);
            }

            // Released out of order, the node stays in the list, marked, and every walk skips it.
        }

        /// <summary>A wait that failed or was cancelled: the flow never got the lock.</summary>
        public static void Abandon(FlowLock node)
        {
            if (node.MarkReleased())
            {
                Interlocked.Decrement(ref LockdepEpoch.Value);
            }
        }

        private static FlowLock? LiveAfter(FlowLock node)
        {
            var next = node.Next;
            while (next is not null && next.IsReleased)
            {
                next = next.Next;
            }

            return next;
        }
    }
}
