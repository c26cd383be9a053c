using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// The entry lockset of a private or internal method: the re-entrant locks of <c>this</c> (or static
    /// ones) held at every one of its call sites in the compilation. Taking such a lock again inside the
    /// method cannot block, so the order edges that acquisition would add are dropped before cycles are
    /// looked for. The call sites are the ones every body's flow saw; a method referenced anywhere else
    /// (a method group, <c>nameof</c>), or called from a body whose flow was not analyzed, has an empty
    /// entry lockset.
    /// </summary>
    internal sealed class EntryLocks
    {
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<(SyntaxTree Tree, int Position), ImmutableArray<string>>> _sites =
            new(System.StringComparer.Ordinal);

        private readonly ConcurrentDictionary<string, ImmutableHashSet<string>> _entry = new(System.StringComparer.Ordinal);

        /// <summary>The methods whose calls this compilation's flow recorded, by key (a kept body's calls come by key only).</summary>
        private readonly ConcurrentDictionary<string, IMethodSymbol> _methods = new(System.StringComparer.Ordinal);
        private readonly LockSummaries _summaries;

        public EntryLocks(LockSummaries summaries)
        {
            _summaries = summaries;
        }

        /// <summary>Remembers what a call of a private or internal method on <c>this</c> holds; other calls of it hold nothing it can use.</summary>
        public void Record(IOperation call, LockState before)
        {
            if (call is not IInvocationOperation invocation || Candidate(invocation.TargetMethod) is not { } target
                || call.Syntax is not InvocationExpressionSyntax syntax)
            {
                return;
            }

            var held = ImmutableArray<string>.Empty;
            if (invocation.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            {
                held = before.Held.Where(h => h.Definite && h.Identity.IsReentrant && h.Identity.Key is { } key && IsOwnedBySelf(h.Identity.Owner))
                    .Select(h => h.Identity.Key!).Distinct().ToImmutableArray();
            }

            var site = new EntrySite(OrderEdge.KeyOf(target), syntax.SyntaxTree, syntax.SpanStart, held);
            _methods.TryAdd(site.Target, target);
            Recorder.Current?.Sites?.Add(site);
            Replay(site);
        }

        /// <summary>A call site recorded by a body's flow, in this compilation or, for a body kept by the editor, an earlier one.</summary>
        public void Replay(EntrySite site) =>
            _sites.GetOrAdd(site.Target, _ => new()).TryAdd((site.Tree, site.Position), site.Held);

        /// <summary>The key an order edge's acquisition is known by, when dropping it for an entry lock could apply.</summary>
        public static string? ReentrantKey(IMethodSymbol method, IMethodSymbol member, string? key, bool reentrant, string? owner) =>
            reentrant && key is not null && IsOwnedBySelf(owner) && SymbolEqualityComparer.Default.Equals(method, member) && Candidate(method) is not null
                ? key
                : null;

        /// <summary>The edges, without those that re-take a lock every caller of their method already holds.</summary>
        public IEnumerable<OrderEdge> Filter(IEnumerable<OrderEdge> edges)
        {
            var all = edges.ToList();
            IndexNames(all);
            foreach (var edge in all)
            {
                if (edge.ReentrantKey is { } key && EntryLockset(edge.MethodKey).Contains(key))
                {
                    continue;
                }

                yield return edge;
            }
        }

        /// <summary>
        /// The simple names of the whole compilation that spell the name of a method visible outside its type whose
        /// entry lockset <see cref="Filter"/> will ask for, read in one pass over every tree for all of them (each
        /// would otherwise read every tree on its own); null until then, or when fewer than two need it.
        /// </summary>
        private Dictionary<string, List<(SyntaxTree Tree, SimpleNameSyntax Name)>>? _names;

        private void IndexNames(List<OrderEdge> edges)
        {
            var wanted = new HashSet<string>(System.StringComparer.Ordinal);
            var methods = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var edge in edges)
            {
                if (edge.ReentrantKey is not null && !_entry.ContainsKey(edge.MethodKey) && methods.Add(edge.MethodKey)
                    && _sites.TryGetValue(edge.MethodKey, out var recorded) && !recorded.IsEmpty
                    && MethodOf(edge.MethodKey) is { DeclaredAccessibility: not Accessibility.Private } method)
                {
                    wanted.Add(method.Name);
                }
            }

            if (wanted.Count < 2)
            {
                return;
            }

            var names = new Dictionary<string, List<(SyntaxTree, SimpleNameSyntax)>>(System.StringComparer.Ordinal);
            foreach (var name in wanted)
            {
                names.Add(name, new List<(SyntaxTree, SimpleNameSyntax)>());
            }

            foreach (var tree in _summaries.Model.Compilation.SyntaxTrees)
            {
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    if (node is SimpleNameSyntax name && names.TryGetValue(name.Identifier.ValueText, out var found))
                    {
                        found.Add((tree, name));
                    }
                }
            }

            _names = names;
        }

        /// <summary>The simple names spelling <paramref name="method"/>'s name in <paramref name="trees"/>, tree by tree, each in order.</summary>
        private IEnumerable<(SyntaxTree Tree, SimpleNameSyntax Name)> NamesLike(IMethodSymbol method, IEnumerable<SyntaxTree> trees)
        {
            if (method.DeclaredAccessibility != Accessibility.Private && _names is { } names && names.TryGetValue(method.Name, out var indexed))
            {
                return indexed;
            }

            return trees.SelectMany(tree => NamesIn(tree, method.Name));
        }

        /// <summary>
        /// The simple names of <paramref name="tree"/> spelling <paramref name="name"/>, in order. Where the text holds no
        /// Unicode escape (<c>\u</c>, <c>\U</c>, with which an identifier could spell the name otherwise), only the places
        /// where the text spells it are looked at: reading the text costs far less than reading the syntax.
        /// </summary>
        private static IEnumerable<(SyntaxTree Tree, SimpleNameSyntax Name)> NamesIn(SyntaxTree tree, string name)
        {
            var root = tree.GetRoot();
            if (!tree.TryGetText(out var text) || Occurrences(text, name) is not { } positions)
            {
                foreach (var node in root.DescendantNodes())
                {
                    if (node is SimpleNameSyntax simple && simple.Identifier.ValueText == name)
                    {
                        yield return (tree, simple);
                    }
                }

                yield break;
            }

            foreach (var position in positions)
            {
                // The identifier that spells the name there (@name too); not a comment, a string or a longer identifier.
                var token = root.FindToken(position);
                if (token.Span.Contains(position) && token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken) && token.ValueText == name
                    && token.Parent is SimpleNameSyntax simple && simple.Identifier == token)
                {
                    yield return (tree, simple);
                }
            }
        }

        /// <summary>Where <paramref name="text"/> spells <paramref name="name"/>, in order; null when it holds a Unicode escape anywhere.</summary>
        private static List<int>? Occurrences(Microsoft.CodeAnalysis.Text.SourceText text, string name)
        {
            var found = new List<int>();
            var buffer = new char[System.Math.Min(text.Length, 8192)];
            var overlap = System.Math.Max(name.Length, 2) - 1;
            if (buffer.Length <= overlap)
            {
                return null;
            }

            for (var start = 0; start < text.Length; start += buffer.Length - overlap)
            {
                var count = System.Math.Min(buffer.Length, text.Length - start);
                text.CopyTo(start, buffer, 0, count);
                for (var i = 0; i < count; i++)
                {
                    if (buffer[i] == '\\' && i + 1 < count && buffer[i + 1] is 'u' or 'U')
                    {
                        return null;
                    }

                    if (i + name.Length <= count && (found.Count == 0 || start + i > found[found.Count - 1]) && Spells(buffer, i, name))
                    {
                        found.Add(start + i);
                    }
                }

                if (start + count >= text.Length)
                {
                    break;
                }
            }

            return found;
        }

        private static bool Spells(char[] buffer, int at, string name)
        {
            for (var j = 0; j < name.Length; j++)
            {
                if (buffer[at + j] != name[j])
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsOwnedBySelf(string? owner) =>
            owner is not null && (owner == "this" || owner.StartsWith("static:", System.StringComparison.Ordinal));

        private static IMethodSymbol? Candidate(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            return method.MethodKind == MethodKind.Ordinary && !method.IsVirtual && !method.IsAbstract && !method.IsOverride
                && method.ExplicitInterfaceImplementations.IsEmpty
                && method.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal
                && !method.DeclaringSyntaxReferences.IsEmpty
                ? method
                : null;
        }

        private ImmutableHashSet<string> EntryLockset(string method) =>
            _entry.GetOrAdd(method, ComputeEntryLockset);

        private ImmutableHashSet<string> ComputeEntryLockset(string key)
        {
            if (!_sites.TryGetValue(key, out var recorded) || recorded.IsEmpty || MethodOf(key) is not { } method)
            {
                return ImmutableHashSet<string>.Empty;
            }

            // Every reference must be a call whose held locks some body's flow recorded.
            var trees = method.DeclaredAccessibility == Accessibility.Private
                ? method.ContainingType.DeclaringSyntaxReferences.Select(r => r.SyntaxTree).Distinct()
                : _summaries.Model.Compilation.SyntaxTrees;
            ImmutableHashSet<string>? common = null;
            foreach (var (tree, name) in NamesLike(method, trees))
            {
                var symbol = _summaries.SemanticModelFor(tree).GetSymbolInfo(name).Symbol as IMethodSymbol;
                if (symbol is null || !SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, method))
                {
                    continue;
                }

                if (InvocationOf(name) is not { } invocation || !recorded.TryGetValue((tree, invocation.SpanStart), out var held))
                {
                    return ImmutableHashSet<string>.Empty;
                }

                common = common is null ? held.ToImmutableHashSet() : common.Intersect(held);
                if (common.IsEmpty)
                {
                    return common;
                }
            }

            return common ?? ImmutableHashSet<string>.Empty;
        }

        /// <summary>The method a key names: the one this compilation's flow met, or the only one the key can name.</summary>
        private IMethodSymbol? MethodOf(string key)
        {
            if (_methods.TryGetValue(key, out var method))
            {
                return method;
            }

            var named = DocumentationCommentId.GetSymbolsForDeclarationId(key, _summaries.Model.Compilation);
            return named.Length == 1 && named[0] is IMethodSymbol only && OrderEdge.KeyOf(only) == key ? only : null;
        }

        private static InvocationExpressionSyntax? InvocationOf(SimpleNameSyntax name)
        {
            SyntaxNode expression = name;
            if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
            {
                expression = access;
            }

            return expression.Parent is InvocationExpressionSyntax invocation && invocation.Expression == expression ? invocation : null;
        }
    }
}
