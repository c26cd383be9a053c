using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// Which overrides and implementations a virtual or interface call can run, from the receiver's
    /// static type: only those declared in that type or its subtypes (generic arguments respected);
    /// exactly one for <c>base.M()</c>, a sealed type or a struct; none in source for the universal
    /// members (<c>object.ToString</c>/<c>Equals</c>/<c>GetHashCode</c>, <c>IDisposable.Dispose</c>,
    /// <c>IEnumerator</c>, <c>IComparable</c>, <c>IEquatable</c>, <c>IAsyncDisposable</c>) called on a
    /// receiver typed as <c>object</c> or as that library interface itself, because nothing the method
    /// knows says which of the program's many implementations it is. The hidden calls of
    /// <c>foreach</c> and <c>using</c> are ordinary calls in the control-flow graph, on the enumerator
    /// or resource converted to the interface: the conversion is looked through, so a
    /// <c>List&lt;T&gt;.Enumerator</c> or a <c>StreamWriter</c> reaches no source code.
    /// </summary>
    internal static class CallDispatch
    {
        /// <summary>The candidates among <paramref name="implementations"/> (every override or implementation of the called member in the compilation) that this call can reach.</summary>
        /// <param name="exact">Set when the receiver has one possible runtime type and the one candidate returned is what runs, not the member named.</param>
        public static List<IMethodSymbol> Candidates(IOperation call, IMethodSymbol method, List<IMethodSymbol> implementations, out bool exact)
        {
            exact = false;
            var receiver = Receiver(call);
            if (receiver is null || !IsVirtualDispatch(call, receiver))
            {
                return new List<IMethodSymbol>();
            }

            var type = StaticType(receiver);
            if (type is null)
            {
                return implementations;
            }

            if (type is ITypeParameterSymbol parameter)
            {
                var result = new List<IMethodSymbol>();
                foreach (var constraint in parameter.ConstraintTypes)
                {
                    if (!IsUniversal(method, constraint))
                    {
                        result.AddRange(Within(constraint, implementations));
                    }
                }

                return result;
            }

            if (IsUniversal(method, type))
            {
                return new List<IMethodSymbol>();
            }

            var candidates = Within(type, implementations);
            if ((type.IsSealed || type.IsValueType) && candidates.Count > 1)
            {
                // One runtime type: the override nearest to it.
                for (var t = type; t is not null; t = t.BaseType)
                {
                    var own = candidates.Find(c => SameType(c.ContainingType, t));
                    if (own is not null)
                    {
                        exact = true;
                        return new List<IMethodSymbol> { own };
                    }
                }
            }

            return candidates;
        }

        /// <summary>
        /// True when <paramref name="call"/> to <paramref name="method"/> is dispatched at run time and is a universal
        /// member on a receiver typed <c>object</c> or as that library interface, which <see cref="Candidates"/> sends nowhere.
        /// </summary>
        public static bool IsUniversalCall(IOperation call, IMethodSymbol method)
        {
            if (Receiver(call) is not { } receiver || !IsVirtualDispatch(call, receiver) || StaticType(receiver) is not { } type)
            {
                return false;
            }

            if (type is ITypeParameterSymbol parameter)
            {
                foreach (var constraint in parameter.ConstraintTypes)
                {
                    if (IsUniversal(method, constraint))
                    {
                        return true;
                    }
                }

                return false;
            }

            return IsUniversal(method, type);
        }

        /// <summary>
        /// The targets of a call on a parameter, once a call site says what it passes: those declared in
        /// <paramref name="type"/> or its subtypes, and the one <paramref name="type"/> inherits; only the
        /// one nearest to it when the argument is created there (<paramref name="exact"/>). The targets
        /// unchanged when none fits (the narrowing would be a guess).
        /// </summary>
        public static ImmutableArray<IMethodSymbol> Narrow(ImmutableArray<IMethodSymbol> targets, ITypeSymbol type, bool exact)
        {
            IMethodSymbol? inherited = null;
            for (var t = type; t is not null && inherited is null; t = t.BaseType)
            {
                foreach (var target in targets)
                {
                    if (target.ContainingType is { } declaring && SameType(declaring, t) && !target.IsAbstract)
                    {
                        inherited = target;
                        break;
                    }
                }
            }

            if (exact)
            {
                return inherited is null ? targets : ImmutableArray.Create(inherited);
            }

            var result = ImmutableArray.CreateBuilder<IMethodSymbol>();
            foreach (var target in targets)
            {
                if (ReferenceEquals(target, inherited) || target.ContainingType is { } declaring && !SymbolEqualityComparer.Default.Equals(declaring.OriginalDefinition, type.OriginalDefinition) && IsSubtype(declaring, type))
                {
                    result.Add(target);
                }
            }

            return result.Count == 0 ? targets : result.ToImmutable();
        }

        /// True when <paramref name="call"/> to <paramref name="method"/> may run more than one body: among
        /// <paramref name="candidates"/> (what <see cref="Candidates"/> returned), plus the member named
        /// unless it is abstract, <paramref name="exact"/>, declared above an abstract receiver type (whose
        /// runtime types are its subtypes: the overriding ones are the candidates), or overridden by a
        /// candidate that every runtime type of the receiver inherits. The analysis follows them all, but
        /// each is only possibly what runs: edges through such a call are uncertain (LOCK005, not LOCK001).
        /// </summary>
        public static bool IsUncertain(IOperation call, IMethodSymbol method, List<IMethodSymbol> candidates, bool exact)
        {
            var receiverType = Receiver(call) is { } receiver ? StaticType(receiver) : null;

            // An abstract receiver type is one of its subtypes: those that override are the candidates.
            var named = !exact && !method.IsAbstract && receiverType is not { IsAbstract: true };
            var bodies = 0;
            foreach (var candidate in candidates)
            {
                if (candidate.IsAbstract || SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, method.OriginalDefinition))
                {
                    continue;
                }

                bodies++;
                if (receiverType is { TypeKind: not TypeKind.Interface } && ReceiverClass(receiverType) is { } receiverClass && IsSubtype(receiverClass, candidate.ContainingType))
                {
                    // Declared in the receiver's type or above it: the member named never runs.
                    named = false;
                }
            }

            return bodies + (named ? 1 : 0) > 1;
        }

        private static INamedTypeSymbol? ReceiverClass(ITypeSymbol type) => type as INamedTypeSymbol ?? type.BaseType;

        private static IOperation? Receiver(IOperation call) => call switch
        {
            IInvocationOperation invocation => invocation.Instance,
            IPropertyReferenceOperation property => property.Instance,
            _ => null,
        };

        /// <summary><c>base.M()</c> and non-virtual calls run the member named, nothing else.</summary>
        private static bool IsVirtualDispatch(IOperation call, IOperation receiver) => call switch
        {
            IInvocationOperation invocation => invocation.IsVirtual,
            _ => receiver.Syntax is not BaseExpressionSyntax,
        };

        /// <summary>The receiver's type before any implicit conversion: the enumerator's own type for a foreach's hidden calls.</summary>
        private static ITypeSymbol? StaticType(IOperation receiver)
        {
            while (receiver is IConversionOperation { IsImplicit: true } conversion)
            {
                receiver = conversion.Operand;
            }

            return receiver.Type;
        }

        private static bool IsUniversal(IMethodSymbol method, ITypeSymbol receiverType)
        {
            if (receiverType.SpecialType == SpecialType.System_Object)
            {
                return true;
            }

            if (receiverType.TypeKind != TypeKind.Interface || receiverType.Locations.IsEmpty || receiverType.Locations[0].IsInSource)
            {
                return false;
            }

            var declaring = method.ContainingType.OriginalDefinition;
            var name = declaring.ContainingNamespace?.ToDisplayString();
            var universal = name switch
            {
                "System" => declaring.Name is "IDisposable" or "IAsyncDisposable" or "IComparable" or "IEquatable",
                "System.Collections" => declaring.Name is "IEnumerator",
                "System.Collections.Generic" => declaring.Name is "IEnumerator",
                _ => false,
            };
            return universal || method.ContainingType.SpecialType == SpecialType.System_Object;
        }

        private static List<IMethodSymbol> Within(ITypeSymbol receiverType, List<IMethodSymbol> implementations)
        {
            var result = new List<IMethodSymbol>();
            foreach (var implementation in implementations)
            {
                if (IsSubtype(implementation.ContainingType, receiverType))
                {
                    result.Add(implementation);
                }
            }

            return result;
        }

        private static bool IsSubtype(INamedTypeSymbol type, ITypeSymbol of)
        {
            if (of.TypeKind == TypeKind.Interface)
            {
                if (SameType(type, of))
                {
                    return true;
                }

                foreach (var @interface in type.AllInterfaces)
                {
                    if (SameType(@interface, of))
                    {
                        return true;
                    }
                }

                return false;
            }

            for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
            {
                if (SameType(t, of))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Equal with their generic arguments; where either still has open type parameters, equal as definitions.</summary>
        private static bool SameType(ITypeSymbol a, ITypeSymbol b)
        {
            if (SymbolEqualityComparer.Default.Equals(a, b))
            {
                return true;
            }

            return (IsOpen(a) || IsOpen(b)) && SymbolEqualityComparer.Default.Equals(a.OriginalDefinition, b.OriginalDefinition);
        }

        private static bool IsOpen(ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            INamedTypeSymbol named => named.TypeArguments.Length > 0 && HasTypeParameter(named),
            IArrayTypeSymbol array => IsOpen(array.ElementType),
            _ => false,
        };

        private static bool HasTypeParameter(INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
            {
                if (IsOpen(argument))
                {
                    return true;
                }
            }

            return named.ContainingType is { } outer && HasTypeParameter(outer);
        }
    }
}
