using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Contracts
{
    /// <summary>A declaration that would close a cycle in the declared order; it is left out of the order.</summary>
    internal sealed class DeclaredOrderCycle
    {
        public DeclaredOrderCycle(AttributeData attribute, string before, string after, ImmutableArray<string> existingPath)
        {
            Attribute = attribute;
            Before = before;
            After = after;
            ExistingPath = existingPath;
        }

        public AttributeData Attribute { get; }

        public string Before { get; }

        public string After { get; }

        /// <summary>The already declared chain from <see cref="After"/> back to <see cref="Before"/>.</summary>
        public ImmutableArray<string> ExistingPath { get; }
    }

    /// <summary>
    /// The partial order of lock classes declared by [LockOrder], [AcquiredBefore] and
    /// [AcquiredAfter]. Declarations are added in a deterministic order; one that would close a
    /// cycle is recorded as <see cref="Cycles"/> and left out, so the rest still checks.
    /// </summary>
    internal sealed class DeclaredLockOrder
    {
        private readonly Dictionary<string, HashSet<string>> _successors = new();
        private readonly Dictionary<string, HashSet<string>> _reachable = new();
        private readonly List<DeclaredOrderCycle> _cycles = new();
        private readonly List<(string Before, string After, AttributeData DeclaredBy)> _pairs = new();

        public IReadOnlyList<DeclaredOrderCycle> Cycles => _cycles;

        public bool IsEmpty => _successors.Count == 0;

        /// <summary>Every declared pair that was accepted (adjacent names of one [LockOrder], or one [AcquiredBefore]/[AcquiredAfter]), in declaration order.</summary>
        public IReadOnlyList<(string Before, string After, AttributeData DeclaredBy)> Pairs => _pairs;

        public void Add(string before, string after, AttributeData declaredBy)
        {
            if (before == after)
            {
                _cycles.Add(new DeclaredOrderCycle(declaredBy, before, after, ImmutableArray.Create(before)));
                return;
            }

            var back = FindPath(after, before);
            if (back is not null)
            {
                _cycles.Add(new DeclaredOrderCycle(declaredBy, before, after, back.Value));
                return;
            }

            if (!_successors.TryGetValue(before, out var set))
            {
                set = new HashSet<string>();
                _successors.Add(before, set);
            }

            if (set.Add(after))
            {
                _pairs.Add((before, after, declaredBy));
            }
        }

        /// <summary>True when the declared order takes <paramref name="first"/> before <paramref name="second"/>.</summary>
        public bool Precedes(string first, string second)
        {
            if (_successors.Count == 0)
            {
                return false;
            }

            lock (_reachable)
            {
                if (!_reachable.TryGetValue(first, out var set))
                {
                    set = new HashSet<string>();
                    var stack = new Stack<string>();
                    stack.Push(first);
                    while (stack.Count > 0)
                    {
                        if (_successors.TryGetValue(stack.Pop(), out var next))
                        {
                            foreach (var n in next)
                            {
                                if (set.Add(n))
                                {
                                    stack.Push(n);
                                }
                            }
                        }
                    }

                    _reachable.Add(first, set);
                }

                return set.Contains(second);
            }
        }

        private ImmutableArray<string>? FindPath(string from, string to)
        {
            var parent = new Dictionary<string, string?> { [from] = null };
            var queue = new Queue<string>();
            queue.Enqueue(from);
            while (queue.Count > 0)
            {
                var current = queue.Dequeue();
                if (current == to)
                {
                    var path = new List<string>();
                    for (string? p = current; p is not null; p = parent[p])
                    {
                        path.Add(p);
                    }

                    path.Reverse();
                    return path.ToImmutableArray();
                }

                if (_successors.TryGetValue(current, out var next))
                {
                    foreach (var n in next)
                    {
                        if (!parent.ContainsKey(n))
                        {
                            parent[n] = current;
                            queue.Enqueue(n);
                        }
                    }
                }
            }

            return null;
        }
    }
}
