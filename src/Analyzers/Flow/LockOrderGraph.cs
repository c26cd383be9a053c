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
        public OrderEdge(string from, string to, string methodKey, string methodName, Location heldAt, CallPath path, string? reentrantKey = null)
        {
            From = from;
            To = to;
            MethodKey = methodKey;
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

        /// <summary>The member whose body holds the lock (for a lambda or local function, the member that contains it), by <see cref="KeyOf"/>.</summary>
        public string MethodKey { get; }

        /// <summary>What names a member in every compilation of the same program: its documentation id.</summary>
        public static string KeyOf(IMethodSymbol member)
        {
            var definition = member.OriginalDefinition;
            return DocumentationCommentId.CreateDeclarationId(definition) ?? definition.ToDisplayString();
        }

        public string MethodName { get; }

        public Location HeldAt { get; }

        /// <summary>The acquisition or call in the method, then any calls down to the acquisition (shared with the summaries it comes from).</summary>
        public CallPath Path { get; }

        public Location Site => Path.First!.Location;

        /// <summary>The evidence goes through a call that may run one of several targets: the order holds only if that one runs.</summary>
        public bool IsUncertain => Path.IsUncertain;

        public static int CompareSites(Location a, Location b) => CallPath.CompareLocations(a, b);

        /// <summary>
        /// Which of two edges between the same classes is shown: a certain one before an uncertain
        /// one (so the pair is certain when any of its evidences is), then the shortest, then the one
        /// whose steps come first in the program (<see cref="CallPath.Compare"/>, the order the summaries
        /// keep their evidence in), then the lock held first, then by text. The order is total and depends only on
        /// the evidence itself, so the choice is the same whatever order methods were analyzed in, live
        /// or in a build.
        /// </summary>
        public static int CompareEvidence(OrderEdge a, OrderEdge b)
        {
            var byCertainty = a.IsUncertain.CompareTo(b.IsUncertain);
            if (byCertainty != 0)
            {
                return byCertainty;
            }

            var byPath = CallPath.Compare(a.Path, b.Path);
            if (byPath != 0)
            {
                return byPath;
            }

            var byHeld = CompareSites(a.HeldAt, b.HeldAt);
            return byHeld != 0 ? byHeld : string.CompareOrdinal(a.Describe(), b.Describe());
        }

        /// <summary>
        /// "Ledger.Transfer takes Ledger._accounts then Ledger._audit (Ledger.cs:17)", with the calls it
        /// goes through; a call that may run one of several targets is marked "(one of its targets)".
        /// Made only of names, file names and line numbers, none of which depend on how the edge was found.
        /// </summary>
        public string Describe()
        {
            var through = Path.Length > 1
                ? ", through " + string.Join(" → ", Path.Through.Select(s => s.IsUncertain ? s.Name + " (one of its targets)" : s.Name)) + ","
                : string.Empty;
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

    /// <summary>
    /// Where a cycle is reported: at the first of its edges (in site order) in each file that holds one, so that an
    /// editor showing only the open files shows it whichever of them is open, and a build says the same.
    /// </summary>
    internal sealed class CycleReport
    {
        private CycleReport(OrderCycle cycle, OrderEdge at)
        {
            Cycle = cycle;
            At = at;
        }

        public OrderCycle Cycle { get; }

        /// <summary>The edge the report is on; its site is the diagnostic's location.</summary>
        public OrderEdge At { get; }

        /// <summary>The sites of the cycle's other edges, in cycle order from the one after <see cref="At"/>.</summary>
        public IEnumerable<Location> OtherSites
        {
            get
            {
                var edges = Cycle.Edges;
                var index = edges.IndexOf(At);
                for (var i = 1; i < edges.Length; i++)
                {
                    yield return edges[(index + i) % edges.Length].Site;
                }
            }
        }

        public static IEnumerable<CycleReport> Of(OrderCycle cycle)
        {
            var files = new HashSet<string>(StringComparer.Ordinal);
            foreach (var edge in cycle.Edges.OrderBy(e => e.Site, Comparer<Location>.Create(OrderEdge.CompareSites)))
            {
                if (files.Add(edge.Site.SourceTree?.FilePath ?? string.Empty))
                {
                    yield return new CycleReport(cycle, edge);
                }
            }
        }
    }

    /// <summary>A cycle of order edges: a possible deadlock. Reported on <see cref="Primary"/>, and on its first edge in each other file that holds one.</summary>
    internal sealed class OrderCycle
    {
        public OrderCycle(ImmutableArray<OrderEdge> edges)
        {
            Edges = edges;
            IsUncertain = edges.Any(e => e.IsUncertain);
        }

        /// <summary>In cycle order, starting at the primary edge (the one whose site comes first in the program).</summary>
        public ImmutableArray<OrderEdge> Edges { get; }

        public OrderEdge Primary => Edges[0];

        /// <summary>Some edge is known only through a call that may run one of several targets: LOCK005 rather than LOCK001.</summary>
        public bool IsUncertain { get; }

        /// <summary>"A → B → A": the classes in cycle order, back to the first.</summary>
        public string Classes => string.Join(" → ", Edges.Select(e => e.From).Append(Primary.From));

        public string Describe() => string.Join("; ", Edges.Select(e => e.Describe()));
    }

    /// <summary>The cycles of one strongly connected group of lock classes that were found but not reported, because the group reached its bound.</summary>
    internal sealed class UnreportedCycles
    {
        public UnreportedCycles(ImmutableArray<string> group, ImmutableArray<OrderCycle> cycles, int bound)
        {
            Group = group;
            Cycles = cycles;
            Bound = bound;
        }

        /// <summary>Every class of the group, in ordinal order.</summary>
        public ImmutableArray<string> Group { get; }

        /// <summary>The cycles not reported, in the order they would have been.</summary>
        public ImmutableArray<OrderCycle> Cycles { get; }

        public int Bound { get; }

        /// <summary>Reported where the first cycle not reported would have been.</summary>
        public OrderEdge Primary => Cycles[0].Primary;

        public string Describe() => string.Join("; ", Cycles.Select(c => c.IsUncertain ? c.Classes + " (uncertain)" : c.Classes));
    }

    /// <summary>
    /// The lock-order graph of one compilation: lock classes and the orders the program takes them
    /// in. Orders the declared order forbids are LOCK002 and stay out; nesting within one class is
    /// LOCK004 and stays out.
    /// </summary>
    /// <remarks>
    /// Cycles are found without enumerating them: the graph is split into strongly connected groups
    /// of classes (a cycle lies within one), and each edge of a group is closed by the shortest way
    /// back through the group, made of certain edges when there is one (breadth-first, so the work is
    /// one search per edge). The cycles so found are told apart by their classes, so each cycle of
    /// classes is reported once. A group reports at most <see cref="CyclesPerGroup"/> of them, certain
    /// ones first, then in the order of their first sites; the rest are named in one
    /// <see cref="UnreportedCycles"/> (LOCK202). Every report is assigned to the member holding the
    /// edge it is reported on, so that the editor can show it with that member's analysis.
    /// </remarks>
    internal sealed class LockOrderGraph
    {
        /// <summary>How many cycles a strongly connected group of classes reports when nothing sets the bound.</summary>
        public const int DefaultCyclesPerGroup = 10;

        private readonly Dictionary<(string From, string To), OrderEdge> _edges = new();
        private readonly Dictionary<string, List<CycleReport>> _cyclesByMethod = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<UnreportedCycles>> _unreportedByMethod = new(StringComparer.Ordinal);
        private readonly List<OrderCycle> _cycles = new();
        private readonly List<CycleReport> _reports = new();
        private readonly List<UnreportedCycles> _unreported = new();

        /// <param name="cyclesPerGroup">How many cycles each strongly connected group of classes reports; zero or less: all of them.</param>
        public LockOrderGraph(IEnumerable<OrderEdge> edges, DeclaredLockOrder declared, int cyclesPerGroup = DefaultCyclesPerGroup)
        {
            CyclesPerGroup = cyclesPerGroup;
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

        public int CyclesPerGroup { get; }

        /// <summary>One edge per ordered pair of classes, with the evidence <see cref="OrderEdge.CompareEvidence"/> prefers.</summary>
        public IEnumerable<OrderEdge> Edges => _edges.Values;

        /// <summary>The cycles reported, in the order of their primary sites.</summary>
        public IReadOnlyList<OrderCycle> AllCycles => _cycles;

        /// <summary>Where the cycles are reported: each once in every file holding one of its edges (<see cref="CycleReport"/>), in site order.</summary>
        public IReadOnlyList<CycleReport> AllReports => _reports;

        /// <summary>The groups that reached the bound, in the order of their first unreported cycles.</summary>
        public IReadOnlyList<UnreportedCycles> AllUnreported => _unreported;

        public IReadOnlyList<CycleReport> CyclesReportedIn(IMethodSymbol method) =>
            _cyclesByMethod.TryGetValue(OrderEdge.KeyOf(method), out var cycles) ? cycles : (IReadOnlyList<CycleReport>)Array.Empty<CycleReport>();

        public IReadOnlyList<UnreportedCycles> UnreportedIn(IMethodSymbol method) =>
            _unreportedByMethod.TryGetValue(OrderEdge.KeyOf(method), out var groups) ? groups : (IReadOnlyList<UnreportedCycles>)Array.Empty<UnreportedCycles>();

        private static readonly Comparer<Location> SiteOrder = Comparer<Location>.Create(OrderEdge.CompareSites);

        private void FindCycles()
        {
            var successors = _edges.Values.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.OrderBy(e => e.To, StringComparer.Ordinal).ToList());
            var groupOf = StronglyConnectedGroups(successors);
            foreach (var group in groupOf.Values.Distinct().OrderBy(g => g.Min(c => c), StringComparer.Ordinal))
            {
                var inGroup = _edges.Values.Where(e => group.Contains(e.From) && group.Contains(e.To)).OrderBy(e => e.Site, SiteOrder).ToList();
                var seen = new HashSet<string>();
                var found = new List<OrderCycle>();
                foreach (var edge in inGroup)
                {
                    // Every edge of a group closes a cycle; prefer a way back that is certain.
                    var back = (edge.IsUncertain ? null : ShortestPath(successors, group, edge.To, edge.From, certainOnly: true))
                        ?? ShortestPath(successors, group, edge.To, edge.From, certainOnly: false);
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
                    if (seen.Add(string.Join("→", rotated.Select(e => e.From))))
                    {
                        found.Add(new OrderCycle(rotated));
                    }
                }

                var ordered = found.OrderBy(c => c.IsUncertain).ThenBy(c => c.Primary.Site, SiteOrder).ThenBy(c => c.Classes, StringComparer.Ordinal).ToList();
                var reported = CyclesPerGroup > 0 && ordered.Count > CyclesPerGroup ? CyclesPerGroup : ordered.Count;
                for (var i = 0; i < reported; i++)
                {
                    _cycles.Add(ordered[i]);
                    foreach (var report in CycleReport.Of(ordered[i]))
                    {
                        _reports.Add(report);
                        AddTo(_cyclesByMethod, report.At.MethodKey, report);
                    }
                }

                if (reported < ordered.Count)
                {
                    var unreported = new UnreportedCycles(group.OrderBy(c => c, StringComparer.Ordinal).ToImmutableArray(), ordered.Skip(reported).ToImmutableArray(), CyclesPerGroup);
                    _unreported.Add(unreported);
                    AddTo(_unreportedByMethod, unreported.Primary.MethodKey, unreported);
                }
            }

            var cycles = _cycles.OrderBy(c => c.Primary.Site, SiteOrder).ThenBy(c => c.Classes, StringComparer.Ordinal).ToList();
            _cycles.Clear();
            _cycles.AddRange(cycles);
            var reports = _reports.OrderBy(r => r.At.Site, SiteOrder).ThenBy(r => r.Cycle.Classes, StringComparer.Ordinal).ToList();
            _reports.Clear();
            _reports.AddRange(reports);
            var notReported = _unreported.OrderBy(u => u.Primary.Site, SiteOrder).ThenBy(u => u.Group[0], StringComparer.Ordinal).ToList();
            _unreported.Clear();
            _unreported.AddRange(notReported);
        }

        private static void AddTo<T>(Dictionary<string, List<T>> byMethod, string key, T item)
        {
            if (!byMethod.TryGetValue(key, out var list))
            {
                list = new List<T>();
                byMethod.Add(key, list);
            }

            list.Add(item);
        }

        /// <summary>Tarjan's algorithm, without recursion: each class of a cycle mapped to the set of classes in its group (classes on no cycle are left out).</summary>
        private static Dictionary<string, HashSet<string>> StronglyConnectedGroups(Dictionary<string, List<OrderEdge>> successors)
        {
            var index = new Dictionary<string, int>();
            var low = new Dictionary<string, int>();
            var onStack = new HashSet<string>();
            var stack = new Stack<string>();
            var result = new Dictionary<string, HashSet<string>>();
            var counter = 0;
            foreach (var root in successors.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                if (index.ContainsKey(root))
                {
                    continue;
                }

                var work = new Stack<(string Node, int Next)>();
                work.Push((root, 0));
                index[root] = low[root] = counter++;
                stack.Push(root);
                onStack.Add(root);
                while (work.Count > 0)
                {
                    var (node, next) = work.Pop();
                    var outgoing = successors.TryGetValue(node, out var list) ? list : null;
                    if (outgoing is not null && next < outgoing.Count)
                    {
                        work.Push((node, next + 1));
                        var to = outgoing[next].To;
                        if (!index.ContainsKey(to))
                        {
                            index[to] = low[to] = counter++;
                            stack.Push(to);
                            onStack.Add(to);
                            work.Push((to, 0));
                        }
                        else if (onStack.Contains(to))
                        {
                            low[node] = Math.Min(low[node], index[to]);
                        }

                        continue;
                    }

                    if (work.Count > 0)
                    {
                        var parent = work.Peek().Node;
                        low[parent] = Math.Min(low[parent], low[node]);
                    }

                    if (low[node] == index[node])
                    {
                        var members = new HashSet<string>();
                        string member;
                        do
                        {
                            member = stack.Pop();
                            onStack.Remove(member);
                            members.Add(member);
                        }
                        while (member != node);

                        if (members.Count > 1)
                        {
                            foreach (var m in members)
                            {
                                result[m] = members;
                            }
                        }
                    }
                }
            }

            return result;
        }

        /// <summary>Breadth-first within one group; the way back is kept as parent pointers, not copied lists.</summary>
        private static List<OrderEdge>? ShortestPath(Dictionary<string, List<OrderEdge>> successors, HashSet<string> group, string from, string to, bool certainOnly)
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
                    if (group.Contains(edge.To) && !(certainOnly && edge.IsUncertain) && !parent.ContainsKey(edge.To))
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
