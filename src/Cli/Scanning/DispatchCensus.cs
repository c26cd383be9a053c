using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Cli.Scanning;

/// <summary>
/// How the analyzer dispatches the program's virtual and interface calls into source code: how many there are, how
/// many candidate bodies each has (from the receiver's static type, as <see cref="CallDispatch"/> decides), how many
/// it follows into no source at all (universal members on <c>object</c> or their library interface), and how many
/// have more candidates than the dispatch bound (those are followed into none only when more than the bound of them
/// may take a lock, which the analysis decides: LOCK206).
/// </summary>
internal sealed record DispatchCensus(int Calls, int Universal, int OverBound, int Bound, IReadOnlyList<(string Range, int Calls)> ByCandidates)
{
    /// <summary>The ranges of candidate counts the census groups calls into: up to and including each upper end.</summary>
    private static readonly (string Range, int Upper)[] Ranges =
    {
        ("1", 1), ("2-4", 4), ("5-8", 8), ("9-16", 16), ("17-32", 32), ("33-64", 64), (">64", int.MaxValue),
    };

    /// <summary>
    /// Reads every invocation and property or indexer access in <paramref name="trees"/>. A call counts when it is
    /// dispatched at run time and its member has an override or implementation in the compilation.
    /// </summary>
    /// <param name="bound">The dispatch bound the analysis uses (0 for none).</param>
    public static DispatchCensus Take(Compilation compilation, IEnumerable<SyntaxTree> trees, int bound, CancellationToken cancellationToken)
    {
        var index = CallGraph.ImplementationIndex(compilation);
        int calls = 0, universal = 0, overBound = 0;
        var byRange = new int[Ranges.Length];
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                if (!MayBeCall(node)
                    || model.GetOperation(node, cancellationToken) is not { } operation
                    || CallGraph.CalledMethod(operation) is not { } method
                    || operation is not (IInvocationOperation or IPropertyReferenceOperation)
                    || !index.TryGetValue(method.OriginalDefinition, out var implementations))
                {
                    continue;
                }

                if (CallDispatch.IsUniversalCall(operation, method))
                {
                    calls++;
                    universal++;
                    continue;
                }

                var candidates = CallDispatch.Candidates(operation, method, implementations, out _).Count(c => !c.IsAbstract);
                if (candidates == 0)
                {
                    continue;
                }

                calls++;
                byRange[Array.FindIndex(Ranges, r => candidates <= r.Upper)]++;
                if (bound > 0 && candidates > bound)
                {
                    overBound++;
                }
            }
        }

        return new DispatchCensus(calls, universal, overBound, bound, Ranges.Select((r, i) => (r.Range, byRange[i])).ToList());
    }

    /// <summary>The syntax of a call or a property access, each once: a member's name after its receiver is part of the access.</summary>
    private static bool MayBeCall(SyntaxNode node) => node switch
    {
        InvocationExpressionSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or MemberBindingExpressionSyntax => true,
        IdentifierNameSyntax name => name.Parent is not (MemberAccessExpressionSyntax or MemberBindingExpressionSyntax) || name.Parent is MemberAccessExpressionSyntax access && access.Expression == name,
        _ => false,
    };
}
