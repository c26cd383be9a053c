using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// The strongly connected components of the call graph (methods that call each other, directly or
    /// not), found on demand with Tarjan's algorithm from the first method asked about. A summary walks
    /// the methods of its own component in place and splices in the finished summaries of the others:
    /// those form a graph without cycles, so every summary is the same whichever was computed first,
    /// which is what keeps the evidence of the editor and of a build the same.
    /// </summary>
    /// <remarks>
    /// Safe under concurrent use: components are found by one thread at a time (a component published
    /// in part would be misread by another search), and each is named by the least key of its members.
    /// </remarks>
    internal sealed class CallComponents<T>
        where T : notnull
    {
        private readonly Func<T, IEnumerable<T>> _callees;
        private readonly IEqualityComparer<T> _comparer;
        private readonly Func<T, string> _name;
        private readonly ConcurrentDictionary<T, string> _component;
        private readonly object _finding = new();

        /// <param name="callees">The methods a method calls (its call sites' targets, as definitions).</param>
        /// <param name="comparer">When two are the same method.</param>
        /// <param name="name">A name unique to each method; the least among its members names a component.</param>
        public CallComponents(Func<T, IEnumerable<T>> callees, IEqualityComparer<T> comparer, Func<T, string> name)
        {
            _callees = callees;
            _comparer = comparer;
            _name = name;
            _component = new(comparer);
        }

        public bool Same(T a, T b)
        {
            if (_comparer.Equals(a, b))
            {
                return true;
            }

            return string.Equals(ComponentOf(a), ComponentOf(b), StringComparison.Ordinal);
        }

        /// <summary>The name of the component <paramref name="method"/> belongs to (found now if it is not known yet).</summary>
        public string ComponentOf(T method)
        {
            if (!_component.TryGetValue(method, out var name))
            {
                lock (_finding)
                {
                    if (!_component.TryGetValue(method, out name))
                    {
                        Find(method);
                        name = _component[method];
                    }
                }
            }

            return name;
        }

        /// <summary>Tarjan's algorithm without recursion, over the methods not yet placed in a component.</summary>
        private void Find(T root)
        {
            var index = new Dictionary<T, int>(_comparer);
            var low = new Dictionary<T, int>(_comparer);
            var onStack = new HashSet<T>(_comparer);
            var stack = new Stack<T>();
            var work = new Stack<(T Method, IEnumerator<T> Callees)>();
            var counter = 0;

            void Enter(T method)
            {
                index[method] = low[method] = counter++;
                stack.Push(method);
                onStack.Add(method);
                work.Push((method, _callees(method).GetEnumerator()));
            }

            Enter(root);
            while (work.Count > 0)
            {
                var (method, callees) = work.Peek();
                if (callees.MoveNext())
                {
                    var callee = callees.Current;
                    if (_component.ContainsKey(callee))
                    {
                        // Placed already: a finished component, which cannot contain anything still unplaced.
                        continue;
                    }

                    if (!index.ContainsKey(callee))
                    {
                        Enter(callee);
                    }
                    else if (onStack.Contains(callee))
                    {
                        low[method] = Math.Min(low[method], index[callee]);
                    }

                    continue;
                }

                callees.Dispose();
                work.Pop();
                if (work.Count > 0)
                {
                    var caller = work.Peek().Method;
                    low[caller] = Math.Min(low[caller], low[method]);
                }

                if (low[method] != index[method])
                {
                    continue;
                }

                var members = new List<T>();
                T member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    members.Add(member);
                }
                while (!_comparer.Equals(member, method));

                string? name = null;
                foreach (var m in members)
                {
                    var key = _name(m);
                    if (name is null || string.CompareOrdinal(key, name) < 0)
                    {
                        name = key;
                    }
                }

                foreach (var m in members)
                {
                    _component.TryAdd(m, name!);
                }
            }
        }

        public static string NameOf(IMethodSymbol method)
        {
            var location = method.Locations.IsEmpty ? null : method.Locations[0];
            return method.ToDisplayString() + "@" + location?.SourceTree?.FilePath + ":" + location?.SourceSpan.Start;
        }
    }
}
