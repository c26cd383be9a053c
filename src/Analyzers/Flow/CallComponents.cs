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
    internal sealed class CallComponents
    {
        private readonly Func<IMethodSymbol, IEnumerable<IMethodSymbol>> _callees;
        private readonly ConcurrentDictionary<IMethodSymbol, string> _component = new(SymbolEqualityComparer.Default);
        private readonly object _finding = new();

        /// <param name="callees">The methods a method calls (its call sites' targets).</param>
        public CallComponents(Func<IMethodSymbol, IEnumerable<IMethodSymbol>> callees)
        {
            _callees = callees;
        }

        /// <summary>True when <paramref name="a"/> and <paramref name="b"/> reach each other through calls.</summary>
        public bool Same(IMethodSymbol a, IMethodSymbol b)
        {
            a = a.OriginalDefinition;
            b = b.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(a, b))
            {
                return true;
            }

            return string.Equals(ComponentOf(a), ComponentOf(b), StringComparison.Ordinal);
        }

        private string ComponentOf(IMethodSymbol method)
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
        private void Find(IMethodSymbol root)
        {
            var index = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
            var low = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
            var onStack = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var stack = new Stack<IMethodSymbol>();
            var work = new Stack<(IMethodSymbol Method, IEnumerator<IMethodSymbol> Callees)>();
            var counter = 0;

            void Enter(IMethodSymbol method)
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
                    var callee = callees.Current.OriginalDefinition;
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

                var members = new List<IMethodSymbol>();
                IMethodSymbol member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    members.Add(member);
                }
                while (!SymbolEqualityComparer.Default.Equals(member, method));

                string? name = null;
                foreach (var m in members)
                {
                    var key = KeyOf(m);
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

        private static string KeyOf(IMethodSymbol method)
        {
            var location = method.Locations.IsEmpty ? null : method.Locations[0];
            return method.ToDisplayString() + "@" + location?.SourceTree?.FilePath + ":" + location?.SourceSpan.Start;
        }
    }
}
