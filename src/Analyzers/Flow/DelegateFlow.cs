using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>Which of <see cref="DelegateFlow"/>'s bounds cut an answer short: what lies past them was not followed.</summary>
    [Flags]
    internal enum DelegateBound
    {
        None = 0,

        /// <summary>A value would have been followed one more step back (<see cref="DelegateFlow.MaxDepth"/>).</summary>
        Depth = 1,

        /// <summary>More candidates were left when <see cref="DelegateFlow.MaxFunctions"/> had been found.</summary>
        Functions = 2,

        /// <summary>The question's work (<see cref="DelegateFlow.MaxWork"/>) ran out.</summary>
        Work = 4,
    }

    /// <summary>
    /// Which functions (methods, lambdas, local functions) a delegate value can be. A value is
    /// followed back through locals, conditionals, parameters (to the arguments at every call site
    /// of the method), fields, properties and events (to what the compilation assigns or subscribes
    /// to them, through the interface members they implement), and object-typed slots that are
    /// assigned a delegate in source and cast back (<c>(Action)args.UserToken</c>). Each step back
    /// costs one level of <see cref="MaxDepth"/>; what is stored in a member or passed for a parameter
    /// is computed once per compilation. A value the compilation does not show (a library's result, a
    /// delegate built by reflection) has no functions: it runs nothing the analysis can see. An answer
    /// one of the bounds cut short says which (<see cref="DelegateBound"/>), so that the call can say so.
    /// </summary>
    internal sealed class DelegateFlow
    {
        /// <summary>How many steps back (member → assigned value → parameter → argument …) a value is followed.</summary>
        public const int MaxDepth = 5;

        /// <summary>A value that can be more functions than this is cut there (the rest are not followed).</summary>
        public const int MaxFunctions = 64;

        [ThreadStatic]
        private static HashSet<ISymbol>? s_inProgress;

        /// <summary>How many times a computation met one in progress (a cycle) or ran out of work: what was computed meanwhile is partial and not kept.</summary>
        [ThreadStatic]
        private static int s_cycles;

        /// <summary>The bounds that cut the answer being computed on this thread (and the answers it used) short.</summary>
        [ThreadStatic]
        private static DelegateBound s_bounds;

        /// <summary>What is left of <see cref="MaxWork"/> for the outermost question being answered on this thread.</summary>
        [ThreadStatic]
        private static int s_budget;

        /// <summary>
        /// How many members, parameters and methods one question may look into, and how many assignments
        /// and call sites it may read, in all: results that are not kept (cycles) are computed again, and
        /// this bounds that work whatever the shape of the program.
        /// </summary>
        public const int MaxWork = 4096;

        private readonly Compilation _compilation;
        private readonly Func<SyntaxTree, SemanticModel> _models;
        private readonly ConcurrentDictionary<(ISymbol, int), Answer> _stored = new(MemoComparer.Instance);
        private readonly ConcurrentDictionary<(ISymbol, int), Answer> _passed = new(MemoComparer.Instance);
        private readonly ConcurrentDictionary<(ISymbol, int), Answer> _returned = new(MemoComparer.Instance);
        private readonly ConcurrentDictionary<(ISymbol, int), Answer> _elements = new(MemoComparer.Instance);
        private readonly Lazy<SyntaxIndex> _index;

        /// <summary>The locals of each body a value was met in (<see cref="OriginsAround"/>).</summary>
        private readonly ConcurrentDictionary<SyntaxNode, ValueOrigins> _origins = new();

        /// <summary>What <see cref="DepthBoundReached(List{Step})"/> found, by the steps it was asked from.</summary>
        private readonly ConcurrentDictionary<StepsKey, bool> _verified = new();

        public DelegateFlow(Compilation compilation, Func<SyntaxTree, SemanticModel> models)
        {
            _compilation = compilation;
            _models = models;
            _index = new Lazy<SyntaxIndex>(() => new SyntaxIndex(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>One unit of work for the current question; false when its budget is spent (the result is then partial).</summary>
        private static bool Spend(HashSet<ISymbol> inProgress)
        {
            if (s_verify is { } verify)
            {
                return verify.Spend();
            }

            if (inProgress.Count == 0)
            {
                s_budget = MaxWork;
            }

            if (s_budget <= 0)
            {
                s_cycles++;
                s_bounds |= DelegateBound.Work;
                return false;
            }

            s_budget--;
            return true;
        }

        /// <summary>
        /// What was found for a member, parameter or method at a depth: kept per depth, because how many
        /// steps are left decides how far back a value is followed, and a query must get the same answer
        /// whatever was asked before it (the editor and a build analyze methods in different orders).
        /// </summary>
        private static Answer? Known(ConcurrentDictionary<(ISymbol, int), Answer> memo, ISymbol key, int depth) =>
            memo.TryGetValue((key, depth), out var known) ? known : null;

        private static void Remember(ConcurrentDictionary<(ISymbol, int), Answer> memo, ISymbol key, int depth, Answer answer) =>
            memo.TryAdd((key, depth), answer);

        /// <summary>A kept answer: the functions found, and the bounds that cut it short (kept with it, so a reuse says so too).</summary>
        private sealed class Answer
        {
            public Answer(ImmutableArray<IMethodSymbol> functions, DelegateBound bounds)
            {
                Functions = functions;
                Bounds = bounds;
            }

            public ImmutableArray<IMethodSymbol> Functions { get; }

            public DelegateBound Bounds { get; }
        }

        /// <summary>
        /// Once <see cref="MaxFunctions"/> are found, a value left unfollowed cuts the answer short (noted) unless it is a
        /// function found already.
        /// </summary>
        private static bool CutsShort(IOperation? value, List<IMethodSymbol> result)
        {
            if (FunctionOf(value) is { } known && Found(result, known))
            {
                return false;
            }

            Cut(DelegateBound.Functions);
            return true;
        }

        /// <summary>A bound cut the answer being computed short (not noted while a cut at the depth bound is verified).</summary>
        private static void Cut(DelegateBound bound)
        {
            if (s_verify is null)
            {
                s_bounds |= bound;
            }
        }

        /// <summary>
        /// At the depth bound, the value would next be followed to <paramref name="key"/> (a question of kind
        /// <paramref name="kind"/>): a cut, unless the question looks into that key elsewhere at a smaller depth,
        /// which <see cref="DepthBoundReached"/> settles.
        /// </summary>
        private static void AtDepthBound(object kind, ISymbol key)
        {
            if (s_verify is { } verify)
            {
                verify.Frontier.Add((kind, key));
            }
            else
            {
                s_bounds |= DelegateBound.Depth;
            }
        }

        /// <summary>The kind of <see cref="AssignedToLocal"/>'s question, which is not memoized.</summary>
        private static readonly object LocalKind = new();

        /// <summary>Set on this thread while <see cref="DepthBoundReached"/> walks a question again.</summary>
        [ThreadStatic]
        private static Verification? s_verify;

        /// <summary>
        /// A walk of one question without the memo and the cycle guard: each key (a member, parameter, method or
        /// local, by the kind of question asked about it) is looked into at the smallest depth the walk meets it
        /// at, and the keys the walk would follow past the depth bound are noted.
        /// </summary>
        private sealed class Verification
        {
            private int _budget = MaxWork;

            /// <param name="listing">
            /// Only list the steps the question takes from its own value (<see cref="Steps"/>), following none of them:
            /// the walk from there depends on those steps alone.
            /// </param>
            public Verification(bool listing = false)
            {
                Steps = listing ? new List<Step>() : null;
            }

            /// <summary>While listing, the questions the value leads to, in the order the walk asks them.</summary>
            public List<Step>? Steps { get; }

            public Dictionary<(object Kind, ISymbol Key), int> Best { get; } = new(KeyComparer.Instance);

            public List<(object Kind, ISymbol Key)> Frontier { get; } = new();

            public bool Exhausted { get; private set; }

            public bool Spend()
            {
                if (_budget <= 0)
                {
                    Exhausted = true;
                    return false;
                }

                _budget--;
                return true;
            }

            /// <summary>False when the key was looked into at this depth or a smaller one already; otherwise notes it at this depth.</summary>
            public bool Enter(object kind, ISymbol key, int depth)
            {
                if (Best.TryGetValue((kind, key), out var best) && best <= depth)
                {
                    return false;
                }

                Best[(kind, key)] = depth;
                return true;
            }
        }

        /// <summary>A question a value leads to (its kind, key and depth), and how to ask it again while verifying.</summary>
        private sealed class Step
        {
            public Step(object kind, ISymbol key, int depth, Action ask)
            {
                Kind = kind;
                Key = key;
                Depth = depth;
                Ask = ask;
            }

            public object Kind { get; }

            public ISymbol Key { get; }

            public int Depth { get; }

            public Action Ask { get; }
        }

        /// <summary>The questions a value leads to, by kind, key and depth, in order: what decides its verification.</summary>
        private sealed class StepsKey : IEquatable<StepsKey>
        {
            private readonly (object Kind, ISymbol Key, int Depth)[] _steps;
            private readonly int _hash;

            public StepsKey(List<Step> steps)
            {
                _steps = new (object, ISymbol, int)[steps.Count];
                var hash = steps.Count;
                for (var i = 0; i < steps.Count; i++)
                {
                    _steps[i] = (steps[i].Kind, steps[i].Key, steps[i].Depth);
                    hash = (hash * 31 + KeyComparer.Instance.GetHashCode((steps[i].Kind, steps[i].Key))) * 31 + steps[i].Depth;
                }

                _hash = hash;
            }

            public bool Equals(StepsKey? other)
            {
                if (other is null || other._hash != _hash || other._steps.Length != _steps.Length)
                {
                    return false;
                }

                for (var i = 0; i < _steps.Length; i++)
                {
                    var (kind, key, depth) = _steps[i];
                    if (depth != other._steps[i].Depth || !KeyComparer.Instance.Equals((kind, key), (other._steps[i].Kind, other._steps[i].Key)))
                    {
                        return false;
                    }
                }

                return true;
            }

            public override bool Equals(object? obj) => obj is StepsKey other && Equals(other);

            public override int GetHashCode() => _hash;
        }

        private sealed class KeyComparer : IEqualityComparer<(object Kind, ISymbol Key)>
        {
            public static readonly KeyComparer Instance = new();

            public bool Equals((object Kind, ISymbol Key) x, (object Kind, ISymbol Key) y) =>
                ReferenceEquals(x.Kind, y.Kind) && SymbolEqualityComparer.Default.Equals(x.Key, y.Key);

            public int GetHashCode((object Kind, ISymbol Key) obj) =>
                System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Kind) * 31 + SymbolEqualityComparer.Default.GetHashCode(obj.Key);
        }

        /// <summary>
        /// Whether the depth bound really cut the answer for <paramref name="value"/> short. The memoized search notes
        /// a cut wherever it meets the bound, also on a long way round to a key it looks into at a smaller depth
        /// elsewhere, and which ways round it takes depends on what was memoized before (the cycle guard cuts some,
        /// a kept answer takes others). Walked again without either, the answer is: some key past the bound is
        /// looked into nowhere, the same whatever was asked before. When that walk runs out of work, the cut stays.
        /// </summary>
        /// <remarks>
        /// The walk from the value's own steps on depends on those steps only (what is looked into, at which depth,
        /// in which order), never on the value's body: it is done once per list of steps in the compilation, and every
        /// delegate invocation that leads to the same questions (a field, a parameter, what a method returns) reuses it.
        /// </remarks>
        private bool DepthBoundReached(IOperation? value, ValueOrigins origins)
        {
            var outer = s_verify;
            var listing = s_verify = new Verification(listing: true);
            try
            {
                Collect(value, origins, 0, new List<IMethodSymbol>());
            }
            finally
            {
                s_verify = outer;
            }

            var steps = listing.Steps!;
            var key = new StepsKey(steps);
            if (_verified.TryGetValue(key, out var known))
            {
                return known;
            }

            var reached = DepthBoundReached(steps);
            _verified.TryAdd(key, reached);
            return reached;
        }

        /// <summary>The walk of <see cref="DepthBoundReached(IOperation?, ValueOrigins)"/> from the steps a value leads to, asked in order.</summary>
        private static bool DepthBoundReached(List<Step> steps)
        {
            var outer = s_verify;
            var verify = s_verify = new Verification();
            try
            {
                foreach (var step in steps)
                {
                    step.Ask();
                }

                if (verify.Exhausted)
                {
                    return true;
                }

                foreach (var next in verify.Frontier)
                {
                    if (!verify.Best.ContainsKey(next))
                    {
                        return true;
                    }
                }

                return false;
            }
            finally
            {
                s_verify = outer;
            }
        }

        private static readonly HashSet<ISymbol> NoneInProgress = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The memoized, cycle-guarded shape every backward question shares: a known answer at this depth is
        /// reused; a question already being answered up the stack, or past the work budget, gets nothing (a cut);
        /// an answer is kept only when no cycle was cut on the way, or when it is the outermost question.
        /// </summary>
        private static ImmutableArray<IMethodSymbol> Memoized(
            ConcurrentDictionary<(ISymbol, int), Answer> memo, ISymbol key, int depth, Action<HashSet<ISymbol>, List<IMethodSymbol>> collect)
        {
            if (s_verify is { } verify)
            {
                if (verify.Steps is { } steps)
                {
                    steps.Add(new Step(memo, key, depth, () => Memoized(memo, key, depth, collect)));
                    return ImmutableArray<IMethodSymbol>.Empty;
                }

                if (verify.Enter(memo, key, depth) && Spend(NoneInProgress))
                {
                    collect(NoneInProgress, new List<IMethodSymbol>());
                }

                return ImmutableArray<IMethodSymbol>.Empty;
            }

            if (Known(memo, key, depth) is { } known)
            {
                Cut(known.Bounds);
                return known.Functions;
            }

            var inProgress = s_inProgress ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (!Spend(inProgress) || !inProgress.Add(key))
            {
                s_cycles++;
                return ImmutableArray<IMethodSymbol>.Empty;
            }

            var cycles = s_cycles;
            var outer = s_bounds;
            s_bounds = DelegateBound.None;
            try
            {
                var result = new List<IMethodSymbol>();
                collect(inProgress, result);
                var functions = Distinct(result);
                if (s_cycles == cycles || inProgress.Count == 1)
                {
                    Remember(memo, key, depth, new Answer(functions, s_bounds));
                }

                return functions;
            }
            finally
            {
                inProgress.Remove(key);
                s_bounds |= outer;
            }
        }

        private sealed class MemoComparer : IEqualityComparer<(ISymbol Symbol, int Depth)>
        {
            public static readonly MemoComparer Instance = new();

            public bool Equals((ISymbol Symbol, int Depth) x, (ISymbol Symbol, int Depth) y) =>
                x.Depth == y.Depth && SymbolEqualityComparer.Default.Equals(x.Symbol, y.Symbol);

            public int GetHashCode((ISymbol Symbol, int Depth) obj) => SymbolEqualityComparer.Default.GetHashCode(obj.Symbol) * 31 + obj.Depth;
        }

        /// <summary>The functions <paramref name="value"/> can be, in a body whose locals <paramref name="origins"/> describes.</summary>
        public ImmutableArray<IMethodSymbol> FunctionsOf(IOperation? value, ValueOrigins origins) => FunctionsOf(value, origins, out _);

        /// <summary>
        /// The functions <paramref name="value"/> can be, and which bounds cut the answer short
        /// (<see cref="DelegateBound.None"/> when it is everything the compilation shows).
        /// </summary>
        public ImmutableArray<IMethodSymbol> FunctionsOf(IOperation? value, ValueOrigins origins, out DelegateBound bounds) =>
            Answered(value, origins, 0, out bounds);

        /// <summary>
        /// The functions <paramref name="value"/> can be as far as its own body shows (lambdas, method
        /// groups, locals assigned from them), without following members or parameters: cheap enough
        /// for every argument of every call. Not following them is what it is for, not a cut.
        /// </summary>
        public ImmutableArray<IMethodSymbol> LocalFunctionsOf(IOperation? value, ValueOrigins origins) => Answered(value, origins, MaxDepth, out _);

        private ImmutableArray<IMethodSymbol> Answered(IOperation? value, ValueOrigins origins, int depth, out DelegateBound bounds)
        {
            var outer = s_bounds;
            s_bounds = DelegateBound.None;
            try
            {
                var functions = FunctionsOf(value, origins, depth);
                bounds = s_bounds;
                if ((bounds & DelegateBound.Depth) != 0 && depth == 0 && !DepthBoundReached(value, origins))
                {
                    bounds &= ~DelegateBound.Depth;
                }

                return functions;
            }
            finally
            {
                s_bounds = outer;
            }
        }

        /// <summary>The function a lambda, method group or delegate creation denotes, without following any value.</summary>
        public static IMethodSymbol? FunctionOf(IOperation? value)
        {
            while (true)
            {
                switch (value)
                {
                    case IConversionOperation conversion:
                        value = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        value = parenthesized.Operand;
                        continue;
                    case IDelegateCreationOperation creation:
                        value = creation.Target;
                        continue;
                    case IAnonymousFunctionOperation function:
                        return function.Symbol;
                    case IFlowAnonymousFunctionOperation flowFunction:
                        return flowFunction.Symbol;
                    case IMethodReferenceOperation reference:
                        return reference.Method;
                    default:
                        return null;
                }
            }
        }

        private ImmutableArray<IMethodSymbol> FunctionsOf(IOperation? value, ValueOrigins origins, int depth)
        {
            var result = new List<IMethodSymbol>();
            Collect(value, origins, depth, result);
            return Distinct(result);
        }

        private void Collect(IOperation? value, ValueOrigins origins, int depth, List<IMethodSymbol> result)
        {
            for (var steps = 0; value is not null && steps < 16 && result.Count < MaxFunctions; steps++)
            {
                if (FunctionOf(value) is { } function)
                {
                    result.Add(function);
                    return;
                }

                switch (value)
                {
                    case IConversionOperation conversion:
                        value = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        value = parenthesized.Operand;
                        continue;
                    case IDelegateCreationOperation creation:
                        value = creation.Target;
                        continue;
                    case IFlowCaptureReferenceOperation capture:
                        value = origins.CaptureValue(capture.Id);
                        continue;
                    case ILocalReferenceOperation local when IterationOf(local.Local) is { } loop:
                        if (ElementsMemberOf(loop) is { } elements)
                        {
                            CollectElements(elements, depth, result);
                        }

                        return;
                    case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } collection } indexer
                        when IsLibrary(indexer.Property) && MemberOf(collection, origins) is { } indexed:
                        // _handlers[key](x): an element of the member.
                        CollectElements(indexed, depth, result);
                        return;
                    case IArrayElementReferenceOperation { ArrayReference: { } array } when MemberOf(array, origins) is { } indexedArray:
                        CollectElements(indexedArray, depth, result);
                        return;
                    case IInvocationOperation invocation when ElementReadBy(invocation, origins) is { } read:
                        // _handlers.GetValueOrDefault(key, fallback): an element of the member, or the value given with it.
                        CollectElements(read, depth, result);
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.ArgumentKind == ArgumentKind.Explicit && argument.Parameter is { RefKind: RefKind.None } given
                                && !IsReceiverArgument(invocation, argument) && SymbolEqualityComparer.Default.Equals(given.Type, invocation.TargetMethod.ReturnType))
                            {
                                Collect(argument.Value, origins, depth, result);
                            }
                        }

                        return;
                    case IInvocationOperation { TargetMethod: { Name: "Combine" or "Remove" or "RemoveAll", ContainingType.SpecialType: SpecialType.System_Delegate } } combined:
                        // Delegate.Combine(a, b) (also with an array of delegates) runs the functions of all; Delegate.Remove(a, b) those of a at most.
                        foreach (var argument in combined.Arguments)
                        {
                            if (argument.Value is IArrayCreationOperation { Initializer: { } combinedArray })
                            {
                                foreach (var element in combinedArray.ElementValues)
                                {
                                    Collect(element, origins, depth, result);
                                }
                            }
                            else
                            {
                                Collect(argument.Value, origins, depth, result);
                            }

                            if (combined.TargetMethod.Name != "Combine")
                            {
                                break;
                            }
                        }

                        return;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary when binary.Type?.TypeKind == TypeKind.Delegate:
                        // a + b runs the functions of both; a - b those of a at most.
                        if (binary.OperatorKind == BinaryOperatorKind.Add)
                        {
                            Collect(binary.RightOperand, origins, depth, result);
                        }

                        value = binary.LeftOperand;
                        continue;
                    case ILocalReferenceOperation local:
                        value = origins.LocalValue(local.Local);
                        if (value is null)
                        {
                            if (depth < MaxDepth)
                            {
                                AddRange(result, AssignedToLocal(local.Local, depth + 1));
                            }
                            else
                            {
                                AtDepthBound(LocalKind, local.Local);
                            }
                        }

                        continue;
                    case IConditionalAccessInstanceOperation:
                        value = ConditionalAccessed(value);
                        continue;
                    case IConditionalOperation conditional:
                        Collect(conditional.WhenTrue, origins, depth, result);
                        value = conditional.WhenFalse;
                        continue;
                    case ICoalesceOperation coalesce:
                        Collect(coalesce.Value, origins, depth, result);
                        value = coalesce.WhenNull;
                        continue;
                    case IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.EventAdd or MethodKind.PropertySet, AssociatedSymbol: { } member } }
                        when depth < MaxDepth:
                        // The value of an add accessor or a setter: what the compilation subscribes or assigns to the member.
                        AddRange(result, StoredIn(member, depth + 1));
                        return;
                    case IParameterReferenceOperation parameter when depth < MaxDepth && origins.IsUnchanged(parameter.Parameter):
                        AddRange(result, PassedFor(parameter.Parameter, depth + 1));
                        return;
                    case IFieldReferenceOperation field when depth < MaxDepth:
                        AddRange(result, StoredIn(field.Field.AssociatedSymbol is IEventSymbol fieldLikeEvent ? fieldLikeEvent : field.Field, depth + 1));
                        return;
                    case IPropertyReferenceOperation { Arguments.IsEmpty: true } property when depth < MaxDepth:
                        AddRange(result, StoredIn(property.Property, depth + 1));
                        return;
                    case IEventReferenceOperation @event when depth < MaxDepth:
                        AddRange(result, StoredIn(@event.Event, depth + 1));
                        return;
                    case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction, IsVirtual: false, IsAbstract: false, IsOverride: false } method }
                        when depth < MaxDepth && method.ReturnType.TypeKind == TypeKind.Delegate:
                        AddRange(result, ReturnedBy(method, depth + 1));
                        return;
                    default:
                        if (depth >= MaxDepth && FollowedFurther(value, origins) is var (kind, key))
                        {
                            AtDepthBound(kind, key);
                        }

                        return;
                }
            }

            if (value is not null && result.Count >= MaxFunctions && !(FunctionOf(value) is { } known && Found(result, known)))
            {
                Cut(DelegateBound.Functions);
            }
        }

        /// <summary>
        /// The question <see cref="Collect"/> asks next about a value when the depth allows it (its kind and key): at
        /// the bound, what it stands for is not followed. Null when the value is followed no further anyway.
        /// </summary>
        private (object Kind, ISymbol Key)? FollowedFurther(IOperation value, ValueOrigins origins) => value switch
        {
            IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.EventAdd or MethodKind.PropertySet, AssociatedSymbol: { } accessed } } =>
                (_stored, accessed.OriginalDefinition),
            IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol, IsParams: false } parameter } when origins.IsUnchanged(parameter) =>
                (_passed, parameter.OriginalDefinition),
            IFieldReferenceOperation field => (_stored, field.Field.AssociatedSymbol is IEventSymbol fieldLikeEvent ? fieldLikeEvent.OriginalDefinition : field.Field.OriginalDefinition),
            IPropertyReferenceOperation { Arguments.IsEmpty: true } property => (_stored, property.Property.OriginalDefinition),
            IEventReferenceOperation @event => (_stored, @event.Event.OriginalDefinition),
            IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction, IsVirtual: false, IsAbstract: false, IsOverride: false } method }
                when method.ReturnType.TypeKind == TypeKind.Delegate => (_returned, method.OriginalDefinition),
            _ => ((object Kind, ISymbol Key)?)null,
        };

        private static IOperation? ConditionalAccessed(IOperation instance)
        {
            for (var parent = instance.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access)
                {
                    return access.Operation;
                }
            }

            return null;
        }

        /// <summary>What the compilation stores in a field, property, event or object-typed slot: assignments, <c>+=</c> subscriptions, initializers.</summary>
        private ImmutableArray<IMethodSymbol> StoredIn(ISymbol storage, int depth)
        {
            storage = storage.OriginalDefinition;
            return Memoized(_stored, storage, depth, (inProgress, result) =>
            {
                var family = Family(storage);
                foreach (var name in NamesOf(family))
                {
                    foreach (var (node, value) in _index.Value.AssignmentsTo(name))
                    {
                        var full = result.Count >= MaxFunctions;
                        if (!full && !Spend(inProgress))
                        {
                            break;
                        }

                        // _handler -= h takes functions away at most: only what is otherwise assigned is followed.
                        if (node.Parent.IsKind(SyntaxKind.SubtractAssignmentExpression))
                        {
                            continue;
                        }

                        var model = _models(node.SyntaxTree);
                        if (model.GetSymbolInfo(node).Symbol?.OriginalDefinition is not { } assigned || !family.Contains(assigned))
                        {
                            continue;
                        }

                        var operation = model.GetOperation(value);
                        if (full)
                        {
                            // Found enough: this assignment is not followed.
                            if (CutsShort(operation, result))
                            {
                                break;
                            }

                            continue;
                        }

                        if (FunctionOf(operation) is { } function)
                        {
                            result.Add(function);
                        }
                        else
                        {
                            Collect(operation, OriginsAround(value, model), depth, result);
                        }
                    }

                    foreach (var declarator in _index.Value.InitializersOf(name))
                    {
                        var model = _models(declarator.SyntaxTree);
                        if (model.GetDeclaredSymbol(declarator) is { } declared && family.Contains(declared.OriginalDefinition))
                        {
                            var initializer = declarator switch
                            {
                                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                                PropertyDeclarationSyntax property => property.Initializer?.Value,
                                _ => null,
                            };
                            if (initializer is not null)
                            {
                                Collect(model.GetOperation(initializer), ValueOrigins.None, depth, result);
                            }
                        }
                    }
                }
            });
        }

        /// <summary>
        /// A member with the interface members it implements and the members it overrides: a handler
        /// subscribed through <c>IEvents.Changed</c> is raised by the class's own <c>Changed</c>.
        /// </summary>
        private static HashSet<ISymbol> Family(ISymbol storage)
        {
            var family = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { storage };
            if (storage is not (IEventSymbol or IPropertySymbol) || storage.ContainingType is not { } type)
            {
                return family;
            }

            for (var overridden = Overridden(storage); overridden is not null; overridden = Overridden(overridden))
            {
                family.Add(overridden.OriginalDefinition);
            }

            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(storage.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, storage))
                    {
                        family.Add(member.OriginalDefinition);
                    }
                }
            }

            return family;
        }

        private static ISymbol? Overridden(ISymbol member) => member switch
        {
            IEventSymbol e => e.OverriddenEvent,
            IPropertySymbol p => p.OverriddenProperty,
            _ => null,
        };

        private static IEnumerable<string> NamesOf(HashSet<ISymbol> family)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in family)
            {
                names.Add(member.Name);
            }

            return names;
        }

        /// <summary>What a non-virtual method of the compilation returns: <c>var next = NextStep(); next();</c>.</summary>
        private ImmutableArray<IMethodSymbol> ReturnedBy(IMethodSymbol method, int depth)
        {
            var key = method.OriginalDefinition;
            return Memoized(_returned, key, depth, (_, result) =>
            {
                foreach (var reference in key.DeclaringSyntaxReferences)
                {
                    if (!_compilation.ContainsSyntaxTree(reference.SyntaxTree))
                    {
                        continue;
                    }

                    var declaration = reference.GetSyntax();
                    var model = _models(declaration.SyntaxTree);
                    var origins = OriginsAround(declaration, model);
                    var returned = declaration switch
                    {
                        MethodDeclarationSyntax { ExpressionBody: { } arrow } => new List<ExpressionSyntax> { arrow.Expression },
                        LocalFunctionStatementSyntax { ExpressionBody: { } arrow } => new List<ExpressionSyntax> { arrow.Expression },
                        _ => ReturnedExpressions(declaration),
                    };
                    foreach (var expression in returned)
                    {
                        Collect(model.GetOperation(expression), origins, depth, result);
                    }
                }
            });
        }

        /// <summary>The expressions of a body's own <c>return</c> statements (not those of lambdas or local functions inside it).</summary>
        private static List<ExpressionSyntax> ReturnedExpressions(SyntaxNode declaration)
        {
            var result = new List<ExpressionSyntax>();
            foreach (var node in declaration.DescendantNodes(n => n == declaration || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is ReturnStatementSyntax { Expression: { } expression })
                {
                    result.Add(expression);
                }
            }

            return result;
        }

        /// <summary>The <c>foreach</c> that declares <paramref name="local"/> as its iteration variable, or null.</summary>
        private ForEachStatementSyntax? IterationOf(ILocalSymbol local)
        {
            if (local.DeclaringSyntaxReferences.Length != 1 || local.Type.TypeKind != TypeKind.Delegate)
            {
                return null;
            }

            var reference = local.DeclaringSyntaxReferences[0];
            return _compilation.ContainsSyntaxTree(reference.SyntaxTree) ? reference.GetSyntax() as ForEachStatementSyntax : null;
        }

        /// <summary>
        /// The field or property whose elements a <c>foreach</c> meets, seen through a copy (<c>ToArray()</c>,
        /// <c>ToList()</c>) or a dictionary's <c>Values</c>: the functions it can meet are what the compilation
        /// adds to that member (<see cref="ElementsStoredIn"/>). Null when it is no such member.
        /// </summary>
        private ISymbol? ElementsMemberOf(ForEachStatementSyntax loop)
        {
            var model = _models(loop.SyntaxTree);
            var collection = model.GetOperation(loop.Expression);
            for (var steps = 0; collection is not null && steps < 8; steps++)
            {
                switch (collection)
                {
                    case IConversionOperation conversion:
                        collection = conversion.Operand;
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" or "AsEnumerable" or "ToImmutableArray" } copy:
                        collection = copy.Instance ?? (copy.Arguments.IsEmpty ? null : copy.Arguments[0].Value);
                        continue;
                    case IPropertyReferenceOperation { Property.Name: "Values", Instance: { } dictionary }:
                        collection = dictionary;
                        continue;
                    case IFieldReferenceOperation field:
                        return field.Field;
                    case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                        return property.Property;
                }

                break;
            }

            return null;
        }

        private static readonly string[] AddMethods = { "Add", "Enqueue", "Push", "Insert", "AddLast", "AddFirst", "TryAdd", "GetOrAdd", "AddOrUpdate" };

        /// <summary>
        /// What the compilation stores in a collection held in a field or property: the arguments given for its element
        /// (<see cref="ElementTypeOf"/>) to <see cref="AddMethods"/> called on it, and what is assigned to one of its
        /// elements (<c>_handlers[key] = handler</c>, also in an array). A value factory (<c>GetOrAdd(key, k => …)</c>)
        /// is not an element: it returns one, and what it returns is not followed.
        /// </summary>
        private ImmutableArray<IMethodSymbol> ElementsStoredIn(ISymbol member, int depth)
        {
            var key = member.OriginalDefinition;
            return Memoized(_elements, key, depth, (inProgress, result) =>
            {
                var element = ElementTypeOf(key);
                foreach (var name in AddMethods)
                {
                    foreach (var node in _index.Value.CallsTo(name, constructor: false))
                    {
                        var full = result.Count >= MaxFunctions;
                        if (node is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } || NameOf(access.Expression) != member.Name)
                        {
                            continue;
                        }

                        if (!full && !Spend(inProgress))
                        {
                            break;
                        }

                        var model = _models(node.SyntaxTree);
                        if (model.GetOperation(node) is not IInvocationOperation { Instance: { } instance } invocation
                            || !SymbolEqualityComparer.Default.Equals(MemberOf(instance)?.OriginalDefinition, key))
                        {
                            continue;
                        }

                        foreach (var argument in invocation.Arguments)
                        {
                            if (!IsElement(argument, element))
                            {
                                continue;
                            }

                            if (full)
                            {
                                // Found enough: this element is not followed.
                                if (CutsShort(argument.Value, result))
                                {
                                    return;
                                }

                                continue;
                            }

                            Collect(argument.Value, OriginsAround(node, model), depth, result);
                        }
                    }
                }

                foreach (var (target, value) in _index.Value.ElementAssignmentsTo(member.Name))
                {
                    var full = result.Count >= MaxFunctions;
                    if (!full && !Spend(inProgress))
                    {
                        break;
                    }

                    var model = _models(target.SyntaxTree);
                    var collection = model.GetOperation(target) switch
                    {
                        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } => indexed,
                        IArrayElementReferenceOperation { ArrayReference: var array } => array,
                        _ => null,
                    };
                    if (collection is null || !SymbolEqualityComparer.Default.Equals(MemberOf(collection)?.OriginalDefinition, key)
                        || target.Parent.IsKind(SyntaxKind.SubtractAssignmentExpression))
                    {
                        continue;
                    }

                    var operation = model.GetOperation(value);
                    if (full)
                    {
                        // Found enough: this element is not followed.
                        if (CutsShort(operation, result))
                        {
                            return;
                        }

                        continue;
                    }

                    Collect(operation, OriginsAround(value, model), depth, result);
                }

                // What the member is created with: new List<Action> { A, B }, new() { ["k"] = A }, Action[] steps = { A, B }.
                foreach (var (node, value) in _index.Value.AssignmentsTo(member.Name))
                {
                    if (!node.Parent.IsKind(SyntaxKind.SimpleAssignmentExpression) || !IsFilledCreation(value))
                    {
                        continue;
                    }

                    if (result.Count < MaxFunctions && !Spend(inProgress))
                    {
                        break;
                    }

                    var model = _models(node.SyntaxTree);
                    if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(node).Symbol?.OriginalDefinition, key)
                        && !CollectCreated(model.GetOperation(value), element, OriginsAround(value, model), depth, result))
                    {
                        return;
                    }
                }

                foreach (var declarator in _index.Value.InitializersOf(member.Name))
                {
                    var initializer = declarator switch
                    {
                        VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                        PropertyDeclarationSyntax property => property.Initializer?.Value,
                        _ => null,
                    };
                    if (initializer is null || !IsFilledCreation(initializer))
                    {
                        continue;
                    }

                    if (result.Count < MaxFunctions && !Spend(inProgress))
                    {
                        break;
                    }

                    var model = _models(declarator.SyntaxTree);
                    if (SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator)?.OriginalDefinition, key)
                        && !CollectCreated(model.GetOperation(initializer), element, ValueOrigins.None, depth, result))
                    {
                        return;
                    }
                }
            });
        }

        /// <summary>A creation with elements in it: <c>new List&lt;Action&gt; { A }</c>, <c>new() { ["k"] = A }</c>, <c>new[] { A }</c>, <c>{ A }</c>.</summary>
        private static bool IsFilledCreation(ExpressionSyntax value) => value is BaseObjectCreationExpressionSyntax { Initializer: not null }
            or ArrayCreationExpressionSyntax { Initializer: not null } or ImplicitArrayCreationExpressionSyntax or InitializerExpressionSyntax;

        /// <summary>
        /// Collects the elements a collection or array is created with (<see cref="IsFilledCreation"/>): the element arguments
        /// of its collection initializer's <c>Add</c> calls, the values assigned to its indexer, an array's values. False
        /// when <see cref="MaxFunctions"/> cut the answer short.
        /// </summary>
        private bool CollectCreated(IOperation? created, ITypeSymbol? element, ValueOrigins origins, int depth, List<IMethodSymbol> result)
        {
            while (created is IConversionOperation conversion)
            {
                created = conversion.Operand;
            }

            var values = new List<IOperation>();
            switch (created)
            {
                case IArrayCreationOperation { Initializer: { } array }:
                    values.AddRange(array.ElementValues);
                    break;
                case IArrayInitializerOperation array:
                    values.AddRange(array.ElementValues);
                    break;
                case IObjectCreationOperation { Initializer: { } initializer }:
                    foreach (var item in initializer.Initializers)
                    {
                        switch (item)
                        {
                            case IInvocationOperation add:
                                foreach (var argument in add.Arguments)
                                {
                                    if (IsElement(argument, element))
                                    {
                                        values.Add(argument.Value);
                                    }
                                }

                                break;
                            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true } } set:
                                values.Add(set.Value);
                                break;
                        }
                    }

                    break;
            }

            foreach (var value in values)
            {
                if (result.Count >= MaxFunctions)
                {
                    // Found enough: this element is not followed.
                    if (CutsShort(value, result))
                    {
                        return false;
                    }

                    continue;
                }

                Collect(value, origins, depth, result);
            }

            return true;
        }

        /// <summary>
        /// The type of the elements of the collection a field or property holds: an array's element type, what its indexer
        /// returns (a dictionary's values), or what it enumerates. Null when it is none of these.
        /// </summary>
        private static ITypeSymbol? ElementTypeOf(ISymbol member)
        {
            var type = member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType;
            }

            for (var declaring = type; declaring is not null; declaring = declaring.BaseType)
            {
                foreach (var candidate in declaring.GetMembers())
                {
                    // The public indexer, not an explicit implementation (List<T>'s IList.this[int] returns object).
                    if (candidate is IPropertySymbol { IsIndexer: true, IsStatic: false, Parameters.Length: 1, ExplicitInterfaceImplementations.IsEmpty: true } indexer)
                    {
                        return indexer.Type;
                    }
                }
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } enumerable)
            {
                return enumerable.TypeArguments[0];
            }

            if (type is not null)
            {
                foreach (var @interface in type.AllInterfaces)
                {
                    if (@interface.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                    {
                        return @interface.TypeArguments[0];
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// Whether an argument of an add-like call is an element: its parameter is of the element type (not a method's own
        /// type argument), or of a delegate type when the element type is not known.
        /// </summary>
        private static bool IsElement(IArgumentOperation argument, ITypeSymbol? element)
        {
            if (argument.Parameter is not { RefKind: RefKind.None or RefKind.In } parameter || argument.ArgumentKind != ArgumentKind.Explicit)
            {
                return false;
            }

            if (element is null)
            {
                return argument.Value.Type?.TypeKind == TypeKind.Delegate || parameter.Type.TypeKind == TypeKind.Delegate;
            }

            return SymbolEqualityComparer.Default.Equals(parameter.Type, element)
                && parameter.OriginalDefinition.Type is not ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method };
        }

        /// <summary>
        /// The elements of a collection member, one step back: at the depth bound, the question
        /// (<see cref="ElementsStoredIn"/>) is not asked but noted, as for any other step.
        /// </summary>
        private void CollectElements(ISymbol member, int depth, List<IMethodSymbol> result)
        {
            if (depth < MaxDepth)
            {
                AddRange(result, ElementsStoredIn(member, depth + 1));
            }
            else
            {
                AtDepthBound(_elements, member.OriginalDefinition);
            }
        }

        /// <summary>A member declared outside the compilation's source: a library collection's, whose body is not read.</summary>
        private bool IsLibrary(ISymbol symbol)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (_compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The library methods that return an element of the collection they are called on.</summary>
        private static readonly HashSet<string> ElementReads = new(StringComparer.Ordinal)
        {
            "GetValueOrDefault", "GetOrAdd", "AddOrUpdate", "Dequeue", "Peek", "Pop", "Take",
            "First", "FirstOrDefault", "Last", "LastOrDefault", "Single", "SingleOrDefault", "ElementAt", "ElementAtOrDefault",
        };

        /// <summary>The library methods that give an element of the collection they are called on through an <c>out</c> argument.</summary>
        private static readonly HashSet<string> ElementOutReads = new(StringComparer.Ordinal)
        {
            "TryGetValue", "TryRemove", "TryDequeue", "TryPeek", "TryPop", "TryTake", "Remove",
        };

        /// <summary>
        /// The field or property whose element a library call returns (<c>_handlers.GetValueOrDefault(key)</c>,
        /// <c>_queue.Dequeue()</c>), or null.
        /// </summary>
        private ISymbol? ElementReadBy(IInvocationOperation invocation, ValueOrigins origins) =>
            ElementReads.Contains(invocation.TargetMethod.Name) && IsLibrary(invocation.TargetMethod) ? CollectionOf(invocation, origins) : null;

        /// <summary>The field or property a library call is made on (the receiver, or an extension method's first argument), or null.</summary>
        private static ISymbol? CollectionOf(IInvocationOperation invocation, ValueOrigins origins)
        {
            var receiver = invocation.Instance
                ?? (invocation.TargetMethod.IsExtensionMethod && !invocation.Arguments.IsEmpty ? invocation.Arguments[0].Value : null);
            return receiver is null ? null : MemberOf(receiver, origins);
        }

        /// <summary>Whether the argument is the receiver of an extension method called in its reduced form.</summary>
        private static bool IsReceiverArgument(IInvocationOperation invocation, IArgumentOperation argument) =>
            invocation.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0;

        /// <summary>A field or property, also through a flow capture of the body whose locals <paramref name="origins"/> describes.</summary>
        private static ISymbol? MemberOf(IOperation operation, ValueOrigins origins)
        {
            for (var steps = 0; steps < 8 && operation is IFlowCaptureReferenceOperation capture; steps++)
            {
                if (origins.CaptureValue(capture.Id) is not { } captured)
                {
                    return null;
                }

                operation = captured;
            }

            return MemberOf(operation);
        }

        private static ISymbol? MemberOf(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation { Arguments.IsEmpty: true } property => property.Property,
                _ => null,
            };
        }

        /// <summary>Every assignment to a local that is assigned more than once (<c>next = a; … next = b;</c>).</summary>
        private ImmutableArray<IMethodSymbol> AssignedToLocal(ILocalSymbol local, int depth)
        {
            if (s_verify is { } verify)
            {
                if (verify.Steps is { } steps)
                {
                    steps.Add(new Step(LocalKind, local, depth, () => AssignedToLocal(local, depth)));
                    return ImmutableArray<IMethodSymbol>.Empty;
                }

                if (!verify.Enter(LocalKind, local, depth))
                {
                    return ImmutableArray<IMethodSymbol>.Empty;
                }
            }

            var result = new List<IMethodSymbol>();
            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax();
                var body = declaration.FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
                if (body is null || !_compilation.ContainsSyntaxTree(body.SyntaxTree))
                {
                    continue;
                }

                var model = _models(body.SyntaxTree);
                var origins = OriginsAround(declaration, model);
                if (declaration is VariableDeclaratorSyntax { Initializer.Value: { } initial })
                {
                    Collect(model.GetOperation(initial), origins, depth, result);
                }

                foreach (var assignment in body.DescendantNodes())
                {
                    if (assignment is AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } simple && name.Identifier.ValueText == local.Name
                        && !simple.IsKind(SyntaxKind.SubtractAssignmentExpression)
                        && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local))
                    {
                        // h -= x takes functions away at most: only the others are followed.
                        Collect(model.GetOperation(simple.Right), origins, depth, result);
                    }
                    else if (assignment is ArgumentSyntax { RefKindKeyword.ValueText: "out" } argument && OutName(argument.Expression) == local.Name
                        && model.GetOperation(argument) is IArgumentOperation { Parent: IInvocationOperation invocation } given
                        && SymbolEqualityComparer.Default.Equals(OutLocal(given.Value), local)
                        && ElementOutReads.Contains(invocation.TargetMethod.Name) && IsLibrary(invocation.TargetMethod)
                        && CollectionOf(invocation, origins) is { } collection)
                    {
                        // _handlers.TryGetValue(key, out var h): an element of the member.
                        CollectElements(collection, depth, result);
                    }
                }
            }

            return Distinct(result);
        }

        /// <summary>The name an <c>out</c> argument writes to: <c>out h</c>, <c>out var h</c>, <c>out Action h</c>.</summary>
        private static string OutName(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax designation } => designation.Identifier.ValueText,
            _ => string.Empty,
        };

        private static ILocalSymbol? OutLocal(IOperation value) => value switch
        {
            ILocalReferenceOperation local => local.Local,
            IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => declared.Local,
            _ => null,
        };

        /// <summary>The functions given for a parameter at every call site of its method in the compilation.</summary>
        private ImmutableArray<IMethodSymbol> PassedFor(IParameterSymbol parameter, int depth)
        {
            var key = parameter.OriginalDefinition;
            if (parameter.ContainingSymbol is not IMethodSymbol method || parameter.IsParams)
            {
                return ImmutableArray<IMethodSymbol>.Empty;
            }

            return Memoized(_passed, key, depth, (inProgress, result) =>
            {
                var definition = method.OriginalDefinition;
                var implemented = Implemented(definition);
                var name = definition.MethodKind == MethodKind.Constructor ? definition.ContainingType.Name : definition.Name;
                foreach (var node in _index.Value.CallsTo(name, definition.MethodKind == MethodKind.Constructor))
                {
                    var full = result.Count >= MaxFunctions;
                    if (!full && !Spend(inProgress))
                    {
                        break;
                    }

                    var model = _models(node.SyntaxTree);
                    var (target, arguments) = model.GetOperation(node) switch
                    {
                        IInvocationOperation i => (i.TargetMethod, i.Arguments),
                        IObjectCreationOperation c => (c.Constructor, c.Arguments),
                        _ => (null, ImmutableArray<IArgumentOperation>.Empty),
                    };
                    if (target is null || !implemented.Contains(target.OriginalDefinition))
                    {
                        continue;
                    }

                    foreach (var argument in arguments)
                    {
                        if (argument.Parameter?.Ordinal == parameter.Ordinal && argument.ArgumentKind == ArgumentKind.Explicit)
                        {
                            if (full)
                            {
                                // Found enough: this call site is not followed.
                                if (CutsShort(argument.Value, result))
                                {
                                    return;
                                }

                                continue;
                            }

                            Collect(argument.Value, OriginsAround(node, model), depth, result);
                        }
                    }
                }
            });
        }

        /// <summary>The method and the members it overrides or implements: a call to any of them may run it.</summary>
        private static HashSet<IMethodSymbol> Implemented(IMethodSymbol method)
        {
            var result = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                result.Add(overridden.OriginalDefinition);
            }

            if (method.ContainingType is { } type)
            {
                foreach (var @interface in type.AllInterfaces)
                {
                    foreach (var member in @interface.GetMembers(method.Name))
                    {
                        if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                        {
                            result.Add((IMethodSymbol)member.OriginalDefinition);
                        }
                    }
                }
            }

            return result;
        }

        /// <summary>
        /// The locals of the body around <paramref name="node"/>, for following a value found there: one per body, read
        /// once however many questions (and depths, and verifications) meet values in it.
        /// </summary>
        private ValueOrigins OriginsAround(SyntaxNode node, SemanticModel model)
        {
            var body = node.FirstAncestorOrSelf<SyntaxNode>(IsBody);
            if (body is null)
            {
                return ValueOrigins.None;
            }

            // Bound only when a local must be followed: most values found are lambdas or method groups.
            return _origins.TryGetValue(body, out var known) ? known : _origins.GetOrAdd(body, new ValueOrigins(() => model.GetOperation(body)));
        }

        private static readonly Func<SyntaxNode, bool> IsBody = n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax
            or AnonymousFunctionExpressionSyntax or PropertyDeclarationSyntax;

        private static bool Found(List<IMethodSymbol> result, IMethodSymbol function)
        {
            var definition = function.OriginalDefinition;
            foreach (var found in result)
            {
                if (SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, definition))
                {
                    return true;
                }
            }

            return false;
        }

        private static void AddRange(List<IMethodSymbol> result, ImmutableArray<IMethodSymbol> functions)
        {
            for (var i = 0; i < functions.Length; i++)
            {
                if (result.Count >= MaxFunctions)
                {
                    // A cut only if what is left over is not found already.
                    for (; i < functions.Length; i++)
                    {
                        if (!Found(result, functions[i]))
                        {
                            Cut(DelegateBound.Functions);
                            return;
                        }
                    }

                    return;
                }

                result.Add(functions[i]);
            }
        }

        private static ImmutableArray<IMethodSymbol> Distinct(List<IMethodSymbol> functions)
        {
            if (functions.Count == 0)
            {
                return ImmutableArray<IMethodSymbol>.Empty;
            }

            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var result = ImmutableArray.CreateBuilder<IMethodSymbol>(functions.Count);
            foreach (var function in functions)
            {
                if (seen.Add(function.OriginalDefinition))
                {
                    result.Add(function);
                }
            }

            return result.ToImmutable();
        }

        /// <summary>
        /// The compilation's assignments, member initializers and calls, by the name they assign or
        /// call, read in one pass over the syntax on first need.
        /// </summary>
        private sealed class SyntaxIndex
        {
            private readonly Dictionary<string, List<(ExpressionSyntax Target, ExpressionSyntax Value)>> _assignments = new(StringComparer.Ordinal);
            private readonly Dictionary<string, List<(ExpressionSyntax Target, ExpressionSyntax Value)>> _elementAssignments = new(StringComparer.Ordinal);
            private readonly Dictionary<string, List<SyntaxNode>> _initializers = new(StringComparer.Ordinal);
            private readonly Dictionary<string, List<SyntaxNode>> _calls = new(StringComparer.Ordinal);
            private readonly List<SyntaxNode> _unnamedCreations = new();

            public SyntaxIndex(Compilation compilation)
            {
                foreach (var tree in compilation.SyntaxTrees)
                {
                    foreach (var node in tree.GetRoot().DescendantNodes())
                    {
                        switch (node)
                        {
                            case AssignmentExpressionSyntax assignment when NameOf(assignment.Left) is { Length: > 0 } assigned:
                                Add(_assignments, assigned, (assignment.Left, assignment.Right));
                                break;
                            case AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax element } assignment when NameOf(element.Expression) is { Length: > 0 } collection:
                                Add(_elementAssignments, collection, (assignment.Left, assignment.Right));
                                break;
                            case VariableDeclaratorSyntax { Initializer: not null, Parent.Parent: FieldDeclarationSyntax or EventFieldDeclarationSyntax } variable:
                                Add(_initializers, variable.Identifier.ValueText, node);
                                break;
                            case PropertyDeclarationSyntax { Initializer: not null } property:
                                Add(_initializers, property.Identifier.ValueText, node);
                                break;
                            case InvocationExpressionSyntax invocation when NameOf(invocation.Expression) is { Length: > 0 } called:
                                Add(_calls, called, node);
                                break;
                            case ObjectCreationExpressionSyntax creation:
                                Add(_calls, TypeName(creation.Type), node);
                                break;
                            case ImplicitObjectCreationExpressionSyntax or ConstructorInitializerSyntax:
                                _unnamedCreations.Add(node);
                                break;
                        }
                    }
                }
            }

            public IEnumerable<(ExpressionSyntax Target, ExpressionSyntax Value)> AssignmentsTo(string name) =>
                _assignments.TryGetValue(name, out var list) ? list : Array.Empty<(ExpressionSyntax, ExpressionSyntax)>();

            /// <summary>The assignments to an element of a collection by the collection's name: <c>_handlers[key] = handler</c>.</summary>
            public IEnumerable<(ExpressionSyntax Target, ExpressionSyntax Value)> ElementAssignmentsTo(string name) =>
                _elementAssignments.TryGetValue(name, out var list) ? list : Array.Empty<(ExpressionSyntax, ExpressionSyntax)>();

            public IEnumerable<SyntaxNode> InitializersOf(string name) =>
                _initializers.TryGetValue(name, out var list) ? list : Array.Empty<SyntaxNode>();

            public IEnumerable<SyntaxNode> CallsTo(string name, bool constructor)
            {
                if (_calls.TryGetValue(name, out var list))
                {
                    foreach (var node in list)
                    {
                        yield return node;
                    }
                }

                if (constructor)
                {
                    foreach (var node in _unnamedCreations)
                    {
                        yield return node;
                    }
                }
            }

            private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
            {
                if (!map.TryGetValue(key, out var list))
                {
                    list = new List<T>();
                    map.Add(key, list);
                }

                list.Add(value);
            }

            private static string TypeName(TypeSyntax type) => type switch
            {
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
                _ => string.Empty,
            };
        }

        private static string NameOf(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            GenericNameSyntax generic => generic.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => string.Empty,
        };
    }
}
