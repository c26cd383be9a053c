using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>Holding <see cref="From"/> while taking <see cref="To"/>, somewhere in the program, with the evidence.</summary>
    internal sealed class OrderEdge
    {
        public OrderEdge(string from, string to, IMethodSymbol method, string methodName, Location heldAt, ImmutableArray<CallStep> path, string? reentrantKey = null)
        {
            From = from;
            To = to;
            Method = method;
            MethodName = methodName;
            HeldAt = heldAt;
            Path = path;
            ReentrantKey = reentrantKey;
        }

        /// <summary>
        /// The instance key of the acquired lock, when it is re-entrant and an entry lock of <see cref="Method"/>
        /// could make this acquisition a re-entry (<see cref="EntryLocks"/>); otherwise null.
        /// </summary>
        public string? ReentrantKey { get; }

        public string From { get; }

        public string To { get; }

        /// <summary>The member whose body holds the lock (for a lambda or local function, the member that contains it).</summary>
        public IMethodSymbol Method { get; }

        public string MethodName { get; }

        public Location HeldAt { get; }

        /// <summary>The acquisition or call in the method, then any calls down to the acquisition.</summary>
        public ImmutableArray<CallStep> Path { get; }

        public Location Site => Path[0].Location;

        public static int CompareSites(Location a, Location b)
        {
            var byFile = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return byFile != 0 ? byFile : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
        }

        /// <summary>
        /// Which of two edges between the same classes is shown: the one whose site comes first in
        /// the program, then the most direct, then by text, so that the choice does not depend on
        /// the order in which methods were analyzed.
        /// </summary>
        public static int CompareEvidence(OrderEdge a, OrderEdge b)
        {
            var bySite = CompareSites(a.Site, b.Site);
            if (bySite != 0)
            {
                return bySite;
            }

            var byLength = a.Path.Length.CompareTo(b.Path.Length);
            if (byLength != 0)
            {
                return byLength;
            }

            var byHeld = CompareSites(a.HeldAt, b.HeldAt);
            return byHeld != 0 ? byHeld : string.CompareOrdinal(a.Describe(), b.Describe());
        }

        /// <summary>"Ledger.Transfer takes Ledger._accounts then Ledger._audit (Ledger.cs:17)", with the calls it goes through.</summary>
        public string Describe()
        {
            var through = Path.Length > 1 ? ", through " + string.Join(" → ", Path.Take(Path.Length - 1).Select(s => s.Name)) + "," : string.Empty;
            var lines = new List<string>();
            string? file = null;
            foreach (var step in Path)
            {
                var span = step.Location.GetLineSpan();
                var name = System.IO.Path.GetFileName(span.Path);
                lines.Add((name == file ? string.Empty : name + ":") + (span.StartLinePosition.Line + 1));
                file = name;
            }

            return $"{MethodName} takes {From} then{through} {To} ({string.Join(" → ", lines)})";
        }
    }

    /// <summary>A cycle of order edges: a possible deadlock. Reported once, on <see cref="Primary"/>.</summary>
    internal sealed class OrderCycle
    {
        public OrderCycle(ImmutableArray<OrderEdge> edges)
        {
            Edges = edges;
        }

        /// <summary>In cycle order, starting at the primary edge (the one whose site comes first in the program).</summary>
        public ImmutableArray<OrderEdge> Edges { get; }

        public OrderEdge Primary => Edges[0];

        public string Describe() => string.Join("; ", Edges.Select(e => e.Describe()));
    }

    /// <summary>
    /// The lock-order graph of one compilation: lock classes and the orders the program takes them
    /// in. Orders the declared order forbids are LOCK002 and stay out; nesting within one class is
    /// LOCK004 and stays out. Every cycle found is assigned to the member holding its first edge.
    /// </summary>
    internal sealed class LockOrderGraph
    {
        private readonly Dictionary<(string From, string To), OrderEdge> _edges = new();
        private readonly Dictionary<IMethodSymbol, List<OrderCycle>> _cyclesByMethod = new(SymbolEqualityComparer.Default);

        public LockOrderGraph(IEnumerable<OrderEdge> edges, DeclaredLockOrder declared)
        {
            foreach (var edge in edges)
            {
                if (edge.From == edge.To || declared.Precedes(edge.To, edge.From))
                {
                    continue;
                }

                var key = (edge.From, edge.To);
                if (!_edges.TryGetValue(key, out var existing) || OrderEdge.CompareEvidence(edge, existing) < 0)
                {
                    _edges[key] = edge;
                }
            }

            FindCycles();
        }

        /// <summary>One edge per ordered pair of classes, with the evidence <see cref="OrderEdge.CompareEvidence"/> prefers.</summary>
        public IEnumerable<OrderEdge> Edges => _edges.Values;

        public IEnumerable<OrderCycle> AllCycles => _cyclesByMethod.Values.SelectMany(c => c);

        public IReadOnlyList<OrderCycle> CyclesReportedIn(IMethodSymbol method) =>
            _cyclesByMethod.TryGetValue(method.OriginalDefinition, out var cycles) ? cycles : (IReadOnlyList<OrderCycle>)Array.Empty<OrderCycle>();

        private void FindCycles()
        {
            var successors = _edges.Values.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.OrderBy(e => e.To, StringComparer.Ordinal).ToList());
            var seen = new HashSet<string>();
            foreach (var edge in _edges.Values.OrderBy(e => e.Site, Comparer<Location>.Create(OrderEdge.CompareSites)))
            {
                var back = ShortestPath(successors, edge.To, edge.From);
                if (back is null)
                {
                    continue;
                }

                var cycle = new List<OrderEdge> { edge };
                cycle.AddRange(back);
                var primaryIndex = 0;
                for (var i = 1; i < cycle.Count; i++)
                {
                    if (OrderEdge.CompareSites(cycle[i].Site, cycle[primaryIndex].Site) < 0)
                    {
                        primaryIndex = i;
                    }
                }

                var rotated = cycle.Skip(primaryIndex).Concat(cycle.Take(primaryIndex)).ToImmutableArray();
                if (!seen.Add(string.Join("→", rotated.Select(e => e.From))))
                {
                    continue;
                }

                var found = new OrderCycle(rotated);
                var method = found.Primary.Method.OriginalDefinition;
                if (!_cyclesByMethod.TryGetValue(method, out var list))
                {
                    list = new List<OrderCycle>();
                    _cyclesByMethod.Add(method, list);
                }

                list.Add(found);
            }
        }

        private static List<OrderEdge>? ShortestPath(Dictionary<string, List<OrderEdge>> successors, string from, string to)
        {
            var parent = new Dictionary<string, OrderEdge?> { [from] = null };
            var queue = new Queue<string>();
            queue.Enqueue(from);
            while (queue.Count > 0)
            {
                var current = queue.Dequeue();
                if (current == to)
                {
                    var path = new List<OrderEdge>();
                    for (var edge = parent[current]; edge is not null; edge = parent[edge.From])
                    {
                        path.Add(edge);
                    }

                    path.Reverse();
                    return path;
                }

                if (!successors.TryGetValue(current, out var next))
                {
                    continue;
                }

                foreach (var edge in next)
                {
                    if (!parent.ContainsKey(edge.To))
                    {
                        parent[edge.To] = edge;
                        queue.Enqueue(edge.To);
                    }
                }
            }

            return null;
        }
    }
}
