using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>An acquisition that adds a dependency the graph has not seen yet.</summary>
    internal readonly struct PendingEdge
    {
        public PendingEdge(int from, LockMode fromMode, int to, LockMode toMode)
        {
            From = from;
            FromMode = fromMode;
            To = to;
            ToMode = toMode;
        }

        public int From { get; }

        public LockMode FromMode { get; }

        public int To { get; }

        public LockMode ToMode { get; }

        public long Key => DependencyGraph.EdgeKey(From, FromMode, To, ToMode);
    }

    /// <summary>
    /// The global lock-order graph. Membership of an edge is answered without a lock from an
    /// open-addressing table that only ever gains keys between resets; everything else is guarded by
    /// <see cref="Sync"/> and touched only when an edge is new.
    /// </summary>
    /// <remarks>
    /// Cycle detection runs on an expanded graph with one node per (class, requested mode). An edge
    /// "held A in mode h, requested B in mode t" joins (A, w) to (B, t) for every mode w in which A may be
    /// waited for that conflicts with h. A cycle in that graph is a chain of waits in which every holder
    /// blocks the next waiter, so two readers of one class never order against each other, while a
    /// reader against a writer still does. The expanded graph is kept acyclic and in topological order
    /// by the Pearce–Kelly online algorithm, so a new edge costs a search of the affected region only.
    /// </remarks>
    internal static class DependencyGraph
    {
        internal static readonly object Sync = new();

        // Overridable by tests of the bound; never raised above the public constant.
        internal static int Limit = Lockdep.MaxDependencies;

        private const int ModeCount = 3;
        private const int TableSize = 1 << 17; // twice MaxDependencies: probes stay short
        private const int TableMask = TableSize - 1;

        private static readonly long[] s_table = new long[TableSize];
        private static readonly List<int> s_usedSlots = new();
        private static readonly Dictionary<long, EdgeRecord> s_edges = new();
        private static readonly List<EdgeRecord> s_edgesInOrder = new();
        private static readonly Dictionary<long, long> s_expandedOrigin = new();
        private static readonly HashSet<string> s_reported = new(StringComparer.Ordinal);
        private static bool s_saturated;

        private static int s_nodeCount;
        private static int[] s_ord = new int[ModeCount * 64];
        private static List<int>?[] s_out = new List<int>?[ModeCount * 64];
        private static List<int>?[] s_in = new List<int>?[ModeCount * 64];
        private static int[] s_visitForward = new int[ModeCount * 64];
        private static int[] s_visitBackward = new int[ModeCount * 64];
        private static int[] s_parent = new int[ModeCount * 64];
        private static int s_stamp;
        private static readonly List<int> s_deltaForward = new();
        private static readonly List<int> s_deltaBackward = new();
        private static readonly List<int> s_ords = new();
        private static readonly Stack<int> s_search = new();

        internal sealed class EdgeRecord
        {
            public EdgeRecord(PendingEdge edge, StackTrace stack, int threadId, string? threadName)
            {
                Edge = edge;
                Stack = stack;
                ThreadId = threadId;
                ThreadName = threadName;
            }

            public PendingEdge Edge { get; }

            public StackTrace Stack { get; }

            public int ThreadId { get; }

            public string? ThreadName { get; }

            public string? ViolationId { get; set; }

            public LockDependency ToPublic() => new(
                LockClass.ById(Edge.From).Name, Edge.FromMode, LockClass.ById(Edge.To).Name, Edge.ToMode,
                Stack, ThreadId, ThreadName, ViolationId);
        }

        public static long EdgeKey(int from, LockMode fromMode, int to, LockMode toMode) =>
            ((long)(from + 1) << 33) | ((long)fromMode << 31) | ((long)to << 2) | (long)toMode;

        public static bool Contains(long key)
        {
            var slot = Slot(key);
            while (true)
            {
                var present = Volatile.Read(ref s_table[slot]);
                if (present == key)
                {
                    return true;
                }

                if (present == 0)
                {
                    return false;
                }

                slot = (slot + 1) & TableMask;
            }
        }

        /// <summary>Whether a report with this key was already made; marks it made. Caller holds <see cref="Sync"/>.</summary>
        public static bool FirstReport(string key) => s_reported.Add(key);

        public static bool TryReport(string key)
        {
            lock (Sync)
            {
                return s_reported.Add(key);
            }
        }

        /// <summary>
        /// Records edges not seen before. Returns the violations they reveal that were not reported
        /// before, and throws <see cref="LockdepCapacityException"/> once when the table fills up.
        /// </summary>
        public static void Record(List<PendingEdge> edges, StackTrace stack, List<LockViolation> violations)
        {
            var thread = Thread.CurrentThread;
            string? capacityMessage = null;
            lock (Sync)
            {
                foreach (var edge in edges)
                {
                    var key = edge.Key;
                    if (s_edges.ContainsKey(key))
                    {
                        continue;
                    }

                    if (s_edges.Count >= Limit)
                    {
                        if (!s_saturated)
                        {
                            s_saturated = true;
                            capacityMessage =
                                $"Lockdep: the dependency table is full ({Limit} dependencies) while recording " +
                                $"{LockClass.ById(edge.From).Name} -> {LockClass.ById(edge.To).Name}. Dependencies " +
                                "seen from now on are not checked until Lockdep.Reset(). So many distinct pairs " +
                                "usually means lock class names are built per object; give such locks one class.";
                        }

                        continue;
                    }

                    var record = new EdgeRecord(edge, stack, thread.ManagedThreadId, thread.Name);
                    if (edge.From == edge.To)
                    {
                        record.ViolationId = "LOCK004";
                        var name = LockClass.ById(edge.From).Name;
                        if (FirstReport("LOCK004:" + name))
                        {
                            violations.Add(new LockViolation(
                                "LOCK004",
                                $"Two instances of lock class \"{name}\" are nested with no order. Take them " +
                                "through an ordered API (CheckedLock.EnterBoth, EnterNested with a subclass) so " +
                                "every thread nests them the same way; otherwise two threads can take them in " +
                                "opposite orders and deadlock.",
                                new[] { name },
                                new[] { record.ToPublic() },
                                CallStacks.Current()));
                        }
                    }
                    else
                    {
                        InsertExpanded(record, violations);
                    }

                    s_edges.Add(key, record);
                    s_edgesInOrder.Add(record);
                    AddToTable(key);
                }
            }

            if (capacityMessage is not null)
            {
                Trace.TraceError(capacityMessage);
                throw new LockdepCapacityException(capacityMessage);
            }
        }

        public static List<LockDependency> Snapshot()
        {
            lock (Sync)
            {
                var result = new List<LockDependency>(s_edgesInOrder.Count);
                foreach (var record in s_edgesInOrder)
                {
                    result.Add(record.ToPublic());
                }

                return result;
            }
        }

        public static void Reset()
        {
            lock (Sync)
            {
                foreach (var slot in s_usedSlots)
                {
                    Volatile.Write(ref s_table[slot], 0L);
                }

                s_usedSlots.Clear();
                s_edges.Clear();
                s_edgesInOrder.Clear();
                s_expandedOrigin.Clear();
                s_reported.Clear();
                s_saturated = false;
                for (var node = 0; node < s_nodeCount; node++)
                {
                    s_ord[node] = node;
                    s_out[node] = null;
                    s_in[node] = null;
                }

                Interlocked.Add(ref LockdepEpoch.Value, LockdepEpoch.GenerationOne);
            }
        }

        /// <summary>Adds the expanded nodes of a new class. Caller holds <see cref="Sync"/>.</summary>
        public static void AddClassNodes(int classId)
        {
            var needed = (classId + 1) * ModeCount;
            if (needed > s_ord.Length)
            {
                var size = Math.Max(needed, s_ord.Length * 2);
                Array.Resize(ref s_ord, size);
                Array.Resize(ref s_out, size);
                Array.Resize(ref s_in, size);
                Array.Resize(ref s_visitForward, size);
                Array.Resize(ref s_visitBackward, size);
                Array.Resize(ref s_parent, size);
            }

            while (s_nodeCount < needed)
            {
                s_ord[s_nodeCount] = s_nodeCount;
                s_nodeCount++;
            }
        }

        private static int Slot(long key)
        {
            var mixed = (ulong)key * 0x9E3779B97F4A7C15UL;
            return (int)(mixed >> (64 - 17)) & TableMask;
        }

        private static void AddToTable(long key)
        {
            var slot = Slot(key);
            while (s_table[slot] != 0)
            {
                slot = (slot + 1) & TableMask;
            }

            s_usedSlots.Add(slot);
            Volatile.Write(ref s_table[slot], key);
        }

        // Whether a holder in mode `held` blocks a waiter in mode `waited`.
        private static bool Conflicts(int waited, LockMode held)
        {
            var bothShareable = (waited != (int)LockMode.Exclusive) && held != LockMode.Exclusive;
            var twoUpgraders = waited == (int)LockMode.Upgradeable && held == LockMode.Upgradeable;
            return !bothShareable || twoUpgraders;
        }

        private static void InsertExpanded(EdgeRecord record, List<LockViolation> violations)
        {
            var edge = record.Edge;
            var target = (edge.To * ModeCount) + (int)edge.ToMode;
            for (var waited = 0; waited < ModeCount; waited++)
            {
                if (!Conflicts(waited, edge.FromMode))
                {
                    continue;
                }

                var source = (edge.From * ModeCount) + waited;
                var path = TryInsert(source, target);
                if (path is null)
                {
                    // The first class edge that produced this expanded edge is the one whose stack is shown.
                    s_expandedOrigin.TryAdd(ExpandedKey(source, target), edge.Key);
                    continue;
                }

                record.ViolationId = "LOCK001";
                var violation = DescribeCycle(path, record);
                if (violation is not null)
                {
                    violations.Add(violation);
                }
            }
        }

        private static long ExpandedKey(int source, int target) => ((long)source << 32) | (uint)target;

        /// <summary>
        /// Pearce–Kelly insertion of source → target. Returns null when inserted (the order is repaired),
        /// or, when the edge would close a cycle, the existing path target → … → source; then nothing changes.
        /// </summary>
        private static List<int>? TryInsert(int source, int target)
        {
            var outgoing = s_out[source] ??= new List<int>(2);
            if (outgoing.Contains(target))
            {
                return null;
            }

            var lower = s_ord[target];
            var upper = s_ord[source];
            if (lower < upper)
            {
                var stamp = ++s_stamp;
                s_deltaForward.Clear();
                s_deltaBackward.Clear();
                if (!SearchForward(target, source, upper, stamp))
                {
                    var path = new List<int>();
                    for (var node = source; node != -1; node = s_parent[node])
                    {
                        path.Add(node);
                    }

                    path.Reverse();
                    return path;
                }

                SearchBackward(source, lower, stamp);
                Reorder();
            }

            outgoing.Add(target);
            (s_in[target] ??= new List<int>(2)).Add(source);
            return null;
        }

        private static bool SearchForward(int start, int goal, int upper, int stamp)
        {
            s_search.Clear();
            s_visitForward[start] = stamp;
            s_parent[start] = -1;
            s_deltaForward.Add(start);
            s_search.Push(start);
            while (s_search.Count > 0)
            {
                var node = s_search.Pop();
                var successors = s_out[node];
                if (successors is null)
                {
                    continue;
                }

                foreach (var next in successors)
                {
                    if (next == goal)
                    {
                        s_parent[goal] = node;
                        return false;
                    }

                    if (s_visitForward[next] != stamp && s_ord[next] < upper)
                    {
                        s_visitForward[next] = stamp;
                        s_parent[next] = node;
                        s_deltaForward.Add(next);
                        s_search.Push(next);
                    }
                }
            }

            return true;
        }

        private static void SearchBackward(int start, int lower, int stamp)
        {
            s_search.Clear();
            s_visitBackward[start] = stamp;
            s_deltaBackward.Add(start);
            s_search.Push(start);
            while (s_search.Count > 0)
            {
                var node = s_search.Pop();
                var predecessors = s_in[node];
                if (predecessors is null)
                {
                    continue;
                }

                foreach (var previous in predecessors)
                {
                    if (s_visitBackward[previous] != stamp && s_ord[previous] > lower)
                    {
                        s_visitBackward[previous] = stamp;
                        s_deltaBackward.Add(previous);
                        s_search.Push(previous);
                    }
                }
            }
        }

        // Everything that must precede the new edge's source moves before everything reachable from
        // its target, reusing the same set of positions.
        private static void Reorder()
        {
            Comparison<int> byOrder = (a, b) => s_ord[a].CompareTo(s_ord[b]);
            s_deltaBackward.Sort(byOrder);
            s_deltaForward.Sort(byOrder);
            s_ords.Clear();
            foreach (var node in s_deltaBackward)
            {
                s_ords.Add(s_ord[node]);
            }

            foreach (var node in s_deltaForward)
            {
                s_ords.Add(s_ord[node]);
            }

            s_ords.Sort();
            var position = 0;
            foreach (var node in s_deltaBackward)
            {
                s_ord[node] = s_ords[position++];
            }

            foreach (var node in s_deltaForward)
            {
                s_ord[node] = s_ords[position++];
            }
        }

        private static LockViolation? DescribeCycle(List<int> path, EdgeRecord closing)
        {
            // path runs target → … → source; the closing edge source → target completes the cycle.
            var classes = new List<string>(path.Count);
            var dependencies = new List<LockDependency>(path.Count);
            for (var i = 0; i < path.Count; i++)
            {
                classes.Add(LockClass.ById(path[i] / ModeCount).Name);
                if (i + 1 < path.Count && s_expandedOrigin.TryGetValue(ExpandedKey(path[i], path[i + 1]), out var origin))
                {
                    dependencies.Add(s_edges[origin].ToPublic());
                }
            }

            var closingPublic = closing.ToPublic();
            dependencies.Add(closingPublic);
            if (!FirstReport("LOCK001:" + CanonicalCycle(classes)))
            {
                return null;
            }

            var cycleText = string.Join(" -> ", classes) + " -> " + classes[0];
            var message = classes.Count == 2
                ? $"Lock-order cycle (possible deadlock): {cycleText}. This thread requests \"{closingPublic.To}\" " +
                  $"while holding \"{closingPublic.From}\"; earlier \"{closingPublic.From}\" was requested while " +
                  $"\"{closingPublic.To}\" was held. Two threads taking these paths at once deadlock."
                : $"Lock-order cycle (possible deadlock) among {classes.Count} lock classes: {cycleText}. " +
                  $"This thread requests \"{closingPublic.To}\" while holding \"{closingPublic.From}\", which " +
                  $"closes the cycle; {classes.Count} threads taking these paths at once deadlock.";
            return new LockViolation("LOCK001", message, classes, dependencies, CallStacks.Current());
        }

        // The smallest rotation, so the same cycle found from any of its edges has one key.
        private static string CanonicalCycle(List<string> classes)
        {
            string? best = null;
            for (var start = 0; start < classes.Count; start++)
            {
                var rotation = new string[classes.Count];
                for (var i = 0; i < classes.Count; i++)
                {
                    rotation[i] = classes[(start + i) % classes.Count];
                }

                var candidate = string.Join("\u0001", rotation);
                if (best is null || string.CompareOrdinal(candidate, best) < 0)
                {
                    best = candidate;
                }
            }

            return best!;
        }
    }
}
