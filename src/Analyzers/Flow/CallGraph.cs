using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// The question summaries ask of call resolution: which bodies can this call or invocation run,
    /// and which of them remain when a call site says what it passes.
    /// </summary>
    internal interface ICallGraph
    {
        /// <summary>What <paramref name="call"/> (an invocation, property access or object creation) can run, seen from the body <paramref name="resolver"/> reads.</summary>
        CallTargets TargetsOf(IOperation call, LockEffectResolver resolver);

        /// <summary>What a call site passes that can narrow what its callee runs: the static type or created type of receivers it passes, the functions of delegates it passes.</summary>
        ImmutableArray<ArgumentFact> FactsOf(ImmutableArray<IArgumentOperation> arguments, LockEffectResolver resolver);

        /// <summary>The targets of a call made in a callee, once the callee's caller passed <paramref name="facts"/> (one level of call-site context).</summary>
        CallTargets InContext(DirectCall call, ImmutableArray<ArgumentFact> facts);
    }

    /// <summary>The bodies a call can run, whether the analysis is sure of them, and whether a bound cut the search for them short.</summary>
    internal sealed class CallTargets
    {
        public static readonly CallTargets None = new(ImmutableArray<IMethodSymbol>.Empty, false, null, null);

        public CallTargets(
            ImmutableArray<IMethodSymbol> methods, bool isUncertain, string? receiverParameter = null, string? delegateParameter = null,
            DelegateBound bounds = DelegateBound.None, string? invokedDelegate = null)
        {
            Methods = methods;
            IsUncertain = isUncertain;
            ReceiverParameter = receiverParameter;
            DelegateParameter = delegateParameter;
            Bounds = bounds;
            InvokedDelegate = invokedDelegate;
        }

        public ImmutableArray<IMethodSymbol> Methods { get; }

        /// <summary>
        /// Resolved through wide dispatch (a virtual or interface call with more than one possible
        /// implementation left) or through delegate flow with more than one possible function.
        /// </summary>
        public bool IsUncertain { get; }

        /// <summary>The calling method's parameter the call is made on (open dispatch), when a call site's argument can narrow it.</summary>
        public string? ReceiverParameter { get; }

        /// <summary>The calling method's parameter whose delegate is invoked, when a call site's argument can say which function it is.</summary>
        public string? DelegateParameter { get; }

        /// <summary>
        /// For a delegate invocation, the <see cref="DelegateFlow"/> bounds that cut the search for its functions
        /// short: <see cref="Methods"/> is what was found, and functions past the bound may run too (LOCK205).
        /// </summary>
        public DelegateBound Bounds { get; }

        /// <summary>The delegate invoked, as written (set when <see cref="Bounds"/> is), to name it in a report.</summary>
        public string? InvokedDelegate { get; }

        /// <summary>
        /// Set when <see cref="Methods"/> holds more bodies than the dispatch bound. Summaries follow none of them when
        /// more than the bound may take a lock (LOCK206); a call site's argument may narrow <see cref="ReceiverParameter"/> first.
        /// </summary>
        public DispatchCut? Cut { get; init; }

        public CallTargets With(ImmutableArray<IMethodSymbol> methods) => new(methods, IsUncertain, ReceiverParameter, DelegateParameter, Bounds, InvokedDelegate) { Cut = Cut };
    }

    /// <summary>A virtual or interface call with more bodies than the dispatch bound: what a report names it by, and the bound.</summary>
    internal sealed class DispatchCut
    {
        public DispatchCut(string member, int bound)
        {
            Member = member;
            Bound = bound;
        }

        /// <summary>The member called, as a report names it.</summary>
        public string Member { get; }

        public int Bound { get; }
    }

    /// <summary>What a call site passes for one parameter, as far as it narrows what the callee runs.</summary>
    internal sealed class ArgumentFact
    {
        private CallGraph? _graph;
        private SyntaxNode? _argument;
        private ITypeSymbol? _type;
        private bool _exactType;
        private CreationTypes.Answer? _read;

        public ArgumentFact(string parameter, ITypeSymbol? type, bool exactType, ImmutableArray<IMethodSymbol> functions)
        {
            Parameter = parameter;
            _type = type;
            _exactType = exactType;
            Functions = functions;
        }

        /// <summary>
        /// A fact about the receiver written <paramref name="argument"/> (static type <paramref name="narrower"/>, when narrower than the
        /// parameter's), whose runtime types are looked for on first use (<see cref="CreationTypes"/>): most facts are never asked, since
        /// few callees call a member of that parameter. What the answer read is recorded where the fact is used.
        /// </summary>
        public ArgumentFact(string parameter, CallGraph graph, SyntaxNode argument, ITypeSymbol? narrower)
        {
            Parameter = parameter;
            _graph = graph;
            _argument = argument;
            _type = narrower;
            Functions = ImmutableArray<IMethodSymbol>.Empty;
        }

        public string Parameter { get; }

        /// <summary>The argument's static type where it is narrower than the parameter's, or the type it is created as; null when neither says anything.</summary>
        public ITypeSymbol? Type
        {
            get
            {
                Resolve();
                return _type;
            }
        }

        /// <summary>The argument's runtime type is <see cref="Type"/>: it is created here (<c>new T(…)</c>, or a local assigned once from it), or every source of it is known (<see cref="CreationTypes"/>).</summary>
        public bool ExactType
        {
            get
            {
                Resolve();
                return _exactType;
            }
        }

        private void Resolve()
        {
            if (Volatile.Read(ref _graph) is { } graph)
            {
                // Two threads may both resolve: the answer is the same.
                var read = graph.Created(_argument!);
                if (read?.Types is { IsDefault: false, Length: 1 } types)
                {
                    _type = types[0];
                    _exactType = true;
                }

                _read = read;
                Volatile.Write(ref _graph, null);
            }

            _read?.Note();
        }

        /// <summary>The functions a delegate argument can be; empty when it is not a delegate or the analysis does not know.</summary>
        public ImmutableArray<IMethodSymbol> Functions { get; }

        public string Key => Functions.IsEmpty
            ? (ExactType ? "=" : "<") + Type?.ToDisplayString()
            : "(" + string.Join(",", Functions.Select(f => f.ToDisplayString())) + ")";
    }

    /// <summary>
    /// Call resolution for one compilation: dispatch by the receiver's static type
    /// (<see cref="CallDispatch"/>), or by its runtime types when every source of it is known
    /// (<see cref="CreationTypes"/>), delegate values followed to their functions
    /// (<see cref="DelegateFlow"/>), lambdas given to library methods that run them in place, and
    /// one level of call-site context for calls a helper makes on its parameters.
    /// </summary>
    internal sealed class CallGraph : ICallGraph
    {
        /// <summary>
        /// How many bodies that may take a lock a virtual or interface call may run, from its receiver's static type, and
        /// still be followed into them (MSBuild property LockContractsDispatchTargets; 0 for no bound). Calls with more
        /// bodies than this are marked (<see cref="CallTargets.Cut"/>); summaries count which of them may take a lock.
        /// </summary>
        public const int DefaultDispatchTargets = 32;

        private readonly LockContractModel _model;
        private readonly DelegateFlow _delegates;
        private readonly CreationTypes _creations;
        private readonly System.Func<SyntaxTree, SemanticModel> _models;
        private readonly System.Lazy<Dictionary<IMethodSymbol, List<IMethodSymbol>>> _implementations;
        private readonly LiveCache? _live;
        private readonly int _dispatchTargets;
        private readonly System.Lazy<Dictionary<string, ImmutableArray<string>>>? _implementationIds;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, List<IMethodSymbol>?> _resolvedImplementations = new(SymbolEqualityComparer.Default);

        /// <param name="live">In an editor: which members are overridden or implemented, and by what, is found once per set of declarations (by documentation id) and resolved per compilation.</param>
        /// <param name="dispatchTargets">How many bodies a virtual or interface call may run and still be followed (<see cref="DefaultDispatchTargets"/>; zero or less: no bound).</param>
        public CallGraph(LockContractModel model, System.Func<SyntaxTree, SemanticModel> models, LiveCache? live = null, int dispatchTargets = DefaultDispatchTargets)
        {
            _model = model;
            _live = live;
            _dispatchTargets = dispatchTargets > 0 ? dispatchTargets : int.MaxValue;
            if (live is not null)
            {
                _implementationIds = new System.Lazy<Dictionary<string, ImmutableArray<string>>>(
                    () => live.PerOutline("implementations", ImplementationIds), LazyThreadSafetyMode.ExecutionAndPublication);
            }

            _delegates = new DelegateFlow(model.Compilation, models);
            _creations = new CreationTypes(model.Compilation, models);
            _models = models;
            _implementations = new System.Lazy<Dictionary<IMethodSymbol, List<IMethodSymbol>>>(BuildImplementations, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>True when the member is virtual or abstract and the compilation overrides or implements it.</summary>
        public bool HasImplementations(IMethodSymbol method) =>
            (method.IsAbstract || method.IsVirtual || method.IsOverride) && ImplementationsOf(method) is not null;

        /// <summary>The overrides and implementations of a member in the compilation; null when it has none.</summary>
        private List<IMethodSymbol>? ImplementationsOf(IMethodSymbol method)
        {
            var definition = method.OriginalDefinition;
            if (_implementationIds is null)
            {
                return _implementations.Value.TryGetValue(definition, out var all) ? all : null;
            }

            return _resolvedImplementations.GetOrAdd(definition, m =>
            {
                if (DocumentationCommentId.CreateDeclarationId(m) is not { } id || !_implementationIds.Value.TryGetValue(id, out var ids))
                {
                    return null;
                }

                // An implementation whose id did not name it alone (explicit implementations of generic interfaces can
                // fail to) is read from this compilation's own index instead.
                return ids.IsDefault
                    ? (_implementations.Value.TryGetValue(m, out var all) ? all : null)
                    : ids.SelectMany(i => DocumentationCommentId.GetSymbolsForDeclarationId(i, _model.Compilation)).OfType<IMethodSymbol>().ToList();
            });
        }

        /// <summary>
        /// The implementations by documentation id: the same in every compilation with the same declarations. A member
        /// some of whose implementations an id does not name exactly (checked here, by reading each id back) has none:
        /// its implementations are found from the symbols of the compilation that asks.
        /// </summary>
        private Dictionary<string, ImmutableArray<string>> ImplementationIds()
        {
            var ids = new Dictionary<string, ImmutableArray<string>>(System.StringComparer.Ordinal);
            foreach (var pair in _implementations.Value)
            {
                if (DocumentationCommentId.CreateDeclarationId(pair.Key) is not { } member)
                {
                    continue;
                }

                var implementations = ImmutableArray.CreateBuilder<string>();
                foreach (var implementation in pair.Value)
                {
                    var id = DocumentationCommentId.CreateDeclarationId(implementation);
                    var named = id is null ? ImmutableArray<ISymbol>.Empty : DocumentationCommentId.GetSymbolsForDeclarationId(id, _model.Compilation);
                    if (named.Length != 1 || !SymbolEqualityComparer.Default.Equals(named[0], implementation))
                    {
                        implementations = null;
                        break;
                    }

                    implementations.Add(id!);
                }

                ids[member] = implementations?.ToImmutable() ?? default;
            }

            return ids;
        }

        public CallTargets TargetsOf(IOperation call, LockEffectResolver resolver)
        {
            var method = CalledMethod(call);
            if (method is null)
            {
                return CallTargets.None;
            }

            if (method.MethodKind == MethodKind.DelegateInvoke && call is IInvocationOperation delegateCall)
            {
                // What a delegate holds can come from any body: an editor's kept results that read this depend on every file.
                Recorder.NoteDelegates();
                var functions = _delegates.FunctionsOf(delegateCall.Instance, resolver.Origins, out var bounds);
                var parameter = Unconverted(delegateCall.Instance) is IParameterReferenceOperation p && resolver.Origins.IsUnchanged(p.Parameter) ? p.Parameter.Name : null;
                return new CallTargets(
                    functions, functions.Length > 1, delegateParameter: parameter, bounds: bounds,
                    invokedDelegate: bounds == DelegateBound.None ? null : DelegateText(delegateCall));
            }

            List<IMethodSymbol>? implementations = null;
            var exact = false;
            if ((method.IsAbstract || method.IsVirtual || method.IsOverride) && _model.GetContract(method).IsEmpty
                && ImplementationsOf(method) is { } all)
            {
                implementations = CallDispatch.Candidates(call, method, all, out exact);
            }

            var runsDelegates = call is IInvocationOperation { Arguments.IsEmpty: false } && RunsDelegatesInPlace(method);
            if (implementations is not { Count: > 0 } && !runsDelegates)
            {
                return new CallTargets(ImmutableArray.Create(method), false);
            }

            var targets = ImmutableArray.CreateBuilder<IMethodSymbol>();
            if (!exact)
            {
                targets.Add(method);
            }

            if (implementations is not null)
            {
                targets.AddRange(implementations);
            }

            if (runsDelegates)
            {
                foreach (var argument in ((IInvocationOperation)call).Arguments)
                {
                    if (DelegateFlow.FunctionOf(argument.Value) is { } function)
                    {
                        targets.Add(function);
                    }
                }
            }

            var receiver = call switch
            {
                IInvocationOperation invocation => invocation.Instance,
                IPropertyReferenceOperation property => property.Instance,
                _ => null,
            };
            if (!exact && !runsDelegates && receiver is not null && targets.Count > 1 && ByCreation(method, receiver) is { } created)
            {
                return created;
            }

            var receiverParameter = !exact && implementations is { Count: > 0 } && Unconverted(receiver) is IParameterReferenceOperation onParameter
                && resolver.Origins.IsUnchanged(onParameter.Parameter) ? onParameter.Parameter.Name : null;
            var methods = targets.ToImmutable();
            return new CallTargets(methods, implementations is not null && CallDispatch.IsUncertain(call, method, implementations, exact), receiverParameter)
            {
                Cut = implementations is null ? null : Wide(LockEffectResolver.DisplayName(method), methods),
            };
        }

        /// <summary>
        /// The targets of a virtual or interface call whose receiver's runtime types are all known
        /// (<see cref="CreationTypes"/>): for each, the body it runs. Null when one of them is not known.
        /// </summary>
        private CallTargets? ByCreation(IMethodSymbol method, IOperation receiver)
        {
            var answer = _creations.Of(receiver);
            answer.Note();
            if (answer.Types.IsDefaultOrEmpty)
            {
                return null;
            }

            var runs = new List<IMethodSymbol>();
            foreach (var type in answer.Types)
            {
                if (CreationTypes.ImplementationFor(type, method) is not { } implementation)
                {
                    return null;
                }

                if (!runs.Contains(implementation, SymbolEqualityComparer.Default))
                {
                    runs.Add(implementation);
                }
            }

            // Bodies in libraries run no code of this compilation: the call is then to the member named, as a library call is.
            var source = runs.Where(r => r.DeclaringSyntaxReferences.Any(d => _model.Compilation.ContainsSyntaxTree(d.SyntaxTree))).ToImmutableArray();
            return new CallTargets(source.IsEmpty ? ImmutableArray.Create(method) : source, runs.Count > 1);
        }

        public ImmutableArray<ArgumentFact> FactsOf(ImmutableArray<IArgumentOperation> arguments, LockEffectResolver resolver)
        {
            ImmutableArray<ArgumentFact>.Builder? facts = null;
            foreach (var argument in arguments)
            {
                if (argument.Parameter is not { RefKind: RefKind.None or RefKind.In } parameter || argument.ArgumentKind != ArgumentKind.Explicit)
                {
                    continue;
                }

                ArgumentFact? fact = null;
                if (parameter.Type.TypeKind == TypeKind.Delegate)
                {
                    // Only what the caller's own body shows: a member or parameter passed on keeps the
                    // callee's answer for all its callers, which already includes this one.
                    var functions = _delegates.LocalFunctionsOf(argument.Value, resolver.Origins);
                    if (!functions.IsEmpty)
                    {
                        fact = new ArgumentFact(parameter.Name, null, false, functions);
                    }
                }
                else if (parameter.Type is { IsReferenceType: true, IsSealed: false } && parameter.Type.SpecialType != SpecialType.System_String)
                {
                    var (type, exact) = TypeOf(argument.Value, resolver.Origins);
                    if (type is not null && exact)
                    {
                        fact = new ArgumentFact(parameter.Name, type, exact, ImmutableArray<IMethodSymbol>.Empty);
                    }
                    else
                    {
                        // Its runtime types are looked for only if a callee's call on the parameter asks (the key or the targets in context).
                        var narrower = type is not null && !SymbolEqualityComparer.Default.Equals(type, parameter.Type) ? type : null;
                        if (MayBeCreated(argument.Value))
                        {
                            fact = new ArgumentFact(parameter.Name, this, argument.Value.Syntax, narrower);
                        }
                        else if (narrower is not null)
                        {
                            fact = new ArgumentFact(parameter.Name, narrower, false, ImmutableArray<IMethodSymbol>.Empty);
                        }
                    }
                }

                if (fact is not null)
                {
                    (facts ??= ImmutableArray.CreateBuilder<ArgumentFact>()).Add(fact);
                }
            }

            return facts?.ToImmutable() ?? ImmutableArray<ArgumentFact>.Empty;
        }

        public CallTargets InContext(DirectCall call, ImmutableArray<ArgumentFact> facts)
        {
            var dispatch = call.Dispatch;
            if (FactFor(facts, dispatch.DelegateParameter) is { Functions.IsEmpty: false } passed)
            {
                return new CallTargets(passed.Functions, passed.Functions.Length > 1);
            }

            if (FactFor(facts, dispatch.ReceiverParameter) is { Type: { } type } argument)
            {
                var narrowed = CallDispatch.Narrow(call.Targets, type, argument.ExactType);
                return new CallTargets(narrowed, narrowed.Count(HasBody) > 1) { Cut = dispatch.Cut is { } wide ? Wide(wide.Member, narrowed) : null };
            }

            return dispatch;
        }

        /// <summary>The cut of a call to <paramref name="method"/> whose <paramref name="targets"/> hold more bodies than the dispatch bound; null within it.</summary>
        /// <summary>Marks a call whose <paramref name="targets"/> hold more bodies than the dispatch bound; null within it.</summary>
        private DispatchCut? Wide(string member, ImmutableArray<IMethodSymbol> targets) =>
            targets.Length > _dispatchTargets && targets.Count(HasBody) > _dispatchTargets ? new DispatchCut(member, _dispatchTargets) : null;

        /// <summary>The part of <paramref name="facts"/> that changes what <paramref name="target"/>'s own calls run; empty when none does.</summary>
        public static string ContextKey(DirectSummary target, ImmutableArray<ArgumentFact> facts)
        {
            if (facts.IsEmpty)
            {
                return string.Empty;
            }

            string? key = null;
            foreach (var call in target.Calls)
            {
                var parameter = call.Dispatch.DelegateParameter ?? call.Dispatch.ReceiverParameter;
                if (FactFor(facts, parameter) is { } fact && (fact.Type is not null || !fact.Functions.IsEmpty))
                {
                    key += parameter + fact.Key + ";";
                }
            }

            return key ?? string.Empty;
        }

        /// <summary>The runtime types of the argument written <paramref name="syntax"/>, bound again: a call site's facts keep no operations alive.</summary>
        internal CreationTypes.Answer? Created(SyntaxNode syntax) =>
            _models(syntax.SyntaxTree).GetOperation(syntax) is { } value ? _creations.Of(value) : null;

        /// <summary>An argument whose created types may be known: not <c>this</c>, a literal, or a parameter or member others can set.</summary>
        private static bool MayBeCreated(IOperation value)
        {
            value = Unconverted(value)!;
            return value switch
            {
                IInstanceReferenceOperation or ILiteralOperation => false,
                IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { DeclaredAccessibility: Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal, ContainingType.DeclaredAccessibility: Accessibility.Public } } => false,
                IFieldReferenceOperation { Field: { DeclaredAccessibility: Accessibility.Public, IsReadOnly: false, ContainingType.DeclaredAccessibility: Accessibility.Public } } => false,
                _ => true,
            };
        }

        private static ArgumentFact? FactFor(ImmutableArray<ArgumentFact> facts, string? parameter)
        {
            if (parameter is null)
            {
                return null;
            }

            foreach (var fact in facts)
            {
                if (fact.Parameter == parameter)
                {
                    return fact;
                }
            }

            return null;
        }

        public static bool HasBody(IMethodSymbol method) => !method.IsAbstract && method.ContainingType?.TypeKind != TypeKind.Interface;

        /// <summary>The static type of a value with the conversions to the parameter looked through; the created type when it is created here.</summary>
        private static (ITypeSymbol? Type, bool Exact) TypeOf(IOperation value, ValueOrigins origins)
        {
            for (var steps = 0; steps < 8; steps++)
            {
                switch (value)
                {
                    case IConversionOperation { IsImplicit: true } conversion:
                        value = conversion.Operand;
                        continue;
                    case IObjectCreationOperation creation:
                        return (creation.Type, true);
                    case ILocalReferenceOperation local when origins.LocalValue(local.Local) is { } assigned:
                        value = assigned;
                        continue;
                    case IFlowCaptureReferenceOperation capture when origins.CaptureValue(capture.Id) is { } captured:
                        value = captured;
                        continue;
                }

                break;
            }

            return (value.Type, false);
        }

        /// <summary>The invoked delegate as written (<c>callback</c>, <c>_handlers</c>), shortened when long.</summary>
        private static string DelegateText(IInvocationOperation delegateCall)
        {
            var syntax = delegateCall.Instance?.Syntax ?? delegateCall.Syntax;
            var text = string.Join(" ", syntax.ToString().Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }

        private static IOperation? Unconverted(IOperation? operation)
        {
            while (operation is IConversionOperation or IParenthesizedOperation)
            {
                operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
            }

            return operation;
        }

        public static IMethodSymbol? CalledMethod(IOperation call) => call switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IPropertyReferenceOperation property => property.Parent is IAssignmentOperation assignment && assignment.Target == property
                ? property.Property.SetMethod : property.Property.GetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            _ => null,
        };

        /// <summary>Library methods that run the delegates they are given before they return.</summary>
        public static bool RunsDelegatesInPlace(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type?.Name is not ("Enumerable" or "Parallel" or "List" or "Array" or "ConcurrentDictionary"))
            {
                return false;
            }

            var ns = type.ContainingNamespace?.ToDisplayString();
            return (ns, type.Name, method.Name) switch
            {
                ("System.Linq", "Enumerable", _) => true,
                ("System.Threading.Tasks", "Parallel", _) => true,
                ("System.Collections.Generic", "List", "ForEach" or "Find" or "FindAll" or "FindIndex" or "FindLast" or "Exists" or "TrueForAll" or "RemoveAll" or "ConvertAll" or "Sort") => true,
                ("System", "Array", "ForEach" or "Find" or "FindAll" or "FindIndex" or "Exists" or "TrueForAll" or "ConvertAll" or "Sort") => true,
                ("System.Collections.Concurrent", "ConcurrentDictionary", "GetOrAdd" or "AddOrUpdate") => true,
                _ => false,
            };
        }

        /// <summary>Overrides and interface implementations declared in this compilation, by the member they implement.</summary>
        private Dictionary<IMethodSymbol, List<IMethodSymbol>> BuildImplementations() => ImplementationIndex(_model.Compilation);

        /// <summary>Every overridden or implemented member of the compilation (its definition), with the source methods that override or implement it.</summary>
        public static Dictionary<IMethodSymbol, List<IMethodSymbol>> ImplementationIndex(Compilation compilation)
        {
            var map = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
            void Add(IMethodSymbol member, IMethodSymbol implementation)
            {
                if (!map.TryGetValue(member.OriginalDefinition, out var list))
                {
                    list = new List<IMethodSymbol>();
                    map.Add(member.OriginalDefinition, list);
                }

                if (!list.Contains(implementation, SymbolEqualityComparer.Default))
                {
                    list.Add(implementation);
                }
            }

            foreach (var type in LockSummaries.SourceTypes(compilation.Assembly.GlobalNamespace))
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IMethodSymbol { IsAbstract: false } method)
                    {
                        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                        {
                            Add(overridden, method);
                        }
                    }
                }

                foreach (var @interface in type.AllInterfaces)
                {
                    foreach (var member in @interface.GetMembers())
                    {
                        if (member is IMethodSymbol interfaceMethod
                            && type.FindImplementationForInterfaceMember(interfaceMethod) is IMethodSymbol { IsAbstract: false } implementation
                            && SymbolEqualityComparer.Default.Equals(implementation.ContainingType, type))
                        {
                            Add(interfaceMethod, implementation);
                        }
                    }
                }
            }

            return map;
        }
    }
}
