using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockContracts.Analyzers.Contracts
{
    /// <summary>
    /// Everything the analysis knows about lock contracts in one compilation: lock classes, the
    /// declared order and method contracts. Built at compilation start; the parts that need a walk
    /// over the declarations are computed on first use, method contracts on demand and cached.
    /// Safe for concurrent use by analyzer callbacks.
    /// </summary>
    internal sealed class LockContractModel
    {
        private readonly ConcurrentDictionary<IMethodSymbol, MethodContract> _contracts = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, string> _memberClasses = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, ImmutableArray<string>?> _recheck = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, ConcurrentDictionary<string, ISymbol?>> _lockMembers = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _lockTypes = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, ImmutableArray<ExpressionSyntax>> _creations = new(SymbolEqualityComparer.Default);
        private readonly Lazy<DeclarationIndex> _declarations;

        private static readonly ConditionalWeakTable<Compilation, LockContractModel> s_models = new();

        /// <summary>The model of a compilation, shared by every analyzer that runs on it (built once, not once per analyzer).</summary>
        public static LockContractModel For(Compilation compilation) => s_models.GetValue(compilation, c => new LockContractModel(c));

        private LockContractModel(Compilation compilation)
        {
            Compilation = compilation;
            Symbols = new KnownSymbols(compilation);
            _declarations = new Lazy<DeclarationIndex>(
                () => DeclarationIndex.Build(this, _keptAcross?.PerOutline("declaration facts", () => DeclarationFacts.Read(this, AnnotatedAssemblies()))),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }

        private Flow.LiveCache? _keptAcross;

        /// <summary>This compilation's assembly and the referenced ones built against the annotations (whose contracts and orders apply here).</summary>
        private List<IAssemblySymbol> AnnotatedAssemblies()
        {
            var assemblies = new List<IAssemblySymbol> { Compilation.Assembly };
            if (Symbols.HasAnnotations)
            {
                foreach (var reference in Compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    if (reference.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == "LockContracts.Annotations")))
                    {
                        assemblies.Add(reference);
                    }
                }
            }

            return assemblies;
        }

        /// <summary>
        /// In an editor: what the declarations say about lock classes is read once per set of declarations
        /// (<see cref="Flow.LiveCache.PerOutline"/>), not once per compilation. Takes effect if nothing has read them yet.
        /// </summary>
        public void KeepAcross(Flow.LiveCache cache) => _keptAcross ??= cache;

        public Compilation Compilation { get; }

        public KnownSymbols Symbols { get; }

        public DeclaredLockOrder Order => _declarations.Value.Order;

        /// <summary>True when <paramref name="lockClass"/> names a declared or implicit lock class.</summary>
        public bool IsKnownClass(string lockClass) => _declarations.Value.IsKnownClass(lockClass);

        public MethodContract GetContract(IMethodSymbol method)
        {
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            return _contracts.TryGetValue(definition, out var known) ? known : _contracts.GetOrAdd(definition, ReadInherited);
        }

        /// <summary>
        /// For a [MustRecheck] field or property: the lock classes under which it must be read again
        /// (empty: any lock). Null for any other member.
        /// </summary>
        public ImmutableArray<string>? RecheckUnder(ISymbol member)
        {
            if (Symbols.MustRecheckAttribute is null || member is not (IFieldSymbol or IPropertySymbol))
            {
                return null;
            }

            return _recheck.GetOrAdd(member.OriginalDefinition, m =>
            {
                foreach (var attribute in m.GetAttributes())
                {
                    if (KnownSymbols.Is(attribute.AttributeClass, Symbols.MustRecheckAttribute))
                    {
                        var under = ImmutableArray.CreateBuilder<string>();
                        foreach (var named in attribute.NamedArguments)
                        {
                            if (named.Key == "Under" && named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                            {
                                under.AddRange(named.Value.Values.Select(v => v.ScalarValue() as string).OfType<string>());
                            }
                        }

                        return under.ToImmutable();
                    }
                }

                return (ImmutableArray<string>?)null;
            });
        }

        /// <summary>The lock class of a field or property: its [Lock] name, or the implicit "Type.member".</summary>
        public string ClassOf(ISymbol member) => _memberClasses.GetOrAdd(member.OriginalDefinition, m =>
            DeclaredClassOf(m) ?? (m.ContainingType is null ? m.Name : m.ContainingType.Name + "." + m.Name));

        /// <summary>The [Lock] name of a member, or null.</summary>
        public string? DeclaredClassOf(ISymbol member)
        {
            if (Symbols.LockAttribute is null)
            {
                return null;
            }

            foreach (var attribute in member.GetAttributes())
            {
                if (KnownSymbols.Is(attribute.AttributeClass, Symbols.LockAttribute)
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].ScalarValue() is string name
                    && name.Trim().Length > 0)
                {
                    return name;
                }
            }

            return null;
        }

        /// <summary>The field or property of <paramref name="type"/> (or a base type) whose lock class is <paramref name="lockClass"/>.</summary>
        public ISymbol? FindLockMember(ITypeSymbol? type, string lockClass)
        {
            if (type is null || type.TypeKind == TypeKind.Error)
            {
                return null;
            }

            var byClass = _lockMembers.GetOrAdd(type, _ => new ConcurrentDictionary<string, ISymbol?>(StringComparer.Ordinal));
            return byClass.GetOrAdd(lockClass, name =>
            {
                for (var t = type; t is not null; t = t.BaseType)
                {
                    foreach (var member in t.GetMembers())
                    {
                        if (member is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol { IsIndexer: false }
                            && ClassOf(member) == name)
                        {
                            return member;
                        }
                    }
                }

                return null;
            });
        }

        /// <summary>The kind of lock an object of <paramref name="type"/> is, when used as a lock.</summary>
        public LockPrimitive PrimitiveOf(ITypeSymbol? type)
        {
            if (type is null)
            {
                return LockPrimitive.Custom;
            }

            if (KnownSymbols.Is(type, Symbols.ThreadingLock))
            {
                return LockPrimitive.ThreadingLock;
            }

            if (KnownSymbols.IsOrDerives(type, Symbols.ReaderWriterLockSlim))
            {
                return LockPrimitive.ReaderWriterLockSlim;
            }

            if (KnownSymbols.IsOrDerives(type, Symbols.SemaphoreSlim))
            {
                return LockPrimitive.SemaphoreSlim;
            }

            if (KnownSymbols.IsOrDerives(type, Symbols.Mutex))
            {
                return LockPrimitive.Mutex;
            }

            if (KnownSymbols.Is(type, Symbols.SpinLock))
            {
                return LockPrimitive.SpinLock;
            }

            if (IsLockType(type))
            {
                return LockPrimitive.Custom;
            }

            return type.IsReferenceType ? LockPrimitive.Monitor : LockPrimitive.Custom;
        }

        /// <summary>True for a type whose own methods carry nameless [Acquires]/[Releases]/[TryAcquires] (a lock type).</summary>
        public bool IsLockType(ITypeSymbol type) => _lockTypes.GetOrAdd(type.OriginalDefinition, t =>
        {
            if (!Symbols.HasAnnotations)
            {
                return false;
            }

            for (var current = t; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IMethodSymbol method && GetContract(method).IsLockImplementation)
                    {
                        return true;
                    }
                }
            }

            return false;
        });

        /// <summary>
        /// True when a SemaphoreSlim stored in <paramref name="symbol"/> is used as a lock: it is
        /// marked [Lock], or every creation the analysis can see starts it with one slot.
        /// </summary>
        public bool IsOneSlotSemaphore(ISymbol symbol)
        {
            if (DeclaredClassOf(symbol) is not null)
            {
                return true;
            }

            var creations = CreationsOf(symbol);
            if (creations.IsEmpty)
            {
                return false;
            }

            foreach (var creation in creations)
            {
                var arguments = ArgumentsOf(creation);
                if (arguments is null || arguments.Arguments.Count == 0
                    || arguments.Arguments[0].Expression is not LiteralExpressionSyntax { Token.ValueText: "1" })
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True when a ReaderWriterLockSlim stored in <paramref name="symbol"/> is created with LockRecursionPolicy.SupportsRecursion.</summary>
        public bool AllowsRecursion(ISymbol symbol)
        {
            var creations = CreationsOf(symbol);
            foreach (var creation in creations)
            {
                var arguments = ArgumentsOf(creation);
                if (arguments is not null && arguments.Arguments.Any(a => a.Expression.ToString().EndsWith("SupportsRecursion", StringComparison.Ordinal)))
                {
                    return true;
                }
            }

            return false;
        }

        private static ArgumentListSyntax? ArgumentsOf(ExpressionSyntax creation) => creation switch
        {
            ObjectCreationExpressionSyntax o => o.ArgumentList,
            ImplicitObjectCreationExpressionSyntax i => i.ArgumentList,
            _ => null,
        };

        /// <summary>The object creations assigned to a field, property or local at its declaration or in a constructor.</summary>
        private ImmutableArray<ExpressionSyntax> CreationsOf(ISymbol symbol) => _creations.GetOrAdd(symbol.OriginalDefinition, s =>
        {
            var result = ImmutableArray.CreateBuilder<ExpressionSyntax>();
            foreach (var reference in s.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax();
                var initializer = node switch
                {
                    VariableDeclaratorSyntax v => v.Initializer?.Value,
                    PropertyDeclarationSyntax p => p.Initializer?.Value,
                    _ => null,
                };
                if (initializer is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)
                {
                    result.Add(initializer);
                }
                else if (initializer is not null)
                {
                    return ImmutableArray<ExpressionSyntax>.Empty;
                }
            }

            if (s is IFieldSymbol or IPropertySymbol && s.ContainingType is { } type)
            {
                foreach (var constructor in type.InstanceConstructors.Concat(type.StaticConstructors))
                {
                    foreach (var reference in constructor.DeclaringSyntaxReferences)
                    {
                        foreach (var assignment in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                        {
                            var target = assignment.Left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } m ? m.Name : assignment.Left;
                            if (target is IdentifierNameSyntax id && id.Identifier.ValueText == s.Name)
                            {
                                if (assignment.Right is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)
                                {
                                    result.Add(assignment.Right);
                                }
                                else
                                {
                                    return ImmutableArray<ExpressionSyntax>.Empty;
                                }
                            }
                        }
                    }
                }
            }

            return result.ToImmutable();
        });

        private MethodContract ReadInherited(IMethodSymbol method)
        {
            if (!Symbols.HasAnnotations)
            {
                return MethodContract.Empty;
            }

            var own = Read(method);
            if (!own.IsEmpty)
            {
                return own;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                var inherited = Read(overridden.OriginalDefinition);
                if (!inherited.IsEmpty)
                {
                    return inherited;
                }
            }

            foreach (var explicitImplementation in method.ExplicitInterfaceImplementations)
            {
                var inherited = Read(explicitImplementation.OriginalDefinition);
                if (!inherited.IsEmpty)
                {
                    return inherited;
                }
            }

            if (method.DeclaredAccessibility == Accessibility.Public && method.ContainingType is { } type && !method.IsStatic)
            {
                foreach (var @interface in type.AllInterfaces)
                {
                    foreach (var candidate in @interface.GetMembers(method.Name))
                    {
                        if (candidate is IMethodSymbol interfaceMethod
                            && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod)?.OriginalDefinition, method))
                        {
                            var inherited = Read(interfaceMethod.OriginalDefinition);
                            if (!inherited.IsEmpty)
                            {
                                return inherited;
                            }
                        }
                    }
                }
            }

            return own;
        }

        private MethodContract Read(IMethodSymbol method)
        {
            var claims = ImmutableArray.CreateBuilder<LockClaim>();
            var states = ImmutableArray.CreateBuilder<StateClaim>();
            var noAnalysis = false;
            ReadAttributes(method.GetAttributes(), claims, states, ref noAnalysis);
            if (method.AssociatedSymbol is IPropertySymbol property)
            {
                ReadAttributes(property.GetAttributes(), claims, states, ref noAnalysis);
            }

            return claims.Count == 0 && states.Count == 0 && !noAnalysis
                ? MethodContract.Empty
                : new MethodContract(claims.ToImmutable(), noAnalysis, states.ToImmutable());
        }

        private void ReadAttributes(
            ImmutableArray<AttributeData> attributes, ImmutableArray<LockClaim>.Builder claims, ImmutableArray<StateClaim>.Builder states, ref bool noAnalysis)
        {
            foreach (var attribute in attributes)
            {
                var type = attribute.AttributeClass;
                if (type is null || type.ContainingNamespace?.Name != "LockContracts")
                {
                    continue;
                }

                if (KnownSymbols.Is(type, Symbols.NoLockAnalysisAttribute))
                {
                    noAnalysis = true;
                    continue;
                }

                var establishes = KnownSymbols.Is(type, Symbols.EstablishesStateAttribute);
                if ((establishes || KnownSymbols.Is(type, Symbols.RequiresStateAttribute))
                    && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].ScalarValue() is string stateName && stateName.Length > 0)
                {
                    var stateOn = "this";
                    string? validWhileHeld = null;
                    foreach (var named in attribute.NamedArguments)
                    {
                        if (named.Key == "On" && named.Value.ScalarValue() is string target && target.Length > 0)
                        {
                            stateOn = target;
                        }
                        else if (named.Key == "ValidWhileHeld" && named.Value.ScalarValue() is string lockClass && lockClass.Length > 0)
                        {
                            validWhileHeld = lockClass;
                        }
                    }

                    states.Add(new StateClaim(establishes, stateName, stateOn, validWhileHeld, attribute));
                    continue;
                }

                var kind = ClaimKindOf(type);
                if (kind is null || attribute.AttributeConstructor is null)
                {
                    continue;
                }

                string? name = null;
                var whenReturns = true;
                var arguments = attribute.ConstructorArguments;
                if (arguments.Any(a => a.Kind == TypedConstantKind.Error))
                {
                    continue;
                }

                foreach (var argument in arguments)
                {
                    switch (argument.ScalarValue())
                    {
                        case string s:
                            name = s;
                            break;
                        case bool b:
                            whenReturns = b;
                            break;
                    }
                }

                var on = "this";
                var mode = LockMode.Exclusive;
                var nested = false;
                foreach (var named in attribute.NamedArguments)
                {
                    switch (named.Key)
                    {
                        case "On" when named.Value.ScalarValue() is string target && target.Length > 0:
                            on = target;
                            break;
                        case "Shared" when named.Value.ScalarValue() is true && mode == LockMode.Exclusive:
                            mode = LockMode.Shared;
                            break;
                        case "Upgradeable" when named.Value.ScalarValue() is true:
                            mode = LockMode.Upgradeable;
                            break;
                        case "Nested" when named.Value.ScalarValue() is true:
                            nested = true;
                            break;
                    }
                }

                claims.Add(new LockClaim(kind.Value, name, on, mode, whenReturns, attribute, nested));
            }
        }

        private ClaimKind? ClaimKindOf(INamedTypeSymbol type)
        {
            if (KnownSymbols.Is(type, Symbols.AcquiresAttribute)) return ClaimKind.Acquires;
            if (KnownSymbols.Is(type, Symbols.ReleasesAttribute)) return ClaimKind.Releases;
            if (KnownSymbols.Is(type, Symbols.TryAcquiresAttribute)) return ClaimKind.TryAcquires;
            if (KnownSymbols.Is(type, Symbols.RequiresHeldAttribute)) return ClaimKind.RequiresHeld;
            if (KnownSymbols.Is(type, Symbols.ExcludesAttribute)) return ClaimKind.Excludes;
            if (KnownSymbols.Is(type, Symbols.AssertsHeldAttribute)) return ClaimKind.AssertsHeld;
            if (KnownSymbols.Is(type, Symbols.TemporarilyReleasesAttribute)) return ClaimKind.TemporarilyReleases;
            return null;
        }

        /// <summary>Lock classes and declared order, from this compilation and the annotated assemblies it references.</summary>
        /// <summary>
        /// What the declarations say about lock classes and orders: the classes <c>[Lock]</c> declares, the fields and
        /// properties of each type name (implicit classes), and the declared order, from <c>[LockOrder]</c> on the
        /// assemblies and <c>[AcquiredBefore]</c>/<c>[AcquiredAfter]</c> on members.
        /// </summary>
        private sealed class DeclarationIndex
        {
            private readonly DeclarationFacts _facts;

            private DeclarationIndex(DeclarationFacts facts)
            {
                _facts = facts;
            }

            public DeclaredLockOrder Order { get; } = new();

            public bool IsKnownClass(string lockClass)
            {
                if (_facts.DeclaredClasses.Contains(lockClass) || _facts.MembersByTypeName.ContainsKey(lockClass))
                {
                    return true;
                }

                var dot = lockClass.LastIndexOf('.');
                return dot > 0 && dot < lockClass.Length - 1
                    && _facts.MembersByTypeName.TryGetValue(lockClass.Substring(0, dot), out var members)
                    && members.Contains(lockClass.Substring(dot + 1));
            }

            /// <param name="facts">What an earlier compilation with the same declarations found (<see cref="KeepAcross"/>); null to read them here.</param>
            public static DeclarationIndex Build(LockContractModel model, DeclarationFacts? facts)
            {
                var symbols = model.Symbols;
                var assemblies = model.AnnotatedAssemblies();
                // The members that declare an order: read with the facts, or, from facts kept from an earlier compilation,
                // found again by documentation id (when every id named its member alone).
                var orderedMembers = new List<ISymbol>();
                if (facts is null || !facts.IdsExact)
                {
                    facts = DeclarationFacts.Read(model, assemblies, orderedMembers);
                }
                else
                {
                    orderedMembers.AddRange(facts.OrderedMembers.SelectMany(id => DocumentationCommentId.GetSymbolsForDeclarationId(id, model.Compilation)));
                }

                var index = new DeclarationIndex(facts);
                foreach (var assembly in assemblies)
                {
                    foreach (var attribute in assembly.GetAttributes())
                    {
                        if (KnownSymbols.Is(attribute.AttributeClass, symbols.LockOrderAttribute))
                        {
                            var names = NamesOf(attribute);
                            for (var i = 0; i + 1 < names.Length; i++)
                            {
                                index.Order.Add(names[i], names[i + 1], attribute);
                            }
                        }
                    }
                }

                // Their attributes are read here: they belong to this compilation.
                foreach (var member in orderedMembers)
                {
                    foreach (var attribute in member.GetAttributes())
                    {
                        var before = KnownSymbols.Is(attribute.AttributeClass, symbols.AcquiredBeforeAttribute);
                        if (!before && !KnownSymbols.Is(attribute.AttributeClass, symbols.AcquiredAfterAttribute))
                        {
                            continue;
                        }

                        var own = model.ClassOf(member);
                        foreach (var other in NamesOf(attribute))
                        {
                            if (before)
                            {
                                index.Order.Add(own, other, attribute);
                            }
                            else
                            {
                                index.Order.Add(other, own, attribute);
                            }
                        }
                    }
                }

                return index;
            }

            public static ImmutableArray<string> NamesOf(AttributeData attribute)
            {
                var builder = ImmutableArray.CreateBuilder<string>();
                foreach (var argument in attribute.ConstructorArguments)
                {
                    if (argument.Kind == TypedConstantKind.Array && !argument.IsNull)
                    {
                        foreach (var value in argument.Values)
                        {
                            if (value.ScalarValue() is string s && s.Trim().Length > 0)
                            {
                                builder.Add(s);
                            }
                        }
                    }
                    else if (argument.ScalarValue() is string single && single.Trim().Length > 0)
                    {
                        builder.Add(single);
                    }
                }

                return builder.ToImmutable();
            }
        }

        /// <summary>The part of <see cref="DeclarationIndex"/> that is neither symbols nor locations: the same for every compilation with the same declarations.</summary>
        internal sealed class DeclarationFacts
        {
            private DeclarationFacts(HashSet<string> declaredClasses, Dictionary<string, HashSet<string>> membersByTypeName, ImmutableArray<string> orderedMembers, bool idsExact)
            {
                DeclaredClasses = declaredClasses;
                MembersByTypeName = membersByTypeName;
                OrderedMembers = orderedMembers;
                IdsExact = idsExact;
            }

            /// <summary>Every id of <see cref="OrderedMembers"/> names its member alone (read back when the facts were made).</summary>
            public bool IdsExact { get; }

            public HashSet<string> DeclaredClasses { get; }

            /// <summary>The names of the fields and properties of the types of each name.</summary>
            public Dictionary<string, HashSet<string>> MembersByTypeName { get; }

            /// <summary>The documentation ids of the members with <c>[AcquiredBefore]</c> or <c>[AcquiredAfter]</c>, in the order met.</summary>
            public ImmutableArray<string> OrderedMembers { get; }

            /// <param name="orderedSymbols">Where the members that declare an order go.</param>
            public static DeclarationFacts Read(LockContractModel model, List<IAssemblySymbol> assemblies, List<ISymbol>? orderedSymbols = null)
            {
                var idsExact = true;
                var symbols = model.Symbols;
                var declared = new HashSet<string>(StringComparer.Ordinal);
                var membersByTypeName = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                var ordered = ImmutableArray.CreateBuilder<string>();
                foreach (var assembly in assemblies)
                {
                    var fromSource = SymbolEqualityComparer.Default.Equals(assembly, model.Compilation.Assembly);
                    var stack = new Stack<INamespaceOrTypeSymbol>();
                    stack.Push(assembly.GlobalNamespace);
                    while (stack.Count > 0)
                    {
                        var container = stack.Pop();
                        foreach (var member in container.GetMembers())
                        {
                            switch (member)
                            {
                                case INamespaceSymbol ns:
                                    stack.Push(ns);
                                    break;
                                case INamedTypeSymbol type when fromSource || type.DeclaredAccessibility == Accessibility.Public:
                                    stack.Push(type);
                                    if (!membersByTypeName.ContainsKey(type.Name))
                                    {
                                        membersByTypeName.Add(type.Name, new HashSet<string>(StringComparer.Ordinal));
                                    }

                                    break;
                                case IFieldSymbol or IPropertySymbol:
                                    if (container is INamedTypeSymbol owner && membersByTypeName.TryGetValue(owner.Name, out var names))
                                    {
                                        names.Add(member.Name);
                                    }

                                    if (!symbols.HasAnnotations || member.IsImplicitlyDeclared)
                                    {
                                        break;
                                    }

                                    var orders = false;
                                    foreach (var attribute in member.GetAttributes())
                                    {
                                        if (KnownSymbols.Is(attribute.AttributeClass, symbols.LockAttribute)
                                            && attribute.ConstructorArguments.Length == 1
                                            && attribute.ConstructorArguments[0].ScalarValue() is string name)
                                        {
                                            declared.Add(name);
                                        }
                                        else if (KnownSymbols.Is(attribute.AttributeClass, symbols.AcquiredBeforeAttribute)
                                            || KnownSymbols.Is(attribute.AttributeClass, symbols.AcquiredAfterAttribute))
                                        {
                                            orders = true;
                                        }
                                    }

                                    if (orders)
                                    {
                                        orderedSymbols?.Add(member);
                                        var id = DocumentationCommentId.CreateDeclarationId(member);
                                        var named = id is null ? ImmutableArray<ISymbol>.Empty : DocumentationCommentId.GetSymbolsForDeclarationId(id, model.Compilation);
                                        idsExact &= named.Length == 1 && SymbolEqualityComparer.Default.Equals(named[0], member);
                                        if (id is not null)
                                        {
                                            ordered.Add(id);
                                        }
                                    }

                                    break;
                            }
                        }
                    }
                }

                return new DeclarationFacts(declared, membersByTypeName, ordered.ToImmutable(), idsExact);
            }
        }

        /// <summary>The lock class names an order attribute mentions ([LockOrder], [AcquiredBefore], [AcquiredAfter]).</summary>
        public static ImmutableArray<string> OrderNamesOf(AttributeData attribute) => DeclarationIndex.NamesOf(attribute);
    }
}
