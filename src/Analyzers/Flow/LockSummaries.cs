using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>One step of evidence: a call made, or the operation that took the lock, and where.</summary>
    internal sealed class CallStep
    {
        public CallStep(string name, Location location, bool isUncertain = false)
        {
            Name = name;
            Location = location;
            IsUncertain = isUncertain;
        }

        public string Name { get; }

        public Location Location { get; }

        /// <summary>
        /// A call step resolved through wide dispatch (more than one possible override or implementation)
        /// or through delegate flow with more than one possible function: the callee named may not be
        /// what runs.
        /// </summary>
        public bool IsUncertain { get; }
    }

    /// <summary>A lock a method may take, directly or through calls, with the calls that lead there.</summary>
    internal sealed class SummaryAcquisition
    {
        public SummaryAcquisition(
            string? lockClass, string? owner, string display, LockMode mode, LockPrimitive primitive, CallPath path, bool retaken = false, ParameterGuard? guard = null)
        {
            Retaken = retaken;
            Guard = guard;
            LockClass = lockClass;
            Owner = owner;
            Display = display;
            Mode = mode;
            Primitive = primitive;
            Path = path;
        }

        public string? LockClass { get; }

        /// <summary>Whose lock, in the terms of the summarized method (<c>this</c>, a parameter, <c>static:Type</c>); null when unknown.</summary>
        public string? Owner { get; }

        public string Display { get; }

        public LockMode Mode { get; }

        public LockPrimitive Primitive { get; }

        /// <summary>The calls from the summarized method down to the acquisition; the last step is the acquisition itself.</summary>
        public CallPath Path { get; }

        public string? Key => LockClass is not null && Owner is not null ? Owner + "::" + LockClass : null;

        /// <summary>Taken again by a method that first releases it ([Releases], [TemporarilyReleases]): not a second acquisition by the holder.</summary>
        public bool Retaken { get; }

        /// <summary>Taken only when a <c>bool</c> parameter of the summarized method has a value; null when taken whatever its arguments.</summary>
        public ParameterGuard? Guard { get; }

        public SummaryAcquisition WithRetaken() => new(LockClass, Owner, Display, Mode, Primitive, Path, retaken: true, Guard);

        /// <summary>Reached through a call step that is <see cref="CallStep.IsUncertain"/>.</summary>
        public bool IsUncertain => Path.IsUncertain;

        /// <summary>The callees passed through, outermost first (empty for a direct acquisition).</summary>
        public IEnumerable<string> Through => Path.Through.Select(s => s.Name);
    }

    /// <summary>What one method does by itself: the locks it takes and the calls it makes (flow-insensitive).</summary>
    internal sealed class DirectSummary
    {
        public static readonly DirectSummary Empty = new(ImmutableArray<SummaryAcquisition>.Empty, ImmutableArray<DirectCall>.Empty);

        public DirectSummary(ImmutableArray<SummaryAcquisition> acquisitions, ImmutableArray<DirectCall> calls, bool followsDelegates = false, long[]? reads = null)
        {
            Acquisitions = acquisitions;
            Calls = calls;
            FollowsDelegates = followsDelegates;
            Reads = reads;
            var guards = ImmutableArray<ParameterGuard>.Empty;
            foreach (var acquisition in acquisitions)
            {
                if (acquisition.Guard is { } guard)
                {
                    guards = guards.Add(guard);
                }
            }

            Guards = guards;
        }

        /// <summary>The files (<see cref="TreeRecord.Stamp"/>) besides its own whose bodies its calls' targets were read from (<see cref="CreationTypes"/>; live analysis only).</summary>
        public long[]? Reads { get; }

        /// <summary>The guards of the method's own acquisitions (<see cref="SummaryAcquisition.Guard"/>), in order: walks ask for them at every call.</summary>
        public ImmutableArray<ParameterGuard> Guards { get; }

        /// <summary>Delegate flow resolved some of its calls: what it says depends on every body (<see cref="LiveCache"/>; known in live analysis only).</summary>
        public bool FollowsDelegates { get; }

        public ImmutableArray<SummaryAcquisition> Acquisitions { get; }

        public ImmutableArray<DirectCall> Calls { get; }
    }

    /// <summary>A call site: its possible targets and the paths of what it passes, to translate the callee's owners.</summary>
    internal sealed class DirectCall
    {
        public DirectCall(
            CallTargets dispatch, string? receiver, ImmutableArray<KeyValuePair<string, string?>> arguments,
            ImmutableArray<KeyValuePair<string, string>> boolArguments, Location location, ImmutableArray<ArgumentFact> facts = default)
        {
            Dispatch = dispatch;
            Facts = facts.IsDefault ? ImmutableArray<ArgumentFact>.Empty : facts;
            BoolArguments = boolArguments;
            Receiver = receiver;
            Arguments = arguments;
            Location = location;
        }

        /// <summary>The targets that may take locks, whether they are certain, and which parameter of the caller a call site's context can narrow them by.</summary>
        public CallTargets Dispatch { get; }

        /// <summary>What summaries' walks need of each target in a build, once found (<see cref="LockSummaries"/>); null until a walk meets the call.</summary>
        internal object? WalkTargets { get; set; }

        public ImmutableArray<IMethodSymbol> Targets => Dispatch.Methods;

        /// <summary>Resolved through wide dispatch or delegate flow with more than one candidate (<see cref="CallTargets.IsUncertain"/>).</summary>
        public bool IsUncertain => Dispatch.IsUncertain;

        /// <summary>What the call passes that narrows the calls its targets make on their parameters (<see cref="ICallGraph.FactsOf"/>).</summary>
        public ImmutableArray<ArgumentFact> Facts { get; }

        public string? Receiver { get; }

        /// <summary>Each parameter's name with the path of what is passed for it (a call has few: a list is enough).</summary>
        public ImmutableArray<KeyValuePair<string, string?>> Arguments { get; }

        public Location Location { get; }

        /// <summary>What the call passes for the callee's <c>bool</c> parameters (<see cref="ParameterGuard.BoolArguments"/>).</summary>
        public ImmutableArray<KeyValuePair<string, string>> BoolArguments { get; }

        /// <summary>
        /// The same call where the caller's flow knows the value of a <c>bool</c> parameter it passes on
        /// (<c>if (!held) throw …; Delete(name, held);</c>): that argument is the constant.
        /// </summary>
        public DirectCall WithKnown(ImmutableArray<KnownValue> known)
        {
            if (known.IsEmpty || BoolArguments.IsEmpty)
            {
                return this;
            }

            var arguments = BoolArguments;
            for (var i = 0; i < arguments.Length; i++)
            {
                foreach (var value in known)
                {
                    if (value.Key is IParameterSymbol parameter && arguments[i].Value == "param:" + parameter.Name)
                    {
                        arguments = arguments.SetItem(i, new KeyValuePair<string, string>(arguments[i].Key, value.Value ? "true" : "false"));
                    }
                }
            }

            return arguments == BoolArguments ? this : new DirectCall(Dispatch, Receiver, Arguments, arguments, Location);
        }

        /// <summary>A callee's guard in the caller's terms: <see cref="ParameterGuard.Never"/> when this call rules the acquisition out.</summary>
        public ParameterGuard? MapGuard(ParameterGuard? guard) =>
            guard is null ? null : ReferenceEquals(guard, ParameterGuard.Never) ? guard : guard.AtCall(BoolArguments);

        /// <summary>An owner path of the callee, in the caller's terms; null when it cannot be named there.</summary>
        public string? Translate(string? owner)
        {
            if (owner is null)
            {
                return null;
            }

            if (owner.StartsWith("static:", StringComparison.Ordinal))
            {
                return owner;
            }

            // The first name of the path (this, or a parameter) and the rest, compared in place: owners are translated on every step of every walk.
            var dot = owner.IndexOf('.');
            var headLength = dot < 0 ? owner.Length : dot;
            string? mapped;
            if (IsHead(owner, headLength, "this"))
            {
                mapped = Receiver;
            }
            else
            {
                var index = IndexOfArgument(owner, headLength);
                if (index < 0)
                {
                    return null;
                }

                mapped = Arguments[index].Value;
            }

            return mapped is null ? null : dot < 0 ? mapped : mapped + owner.Substring(dot);
        }

        private static bool IsHead(string owner, int headLength, string name) =>
            name.Length == headLength && string.CompareOrdinal(owner, 0, name, 0, headLength) == 0;

        private int IndexOfArgument(string owner, int headLength)
        {
            for (var i = 0; i < Arguments.Length; i++)
            {
                if (IsHead(owner, headLength, Arguments[i].Key))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>
    /// Method summaries for one compilation: which locks each method may take, directly or through
    /// calls to any depth, with the call path as evidence. Computed on demand and memoized; safe
    /// under concurrent analysis; recursion (mutual included) ends because each summary is a
    /// breadth-first walk over per-method direct summaries, which never depend on each other.
    /// </summary>
    internal sealed class LockSummaries
    {
        /// <summary>A walk that reaches more methods than this stops there: a summary is evidence, not a proof of absence.</summary>
        public const int DefaultMethodsPerSummary = 20_000;

        /// <summary>
        /// What a summary cut off at <see cref="MethodsPerSummary"/> takes beyond: an acquisition of no lock whose display is
        /// this and the bound, which callers carry on like any other (LOCK204).
        /// </summary>
        public const string CutOffDisplay = "(calls past the summary bound) ";

        /// <summary>The acquisition that stands for what a summary cut off at its bound did not follow; its one step names the method whose walk was cut.</summary>
        public static bool IsCutOff(SummaryAcquisition acquisition) =>
            acquisition.LockClass is null && acquisition.Display.StartsWith(CutOffDisplay, StringComparison.Ordinal);

        /// <summary>
        /// What a delegate invocation whose functions were cut short by a <see cref="DelegateFlow"/> bound may run
        /// beyond those found: an acquisition of no lock whose display is this and the bounds (as a number), which
        /// callers carry on like any other (LOCK205). Its last step is the invocation, named by the delegate.
        /// </summary>
        public const string DelegateCutDisplay = "(delegate functions past a bound) ";

        /// <summary>The bounds that cut the functions of the invocation <paramref name="acquisition"/> stands for; null when it is not such a stand-in.</summary>
        public static DelegateBound? DelegateCutOf(SummaryAcquisition acquisition) =>
            acquisition.LockClass is null && acquisition.Display.StartsWith(DelegateCutDisplay, StringComparison.Ordinal)
            && int.TryParse(acquisition.Display.Substring(DelegateCutDisplay.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bounds)
                ? (DelegateBound)bounds
                : null;

        /// <summary>The stand-in for what the delegate invoked at <paramref name="call"/> may run past the bounds that cut its functions short; null when none did.</summary>
        private static (string Key, SummaryAcquisition Acquisition)? DelegateCut(DirectCall call, CallTargets dispatch, CallPath path)
        {
            if (dispatch.Bounds == DelegateBound.None)
            {
                return null;
            }

            var (display, key, _) = DelegateCutTexts(dispatch.Bounds);
            var step = new CallStep(dispatch.InvokedDelegate ?? "the delegate", call.Location);
            return (key, new SummaryAcquisition(null, null, display, LockMode.Exclusive, LockPrimitive.Custom, path.Add(step)));
        }

        /// <summary>
        /// What a virtual or interface call followed into none of its bodies (more than the dispatch bound,
        /// <see cref="CallGraph.DefaultDispatchTargets"/>) may take: an acquisition of no lock whose display is this, the
        /// number of bodies and the bound, which callers carry on like any other (LOCK206). Its last step is the call.
        /// </summary>
        public const string WideCallDisplay = "(bodies past the dispatch bound) ";

        /// <summary>The number of bodies and the bound of the wide call <paramref name="acquisition"/> stands for; null when it is not such a stand-in.</summary>
        public static (int Bodies, int Bound)? WideCallOf(SummaryAcquisition acquisition)
        {
            if (acquisition.LockClass is not null || !acquisition.Display.StartsWith(WideCallDisplay, StringComparison.Ordinal))
            {
                return null;
            }

            var parts = acquisition.Display.Substring(WideCallDisplay.Length).Split('/');
            return parts.Length == 2
                && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bodies)
                && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bound)
                ? (bodies, bound)
                : null;
        }

        /// <summary>
        /// The stand-in for what the wide call at <paramref name="call"/> may take, when more of its bodies than the bound
        /// may take a lock (<see cref="DoesSomething"/>); null when the call is followed.
        /// </summary>
        private (string Key, SummaryAcquisition Acquisition)? WideCallCut(DirectCall call, CallTargets dispatch, CallPath path)
        {
            if (dispatch.Cut is not { } cut)
            {
                return null;
            }

            var bodies = 0;
            foreach (var target in dispatch.Methods)
            {
                if (CallGraph.HasBody(target) && DoesSomething(target))
                {
                    bodies++;
                }
            }

            if (bodies <= cut.Bound)
            {
                return null;
            }

            var display = WideCallDisplay + bodies.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + cut.Bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ("||" + display, new SummaryAcquisition(null, null, display, LockMode.Exclusive, LockPrimitive.Custom, path.Add(new CallStep(cut.Member, call.Location))));
        }

        /// <summary>The display of <see cref="DelegateCut"/>'s stand-in for <paramref name="bounds"/>, its key in <see cref="MayAcquireAt"/> and its key in <see cref="Walk"/>, made once.</summary>
        private static (string Display, string Key, string WalkKey) DelegateCutTexts(DelegateBound bounds)
        {
            var index = (int)bounds;
            if (index < DelegateCutTextsByBounds.Length && DelegateCutTextsByBounds[index] is { } known)
            {
                return known;
            }

            var display = DelegateCutDisplay + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var texts = (display, "||" + display, "||" + display + "|");
            if (index < DelegateCutTextsByBounds.Length)
            {
                DelegateCutTextsByBounds[index] = texts;
            }

            return texts;
        }

        private static readonly (string Display, string Key, string WalkKey)?[] DelegateCutTextsByBounds = new (string, string, string)?[8];

        /// <summary>How deep summaries may wait on the summaries of their callees before walking them in place (bounds the stack).</summary>
        private const int MaxNestedSummaries = 48;

        [ThreadStatic]
        private static HashSet<IMethodSymbol>? s_inProgress;

        /// <summary>The work list of <see cref="Scan"/>, reused by each thread (a scan never nests).</summary>
        [ThreadStatic]
        private static Stack<IOperation>? s_scanStack;

        private static readonly ImmutableHashSet<string> PrimitiveNames = ImmutableHashSet.Create(
            "Enter", "TryEnter", "EnterScope", "Wait", "WaitAsync", "WaitOne",
            "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock",
            "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock");

        private readonly LockContractModel _model;
        private readonly ConcurrentDictionary<IMethodSymbol, DirectSummary> _direct = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<SummaryAcquisition>> _closures = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _semanticModels = new();
        private readonly ConcurrentDictionary<(IMethodSymbol Method, string Context), ImmutableArray<SummaryAcquisition>> _contextual = new(MethodContextComparer.Instance);
        private readonly CallGraph _calls;
        private readonly Lazy<ImmutableHashSet<string>> _contractMemberNames;
        private readonly CallComponents<IMethodSymbol>? _components;
        private readonly CallComponents<MethodRef>? _liveComponents;
        private readonly LiveCache? _live;
        private readonly Func<IMethodSymbol, DirectSummary> _computeDirect;
        private readonly ConcurrentDictionary<IMethodSymbol, string> _displayNames = new(SymbolEqualityComparer.Default);

        /// <param name="methodsPerSummary">How many methods one summary's walk may reach (<see cref="DefaultMethodsPerSummary"/>); zero or less: no bound.</param>
        /// <param name="live">Results kept across the compilations of an editor (null in a build).</param>
        /// <param name="dispatchTargets">How many bodies a virtual or interface call may run and still be followed (<see cref="CallGraph.DefaultDispatchTargets"/>).</param>
        public LockSummaries(LockContractModel model, int methodsPerSummary = DefaultMethodsPerSummary, LiveCache? live = null, int dispatchTargets = CallGraph.DefaultDispatchTargets)
        {
            _model = model;
            _live = live;
            _computeDirect = ComputeDirectFromOwnBinding;
            MethodsPerSummary = methodsPerSummary > 0 ? methodsPerSummary : int.MaxValue;
            _calls = new CallGraph(model, SemanticModelFor, live, dispatchTargets);
            if (live is null)
            {
                _components = new CallComponents<IMethodSymbol>(m => Callees(m).Select(c => c.OriginalDefinition), SymbolEqualityComparer.Default, CallComponents<IMethodSymbol>.NameOf);
            }
            else
            {
                live.Attach(this);
                _liveComponents = new CallComponents<MethodRef>(r => live.CalleesOf(r), EqualityComparer<MethodRef>.Default, r => r.ToString());
            }

            _contractMemberNames = new Lazy<ImmutableHashSet<string>>(
                () => live is null ? BuildContractMemberNames() : live.PerOutline("contract member names", BuildContractMemberNames),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>Results kept across an editor's compilations; null in a build.</summary>
        public LiveCache? Live => _live;

        public LockContractModel Model => _model;

        /// <summary>Which bodies a call or invocation can run.</summary>
        public ICallGraph Calls => _calls;

        /// <summary>A walk that reaches more methods than this stops there, and its summary says so (<see cref="IsCutOff"/>).</summary>
        public int MethodsPerSummary { get; }

        /// <summary>Every lock the method may take, directly or through calls, each class and owner once with its shortest path.</summary>
        public ImmutableArray<SummaryAcquisition> MayAcquire(IMethodSymbol method)
        {
            var definition = method.OriginalDefinition;
            if (_closures.TryGetValue(definition, out var done))
            {
                _live?.NoteSummary(definition, string.Empty, done);
                return done;
            }

            // A walk splices the finished summaries of the methods it calls outside its own call cycle, computing
            // them on demand, so that it splices exactly the same summaries whoever asked first and on whichever
            // thread. Past half the nesting bound the rest is computed callees first (depth-first post-order,
            // without recursion), so the bound is never what decides.
            if ((s_inProgress?.Count ?? 0) >= MaxNestedSummaries / 2)
            {
                foreach (var callee in CalleesFirst(definition))
                {
                    _closures.GetOrAdd(callee, m => Closure(m, string.Empty, ImmutableArray<ArgumentFact>.Empty));
                }
            }

            var closure = _closures.GetOrAdd(definition, m => Closure(m, string.Empty, ImmutableArray<ArgumentFact>.Empty));
            _live?.NoteSummary(definition, string.Empty, closure);
            return closure;
        }

        /// <summary>A summary walked now, or in an editor kept from an earlier compilation when it still holds (<see cref="LiveCache"/>).</summary>
        private ImmutableArray<SummaryAcquisition> Closure(IMethodSymbol method, string context, ImmutableArray<ArgumentFact> facts)
        {
            if (_live is null)
            {
                return Walk(method, facts);
            }

            if (_live.Reuse(method, context) is { } kept)
            {
                return kept;
            }

            _live.Counters.Count(ref _live.Counters.SummariesWalked);
            var recorder = new Recorder();
            var walked = Recorder.With(recorder, () => Walk(method, facts));
            _live.Keep(method, context, walked, recorder);
            return walked;
        }

        /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> call each other, directly or through other methods.</summary>
        private bool SameComponent(IMethodSymbol a, IMethodSymbol b)
        {
            if (_components is not null)
            {
                return _components.Same(a.OriginalDefinition, b.OriginalDefinition);
            }

            return _live!.RefOf(a.OriginalDefinition) is { } left && _live.RefOf(b.OriginalDefinition) is { } right
                ? _liveComponents!.Same(left, right)
                : SymbolEqualityComparer.Default.Equals(a.OriginalDefinition, b.OriginalDefinition);
        }

        /// <summary><see cref="SameComponent(IMethodSymbol, IMethodSymbol)"/> for a walk's root, whose component is found once per walk.</summary>
        private bool SameComponent(IMethodSymbol root, IMethodSymbol method, ref string? rootComponent)
        {
            if (_components is null)
            {
                return SameComponent(root, method);
            }

            var a = root.OriginalDefinition;
            var b = method.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(a, b))
            {
                return true;
            }

            rootComponent ??= _components.ComponentOf(a);
            return string.Equals(rootComponent, _components.ComponentOf(b), StringComparison.Ordinal);
        }

        /// <summary>The guards of the method's own acquisitions (<see cref="SummaryAcquisition.Guard"/>).</summary>
        internal ImmutableArray<ParameterGuard> OwnGuards(IMethodSymbol method) => Direct(method).Guards;

        /// <summary>The methods a method calls that have a body or a lambda in source (the ones a call cycle can go through).</summary>
        internal IEnumerable<IMethodSymbol> CalleesWithSource(IMethodSymbol method) =>
            Callees(method).Select(m => m.OriginalDefinition).Where(m => !m.DeclaringSyntaxReferences.IsEmpty);

        /// <summary>The methods reachable from <paramref name="root"/> whose summaries are not finished, each after those it calls (root last).</summary>
        private List<IMethodSymbol> CalleesFirst(IMethodSymbol root)
        {
            var order = new List<IMethodSymbol>();
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { root };
            var work = new Stack<(IMethodSymbol Method, IEnumerator<IMethodSymbol> Callees)>();
            work.Push((root, Callees(root).GetEnumerator()));
            while (work.Count > 0)
            {
                var (method, callees) = work.Peek();
                if (callees.MoveNext())
                {
                    var callee = callees.Current.OriginalDefinition;
                    if (!_closures.ContainsKey(callee) && seen.Add(callee))
                    {
                        work.Push((callee, Callees(callee).GetEnumerator()));
                    }

                    continue;
                }

                callees.Dispose();
                work.Pop();
                order.Add(method);
            }

            return order;
        }

        private IEnumerable<IMethodSymbol> Callees(IMethodSymbol method)
        {
            foreach (var call in Direct(method).Calls)
            {
                foreach (var target in call.Targets)
                {
                    yield return target;
                }
            }
        }

        /// <summary>A call site described for summaries: its targets that may take locks, and how to name the callee's owners here. Null when no target may.</summary>
        public DirectCall? DescribeSite(IOperation call, LockEffectResolver resolver)
        {
            // Most calls go to library methods with nothing to summarize: decide that without allocating.
            if (!MayHaveTargets(call))
            {
                return null;
            }

            var targets = _calls.TargetsOf(call, resolver);
            if (!targets.Methods.All(HasSomethingToSummarize))
            {
                targets = targets.With(targets.Methods.Where(HasSomethingToSummarize).ToImmutableArray());
            }

            // A delegate parameter invoked with no known function still takes what its callers pass; one whose
            // functions were cut short by a bound may run more than were found (LOCK205).
            return targets.Methods.IsEmpty && targets.DelegateParameter is null && targets.Bounds == DelegateBound.None ? null : DescribeCall(call, targets, resolver);
        }

        private bool MayHaveTargets(IOperation call)
        {
            var method = CallGraph.CalledMethod(call);
            if (method is null)
            {
                return false;
            }

            if (method.MethodKind == MethodKind.DelegateInvoke || HasSomethingToSummarize(method))
            {
                return true;
            }

            if (_calls.HasImplementations(method))
            {
                return true;
            }

            return call is IInvocationOperation { Arguments.IsEmpty: false } && CallGraph.RunsDelegatesInPlace(method);
        }

        /// <summary>What a call may take, in the caller's terms: the union over its possible targets.</summary>
        public ImmutableArray<SummaryAcquisition> MayAcquireAt(DirectCall site)
        {
            var result = ImmutableArray.CreateBuilder<SummaryAcquisition>();
            var seen = new Dictionary<string, int>();
            var wide = WideCallCut(site, site.Dispatch, CallPath.Empty);
            foreach (var target in wide is null ? site.Targets : ImmutableArray<IMethodSymbol>.Empty)
            {
                var sameScope = SharesScope(target);
                var context = sameScope || site.Facts.IsEmpty ? string.Empty : CallGraph.ContextKey(Direct(target), site.Facts);
                ImmutableArray<SummaryAcquisition> closure;
                if (context.Length == 0)
                {
                    closure = MayAcquire(target);
                }
                else
                {
                    closure = _contextual.GetOrAdd((target.OriginalDefinition, context), _ => Closure(target.OriginalDefinition, context, site.Facts));
                    _live?.NoteSummary(target, context, closure);
                }
                foreach (var acquisition in closure)
                {
                    var guard = sameScope ? acquisition.Guard : site.MapGuard(acquisition.Guard);
                    if (ReferenceEquals(guard, ParameterGuard.Never))
                    {
                        continue;
                    }

                    var owner = sameScope ? acquisition.Owner : site.Translate(acquisition.Owner);
                    var translated = new SummaryAcquisition(
                        acquisition.LockClass, owner, TranslateDisplay(acquisition, owner), acquisition.Mode, acquisition.Primitive,
                        acquisition.Path.Insert(0, new CallStep(DisplayName(target), site.Location, site.IsUncertain)), acquisition.Retaken, guard);
                    Keep(result, seen, acquisition.LockClass + "|" + owner + "|" + acquisition.Display, translated);
                }
            }

            if (DelegateCut(site, site.Dispatch, CallPath.Empty) is var (cutKey, cut))
            {
                Keep(result, seen, cutKey, cut);
            }

            if (wide is var (wideKey, wideCut))
            {
                Keep(result, seen, wideKey, wideCut);
            }

            // Rules report once per call: the evidence they see first is the preferred one, not the first found.
            result.Sort(CompareAcquisitions);
            return result.ToImmutable();
        }

        /// <summary>Certain evidence first, then by evidence (<see cref="CallPath.Compare"/>), then by class, whose lock and display: a total order.</summary>
        private static int CompareAcquisitions(SummaryAcquisition a, SummaryAcquisition b)
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

            var byClass = string.CompareOrdinal(a.LockClass, b.LockClass);
            if (byClass != 0)
            {
                return byClass;
            }

            var byOwner = string.CompareOrdinal(a.Owner, b.Owner);
            return byOwner != 0 ? byOwner : string.CompareOrdinal(a.Display, b.Display);
        }

        /// <summary>True when the declaration's syntax could take or require a lock; a cheap filter before binding it.</summary>
        public bool MayTouchLocks(SyntaxNode declaration)
        {
            if (declaration is MemberDeclarationSyntax { AttributeLists.Count: > 0 })
            {
                return true;
            }

            var names = _contractMemberNames.Value;
            foreach (var token in declaration.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.LockKeyword))
                {
                    return true;
                }

                if (token.IsKind(SyntaxKind.IdentifierToken) && (PrimitiveNames.Contains(token.ValueText) || names.Contains(token.ValueText)))
                {
                    return true;
                }
            }

            return false;
        }

#pragma warning disable RS1030 // Summaries of callees in other documents need their bodies; the model is created once per tree and cached.
        public SemanticModel SemanticModelFor(SyntaxTree tree) =>
            _semanticModels.TryGetValue(tree, out var known) ? known : _semanticModels.GetOrAdd(tree, t => _model.Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

        /// <summary>
        /// Breadth-first over the calls from <paramref name="root"/>. A callee whose summary is
        /// finished (or can be finished first, when it is not already on this thread's stack of
        /// summaries in progress) is spliced in whole instead of walked again, so each method's
        /// calls are expanded once per compilation rather than once per caller; a callee on the
        /// stack (recursion) is expanded in place, which keeps every summary complete.
        /// </summary>
        /// <param name="rootFacts">What the call site that reached <paramref name="root"/> passes (empty for its summary on its own).</param>
        private ImmutableArray<SummaryAcquisition> Walk(IMethodSymbol root, ImmutableArray<ArgumentFact> rootFacts)
        {
            var inProgress = s_inProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var added = inProgress.Add(root);

            // A callee is walked once per way its guards resolve from here (usually one), and once
            // per call-site context that changes what its own calls run (usually none).
            // Each visit remembers whether its path is uncertain: a certain path to the same callee walks it once more.
            var (visited, queue) = RentWalkState();
            try
            {
                // The root's own acquisitions come first, so its [Releases]/[TemporarilyReleases]
                // marks (Retaken) win over the same lock reached again through its callees.
                var result = ImmutableArray.CreateBuilder<SummaryAcquisition>();
                var seen = new Dictionary<string, int>();

                visited[(root, string.Empty)] = false;
                string? rootComponent = null;
                queue.Enqueue((root, CallScope.Root, CallPath.Empty, rootFacts, null));
                while (queue.Count > 0 && visited.Count < MethodsPerSummary)
                {
                    // In a build the callee's direct summary was looked up when it was queued.
                    var (method, scope, path, facts, direct) = queue.Dequeue();
                    var inContext = !facts.IsEmpty && CallGraph.ContextKey(direct ??= Direct(method), facts).Length > 0;

                    // Methods that call back into the root are walked in place; the others' summaries are spliced in (their bodies are not read).
                    var finished = ReferenceEquals(method, root) || inContext || SameComponent(root, method, ref rootComponent) ? null : FinishedSummary(method);
                    var acquisitions = finished ?? (direct ??= Direct(method)).Acquisitions;
                    foreach (var acquisition in acquisitions)
                    {
                        var guard = scope.MapGuard(acquisition.Guard);
                        if (ReferenceEquals(guard, ParameterGuard.Never))
                        {
                            continue;
                        }

                        var owner = scope.Translate(acquisition.Owner);
                        var key = acquisition.LockClass + "|" + owner + "|" + (acquisition.LockClass is null ? acquisition.Display : string.Empty) + "|" + guard;
                        if (seen.TryGetValue(key, out var index) && !MayBePreferred(path, acquisition.Path, result[index]))
                        {
                            continue;
                        }

                        Keep(result, seen, key, new SummaryAcquisition(
                            acquisition.LockClass, owner, owner is null ? acquisition.Display : TranslateDisplay(acquisition, owner),
                            acquisition.Mode, acquisition.Primitive, path.AddRange(acquisition.Path), acquisition.Retaken, guard));
                    }

                    if (finished is not null)
                    {
                        continue;
                    }

                    foreach (var call in (direct ??= Direct(method)).Calls)
                    {
                        var dispatch = inContext ? _calls.InContext(call, facts) : call.Dispatch;
                        if (dispatch.Bounds != DelegateBound.None
                            && (!seen.TryGetValue(DelegateCutTexts(dispatch.Bounds).WalkKey, out var cutIndex) || MayBePreferred(path, CallPath.Empty, result[cutIndex], 1))
                            && DelegateCut(call, dispatch, path) is var (_, cut))
                        {
                            Keep(result, seen, DelegateCutTexts(dispatch.Bounds).WalkKey, cut);
                        }

                        var wide = WideCallCut(call, dispatch, path);
                        if (wide is var (wideKey, wideCut))
                        {
                            Keep(result, seen, wideKey + "|", wideCut);
                            continue;
                        }

                        // In a build, what walks need of a call's own targets is found once per call site.
                        var known = _live is null && !inContext ? WalkTargets(call) : null;
                        for (var t = 0; t < dispatch.Methods.Length; t++)
                        {
                            var target = dispatch.Methods[t];
                            var info = known?[t];

                            // Lambdas and local functions see the caller's names; any other callee's are named through this call.
                            var through = info?.SharesScope ?? SharesScope(target) ? null : call;
                            var targetFacts = through is null ? facts : call.Facts;
                            var targetDirect = info is not null ? info.Direct : _live is null ? Direct(target) : null;
                            var guards = targetDirect?.Guards ?? _live!.GuardsOf(target);
                            var context = targetFacts.IsEmpty ? string.Empty : CallGraph.ContextKey(targetDirect ??= Direct(target), targetFacts);
                            var visit = (info?.Definition ?? target.OriginalDefinition, GuardContext(guards, scope, through) + context);
                            var uncertain = dispatch.IsUncertain || path.IsUncertain;
                            if (!visited.TryGetValue(visit, out var wasUncertain) || wasUncertain && !uncertain)
                            {
                                visited[visit] = uncertain;
                                queue.Enqueue((target, through is null ? scope : scope.Through(through), path.Add(new CallStep(info?.Name ?? DisplayName(target), call.Location, dispatch.IsUncertain)), targetFacts,
                                    _live is null ? targetDirect : null));
                            }
                        }
                    }
                }

                if (queue.Count > 0)
                {
                    // Cut off: what the methods left would take is not known. Say so rather than drop it.
                    var step = new CallStep(LockEffectResolver.DisplayName(root), root.Locations.IsEmpty ? Location.None : root.Locations[0]);
                    var display = CutOffDisplay + MethodsPerSummary.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Keep(result, seen, "||" + display + "|", new SummaryAcquisition(null, null, display, LockMode.Exclusive, LockPrimitive.Custom, CallPath.Of(step)));
                }

                return result.ToImmutable();
            }
            finally
            {
                ReturnWalkState();
                if (added)
                {
                    inProgress.Remove(root);
                }
            }
        }

        /// <summary>What a walk needs of a call's target: its definition, its direct summary (in a build), its name, and whether it shares the caller's scope.</summary>
        private sealed class WalkTarget
        {
            public WalkTarget(IMethodSymbol target, DirectSummary? direct, LockSummaries summaries)
            {
                Definition = target.OriginalDefinition;
                Direct = direct;
                Name = summaries.DisplayName(target);
                SharesScope = LockSummaries.SharesScope(target);
            }

            public IMethodSymbol Definition { get; }

            public DirectSummary? Direct { get; }

            public string Name { get; }

            public bool SharesScope { get; }
        }

        /// <summary>
        /// In a build, what walks need of each of a call site's own targets (<see cref="DirectCall.Targets"/>), found the
        /// first time a walk meets the call: every summary walks the same call sites again, and a direct summary never
        /// changes once made.
        /// </summary>
        private WalkTarget[] WalkTargets(DirectCall call)
        {
            if (call.WalkTargets is WalkTarget[] known)
            {
                return known;
            }

            var targets = call.Dispatch.Methods;
            var found = new WalkTarget[targets.Length];
            for (var i = 0; i < targets.Length; i++)
            {
                found[i] = new WalkTarget(targets[i], Direct(targets[i]), this);
            }

            call.WalkTargets = found;
            return found;
        }

        /// <summary>The visited set and queue of each <see cref="Walk"/> in progress on this thread, innermost last, kept for the next walks.</summary>
        [ThreadStatic]
        private static List<(Dictionary<(IMethodSymbol, string), bool> Visited, Queue<(IMethodSymbol, CallScope, CallPath, ImmutableArray<ArgumentFact>, DirectSummary?)> Queue)>? s_walkStates;

        [ThreadStatic]
        private static int s_walkDepth;

        /// <summary>An empty visited set and queue for a walk (walks nest: a callee's summary is finished in the middle of its caller's).</summary>
        private static (Dictionary<(IMethodSymbol, string), bool> Visited, Queue<(IMethodSymbol, CallScope, CallPath, ImmutableArray<ArgumentFact>, DirectSummary?)> Queue) RentWalkState()
        {
            var states = s_walkStates ??= new();
            if (s_walkDepth == states.Count)
            {
                states.Add((new Dictionary<(IMethodSymbol, string), bool>(MethodContextComparer.Instance), new Queue<(IMethodSymbol, CallScope, CallPath, ImmutableArray<ArgumentFact>, DirectSummary?)>()));
            }

            return states[s_walkDepth++];
        }

        /// <summary>
        /// Empties the innermost walk's visited set and queue for the next walk; ones a large walk grew are dropped instead,
        /// so a thread keeps only small ones (emptying costs their capacity, and threads live long in an editor).
        /// </summary>
        private static void ReturnWalkState()
        {
            var index = --s_walkDepth;
            var (visited, queue) = s_walkStates![index];
            if (visited.Count > MaxKeptWalkState)
            {
                s_walkStates[index] = (new Dictionary<(IMethodSymbol, string), bool>(MethodContextComparer.Instance), new Queue<(IMethodSymbol, CallScope, CallPath, ImmutableArray<ArgumentFact>, DirectSummary?)>());
                return;
            }

            visited.Clear();
            queue.Clear();
        }

        /// <summary>How many visits a walk's set may have held and still be kept for the next walk on its thread.</summary>
        private const int MaxKeptWalkState = 1024;

        /// <summary>
        /// The calls a walk went through from its root to a callee whose names and guards are not the root's: an owner
        /// or a guard of the callee reads in the root's terms through each of them, innermost first.
        /// </summary>
        private sealed class CallScope
        {
            /// <summary>The root's own terms.</summary>
            public static readonly CallScope Root = new(null, null);

            private readonly DirectCall? _site;
            private readonly CallScope? _outer;

            private CallScope(DirectCall? site, CallScope? outer)
            {
                _site = site;
                _outer = outer;
            }

            /// <summary>The terms of a callee reached from here through <paramref name="site"/>.</summary>
            public CallScope Through(DirectCall site) => new(site, this);

            /// <summary>An owner path of the callee in the root's terms; null when some call cannot name it.</summary>
            public string? Translate(string? owner)
            {
                for (var scope = this; scope._site is not null; scope = scope._outer!)
                {
                    owner = scope._site.Translate(owner);
                }

                return owner;
            }

            /// <summary>A guard of the callee in the root's terms: <see cref="ParameterGuard.Never"/> as soon as a call rules it out.</summary>
            public ParameterGuard? MapGuard(ParameterGuard? guard)
            {
                for (var scope = this; scope._site is not null && guard is not null && !ReferenceEquals(guard, ParameterGuard.Never); scope = scope._outer!)
                {
                    guard = scope._site.MapGuard(guard);
                }

                return guard;
            }
        }

        /// <summary>
        /// False when an acquisition reached along <paramref name="path"/> and then <paramref name="rest"/> (plus
        /// <paramref name="added"/> steps) cannot be preferred to <paramref name="kept"/> (<see cref="CompareAcquisitions"/>:
        /// it is less certain, or as certain and longer), so <see cref="Keep"/> would leave it out: it need not be made.
        /// </summary>
        private static bool MayBePreferred(CallPath path, CallPath rest, SummaryAcquisition kept, int added = 0)
        {
            var byCertainty = (path.IsUncertain || rest.IsUncertain).CompareTo(kept.IsUncertain);
            return byCertainty < 0 || byCertainty == 0 && path.Length + rest.Length + added <= kept.Path.Length;
        }

        /// <summary>
        /// Adds <paramref name="acquisition"/> unless the same lock is there already; then keeps the preferred
        /// evidence (<see cref="CompareAcquisitions"/>): a certain path over an uncertain one
        /// (<see cref="CallStep.IsUncertain"/>), so a lock reached both through wide dispatch and through a call
        /// that can only be what it names is evidence of the certain kind, then the one <see cref="CallPath.Compare"/>
        /// prefers, not the first found, which would depend on which callee summaries happened to be finished already.
        /// </summary>
        private static void Keep(ImmutableArray<SummaryAcquisition>.Builder result, Dictionary<string, int> seen, string key, SummaryAcquisition acquisition)
        {
            if (!seen.TryGetValue(key, out var index))
            {
                seen.Add(key, result.Count);
                result.Add(acquisition);
            }
            else if (CompareAcquisitions(acquisition, result[index]) < 0)
            {
                result[index] = acquisition.Retaken || !result[index].Retaken ? acquisition : acquisition.WithRetaken();
            }
        }

        /// <summary>
        /// How the guards of <paramref name="target"/>'s own acquisitions resolve from here, called through
        /// <paramref name="through"/> (null for a lambda or local function, which shares the caller's terms): empty when it has none.
        /// </summary>
        private static string GuardContext(ImmutableArray<ParameterGuard> guards, CallScope scope, DirectCall? through)
        {
            string? context = null;
            foreach (var guard in guards)
            {
                var atSite = through is null ? guard : through.MapGuard(guard);
                var mapped = atSite is null || ReferenceEquals(atSite, ParameterGuard.Never) ? atSite : scope.MapGuard(atSite);
                context += guard + ">" + (mapped?.ToString() ?? "always") + ";";
            }

            return context ?? string.Empty;
        }

        /// <summary>The callee's complete summary, computing it first when that cannot recurse into a summary in progress.</summary>
        private ImmutableArray<SummaryAcquisition>? FinishedSummary(IMethodSymbol method)
        {
            var definition = method.OriginalDefinition;
            if (_closures.TryGetValue(definition, out var done))
            {
                _live?.NoteSummary(definition, string.Empty, done);
                return done;
            }

            if (s_inProgress!.Contains(definition) || s_inProgress.Count >= MaxNestedSummaries)
            {
                return null;
            }

            return MayAcquire(definition);
        }

        /// <summary><see cref="LockEffectResolver.DisplayName"/>, made once per method: walks name the same callees again and again.</summary>
        private string DisplayName(IMethodSymbol method) =>
            _displayNames.TryGetValue(method, out var known) ? known : _displayNames.GetOrAdd(method, LockEffectResolver.DisplayName(method));

        /// <summary>Lambdas and local functions see the caller's <c>this</c>, parameters and locals by the same names.</summary>
        private static bool SharesScope(IMethodSymbol target) => target.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction;

        private static string TranslateDisplay(SummaryAcquisition acquisition, string? owner)
        {
            if (owner is null || acquisition.Owner is null || acquisition.LockClass is null)
            {
                return acquisition.Display;
            }

            var member = acquisition.Display.LastIndexOf('.') is var dot && dot >= 0 ? acquisition.Display.Substring(dot) : "." + acquisition.LockClass;
            if (owner.StartsWith("static:", StringComparison.Ordinal))
            {
                return acquisition.Display;
            }

            return (owner == "this" ? string.Empty : owner) + (owner == "this" ? member.TrimStart('.') : member);
        }

        /// <summary>What a method does by itself, read from its contract and, when it has a body in this compilation, its operations.</summary>
        /// <summary>How many methods <see cref="DoesSomething"/> may look into for one body before it counts it anyway.</summary>
        private const int MaxMethodsPerReachCheck = 2_000;

        private readonly ConcurrentDictionary<IMethodSymbol, Reach> _reachesLocks = new(SymbolEqualityComparer.Default);

        /// <summary>What <see cref="ReachesLocks"/> found, and in an editor the bodies it read, to note them again for whoever asks next.</summary>
        private sealed class Reach
        {
            public Reach(bool locks, List<IMethodSymbol>? read)
            {
                Locks = locks;
                Read = read;
            }

            public bool Locks { get; }

            public List<IMethodSymbol>? Read { get; }
        }

        /// <summary>
        /// Whether <paramref name="method"/> may take a lock, itself or through the calls it makes, as far as the direct
        /// summaries show (guards and owners aside): a body that cannot adds nothing to what a call takes, whichever of
        /// several it is. Found by a walk of the direct summaries it reaches (every target of every call, wide or not),
        /// each looked into once. A contract, a delegate whose functions are not all known, or more than
        /// <see cref="MaxMethodsPerReachCheck"/> methods to look into all count as a lock. The answer depends on the
        /// direct summaries only, not on which body asks first.
        /// </summary>
        private bool DoesSomething(IMethodSymbol method)
        {
            if (_reachesLocks.TryGetValue(method.OriginalDefinition, out var known))
            {
                NoteRead(known);
                return known.Locks;
            }

            return _reachesLocks.GetOrAdd(method.OriginalDefinition, ReachesLocks).Locks;
        }

        /// <summary>In an editor, a kept answer's bodies are read again by whoever asks: what they hold now decides it.</summary>
        private void NoteRead(Reach reach)
        {
            foreach (var method in reach.Read ?? Enumerable.Empty<IMethodSymbol>())
            {
                Direct(method);
            }
        }

        private Reach ReachesLocks(IMethodSymbol root)
        {
            var read = _live is null ? null : new List<IMethodSymbol>();
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { root };
            var work = new Stack<IMethodSymbol>();
            work.Push(root);
            while (work.Count > 0)
            {
                var method = work.Pop();
                if (_reachesLocks.TryGetValue(method, out var known) && known.Locks)
                {
                    NoteRead(known);
                    read?.AddRange(known.Read ?? Enumerable.Empty<IMethodSymbol>());
                    return new Reach(true, read);
                }

                if (!_model.GetContract(method).IsEmpty)
                {
                    return new Reach(true, read);
                }

                if (!HasSomethingToSummarize(method))
                {
                    continue;
                }

                var direct = Direct(method);
                read?.Add(method);
                if (!direct.Acquisitions.IsEmpty)
                {
                    return new Reach(true, read);
                }

                foreach (var call in direct.Calls)
                {
                    if (call.Dispatch.Bounds != DelegateBound.None || call.Dispatch.DelegateParameter is not null)
                    {
                        return new Reach(true, read);
                    }

                    foreach (var target in call.Targets)
                    {
                        if (seen.Add(target.OriginalDefinition))
                        {
                            if (seen.Count > MaxMethodsPerReachCheck)
                            {
                                return new Reach(true, read);
                            }

                            work.Push(target.OriginalDefinition);
                        }
                    }
                }
            }

            return new Reach(false, read);
        }

        public DirectSummary Direct(IMethodSymbol method)
        {
            var definition = method.OriginalDefinition;
            var direct = _direct.TryGetValue(definition, out var known) ? known : _direct.GetOrAdd(definition, _computeDirect);
            if (_live is not null)
            {
                LiveCache.NoteBody(definition, direct.FollowsDelegates);
                if (direct.Reads is { } reads)
                {
                    Recorder.Current?.Trees.UnionWith(reads);
                }
            }

            return direct;
        }

        private DirectSummary ComputeDirectFromOwnBinding(IMethodSymbol method)
        {
            if (_live is null)
            {
                var touchesLocks = false;
                return ComputeDirect(method, _model.GetContract(method).NoAnalysis ? null : BodyOf(method), null, ref touchesLocks);
            }

            _live.Counters.Count(ref _live.Counters.BodiesRead);
            // In an editor, whether delegate flow answered any of its calls decides how long it may be kept.
            var recorder = new Recorder();
            var direct = Recorder.With(recorder, () =>
            {
                var touchesLocks = false;
                return ComputeDirect(method, _model.GetContract(method).NoAnalysis ? null : BodyOf(method), null, ref touchesLocks);
            });
            return recorder.Delegates || recorder.Trees.Count > 0
                ? new DirectSummary(direct.Acquisitions, direct.Calls, recorder.Delegates, recorder.Trees.Count > 0 ? recorder.Trees.ToArray() : null)
                : direct;
        }

        /// <summary>
        /// Records the direct summaries of a body the compiler has just bound (for a build, every
        /// body is seen once this way) and of the lambdas and local functions inside it, so that
        /// summaries computed later need not bind any body again. Returns whether any operation of
        /// the body may affect a lock (<see cref="LockEffectResolver.MayAffectLocks"/>), or null when
        /// the body was summarized before and not read again.
        /// </summary>
        public bool? Remember(IMethodSymbol method, IOperation body)
        {
            var pending = new List<(IMethodSymbol Method, IOperation? Body)> { (method, body) };
            var touchesLocks = false;
            var readAll = true;
            for (var i = 0; i < pending.Count; i++)
            {
                var (function, functionBody) = pending[i];
                var definition = function.OriginalDefinition;
                if (_direct.ContainsKey(definition))
                {
                    readAll = false;
                    continue;
                }

                var noAnalysis = _model.GetContract(definition).NoAnalysis;
                var direct = ComputeDirect(definition, noAnalysis ? null : functionBody, noAnalysis ? null : pending, ref touchesLocks);
                _direct.TryAdd(definition, direct);
            }

            return readAll ? touchesLocks : null;
        }

        /// <param name="nested">Where the lambdas and local functions met in the body go, when the caller summarizes them too.</param>
        /// <param name="touchesLocks">Set when an operation of the body may affect a lock.</param>
        private DirectSummary ComputeDirect(IMethodSymbol method, IOperation? body, List<(IMethodSymbol Method, IOperation? Body)>? nested, ref bool touchesLocks)
        {
            var contract = _model.GetContract(method);
            var acquisitions = ImmutableArray.CreateBuilder<SummaryAcquisition>();
            var calls = ImmutableArray.CreateBuilder<DirectCall>();
            var resolver = new LockEffectResolver(_model, body is null ? ValueOrigins.None : new ValueOrigins(body));
            foreach (var claim in contract.Claims)
            {
                if (claim.Kind != ClaimKind.Acquires || claim.IsSelfLock || claim.IsOnReturn)
                {
                    continue;
                }

                var parameter = claim.IsOnThis ? null : method.Parameters.FirstOrDefault(p => p.Name == claim.On);
                if (!claim.IsOnThis && parameter is null)
                {
                    continue;
                }

                var path = claim.IsOnThis ? (method.IsStatic ? null : "this") : parameter!.Name;
                var type = claim.IsOnThis ? method.ContainingType : parameter!.Type;
                var identity = resolver.ResolveClaim(claim, path, type, null, method);
                if (identity is not null)
                {
                    acquisitions.Add(FromIdentity(identity, claim.Mode, new CallStep("[Acquires]", claim.GetLocation() ?? Location.None)));
                }
            }

            if (body is not null)
            {
                var releases = new List<(string? LockClass, string? Owner, int Position)>();
                Scan(body, resolver, acquisitions, calls, releases, nested, ref touchesLocks);
                MarkReleasedFirst(acquisitions, releases);
                for (var i = 0; i < acquisitions.Count; i++)
                {
                    if (ParameterGuard.Of(method, acquisitions[i].Path[0].Location) is { } guard)
                    {
                        var a = acquisitions[i];
                        acquisitions[i] = new SummaryAcquisition(a.LockClass, a.Owner, a.Display, a.Mode, a.Primitive, a.Path, a.Retaken, guard);
                    }
                }
            }

            MarkRetaken(method, contract, resolver, acquisitions);

            // In source order, the order in which evidence is preferred (CallPath.Compare): a walk meets the preferred path first.
            calls.Sort((a, b) => CallPath.CompareLocations(a.Location, b.Location));

            return acquisitions.Count == 0 && calls.Count == 0 ? DirectSummary.Empty : new DirectSummary(acquisitions.ToImmutable(), calls.ToImmutable());
        }

        /// <summary>A method that releases a lock it was called with may take it again: for its callers that is no recursion.</summary>
        private static void MarkRetaken(IMethodSymbol method, MethodContract contract, LockEffectResolver resolver, ImmutableArray<SummaryAcquisition>.Builder acquisitions)
        {
            foreach (var claim in contract.Claims)
            {
                if (claim.Kind is not (ClaimKind.Releases or ClaimKind.TemporarilyReleases) || claim.IsSelfLock || claim.IsOnReturn)
                {
                    continue;
                }

                var parameter = claim.IsOnThis ? null : method.Parameters.FirstOrDefault(p => p.Name == claim.On);
                var path = claim.IsOnThis ? (method.IsStatic ? null : "this") : parameter?.Name;
                var type = claim.IsOnThis ? method.ContainingType : parameter?.Type;
                if (resolver.ResolveClaim(claim, path, type, null, method) is not { } released)
                {
                    continue;
                }

                for (var i = 0; i < acquisitions.Count; i++)
                {
                    var a = acquisitions[i];
                    if (a.LockClass == released.LockClass && (a.Owner is null || released.Owner is null || a.Owner == released.Owner))
                    {
                        acquisitions[i] = a.WithRetaken();
                    }
                }
            }
        }

        /// <summary>
        /// A body whose first operation on a lock (in source order) releases it is entered with that
        /// lock held: it releases it around some work and takes it back, an unwritten
        /// [TemporarilyReleases]. Its acquisitions of that lock are re-takes, not recursion, for callers.
        /// </summary>
        private static void MarkReleasedFirst(ImmutableArray<SummaryAcquisition>.Builder acquisitions, List<(string? LockClass, string? Owner, int Position)> releases)
        {
            if (releases.Count == 0)
            {
                return;
            }

            for (var i = 0; i < acquisitions.Count; i++)
            {
                var a = acquisitions[i];
                if (a.Retaken || a.LockClass is null)
                {
                    continue;
                }

                var firstAcquire = int.MaxValue;
                foreach (var other in acquisitions)
                {
                    if (other.LockClass == a.LockClass && other.Owner == a.Owner && other.Path[0].Location.SourceSpan.Start < firstAcquire)
                    {
                        firstAcquire = other.Path[0].Location.SourceSpan.Start;
                    }
                }

                if (releases.Exists(r => r.LockClass == a.LockClass && r.Owner == a.Owner && r.Position < firstAcquire))
                {
                    acquisitions[i] = a.WithRetaken();
                }
            }
        }

        private void Scan(
            IOperation body, LockEffectResolver resolver, ImmutableArray<SummaryAcquisition>.Builder acquisitions, ImmutableArray<DirectCall>.Builder calls,
            List<(string? LockClass, string? Owner, int Position)> releases, List<(IMethodSymbol Method, IOperation? Body)>? nested, ref bool touchesLocks)
        {
            var stack = s_scanStack ??= new Stack<IOperation>();
            stack.Clear();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                touchesLocks = touchesLocks || LockEffectResolver.MayAffectLocks(operation, _model);
                switch (operation)
                {
                    case IAnonymousFunctionOperation function:
                        // Run later, or only when called: reached through the call that runs them.
                        nested?.Add((function.Symbol, function.Body));
                        continue;
                    case ILocalFunctionOperation local:
                        nested?.Add((local.Symbol, (IOperation?)local.Body ?? local.IgnoredBody));
                        continue;
                    case ILockOperation lockStatement:
                        if (resolver.ResolveObject(lockStatement.LockedValue, null) is { } locked)
                        {
                            acquisitions.Add(FromIdentity(locked, LockMode.Exclusive, new CallStep("lock", lockStatement.LockedValue.Syntax.GetLocation())));
                        }

                        break;
                    case IInvocationOperation:
                    case IPropertyReferenceOperation:
                    case IObjectCreationOperation:
                        var effects = operation switch
                        {
                            IInvocationOperation i => resolver.EffectsOf(i),
                            IPropertyReferenceOperation p => resolver.EffectsOf(p),
                            _ => resolver.EffectsOf((IObjectCreationOperation)operation),
                        };
                        foreach (var effect in effects)
                        {
                            if (effect.Kind == EffectKind.Acquire)
                            {
                                acquisitions.Add(FromIdentity(effect.Lock, effect.Mode, new CallStep(effect.OperationName, effect.Location)));
                            }
                            else if (effect.Kind == EffectKind.Release)
                            {
                                var released = FromIdentity(effect.Lock, effect.Mode, new CallStep(effect.OperationName, effect.Location));
                                releases.Add((released.LockClass, released.Owner, effect.Location.SourceSpan.Start));
                            }
                        }

                        if (DescribeSite(operation, resolver) is { } site)
                        {
                            calls.Add(site);
                        }

                        break;
                }

                foreach (var child in operation.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }

        private bool HasSomethingToSummarize(IMethodSymbol method) =>
            !method.Locations.IsEmpty && method.Locations[0].IsInSource || !_model.GetContract(method).IsEmpty;

        private static SummaryAcquisition FromIdentity(LockIdentity identity, LockMode mode, CallStep site) =>
            new(identity.LockClass, identity.Owner ?? (identity.LockClass is null ? identity.ObjectPath : null), identity.Display, mode, identity.Primitive, CallPath.Of(site));

        private DirectCall DescribeCall(IOperation call, CallTargets targets, LockEffectResolver resolver)
        {
            IOperation? receiver = call switch
            {
                IInvocationOperation invocation => invocation.Instance,
                IPropertyReferenceOperation property => property.Instance,
                _ => null,
            };
            var arguments = call switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IPropertyReferenceOperation property => property.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            var map = arguments.IsEmpty ? ImmutableArray<KeyValuePair<string, string?>>.Empty : MapArguments(arguments, resolver);

            var receiverPath = call is IObjectCreationOperation ? null : receiver is null ? null : resolver.PathOf(receiver);
            var facts = arguments.IsEmpty ? ImmutableArray<ArgumentFact>.Empty : _calls.FactsOf(arguments, resolver);
            return new DirectCall(targets, receiverPath, map, ParameterGuard.BoolArguments(arguments), LockEffectResolver.CallLocation(call), facts);
        }

        private static bool IsNeverAnOwner(ITypeSymbol type) => type.TypeKind == TypeKind.Enum || type.SpecialType is
            SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte
            or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
            or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Decimal or SpecialType.System_Single
            or SpecialType.System_Double or SpecialType.System_String or SpecialType.System_DateTime;

        private static ImmutableArray<KeyValuePair<string, string?>> MapArguments(ImmutableArray<IArgumentOperation> arguments, LockEffectResolver resolver)
        {
            var map = ImmutableArray.CreateBuilder<KeyValuePair<string, string?>>(arguments.Length);
            foreach (var argument in arguments)
            {
                // Numbers, enums and strings never own a lock nor are one: no path to keep for them.
                if (argument.Parameter is { } parameter && !IsNeverAnOwner(parameter.Type))
                {
                    map.Add(new KeyValuePair<string, string?>(parameter.Name, resolver.PathOf(argument.Value)));
                }
            }

            return map.Count == map.Capacity ? map.MoveToImmutable() : map.ToImmutable();
        }

        /// <summary>The body of a method, local function or lambda declared in this compilation, as an operation tree; null for one declared elsewhere.</summary>
        private IOperation? BodyOf(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                // A project reference in an editor or a workspace is a compilation reference: its symbols
                // have syntax, but in another compilation, whose bodies this one cannot bind.
                if (!_model.Compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    continue;
                }

                var syntax = reference.GetSyntax();
                var model = SemanticModelFor(syntax.SyntaxTree);
                var operation = syntax switch
                {
                    PropertyDeclarationSyntax { ExpressionBody: { } arrow } => model.GetOperation(arrow),
                    IndexerDeclarationSyntax { ExpressionBody: { } arrow } => model.GetOperation(arrow),
                    _ => model.GetOperation(syntax),
                };
                switch (operation)
                {
                    case IAnonymousFunctionOperation function:
                        return function.Body;
                    case ILocalFunctionOperation local:
                        return (IOperation?)local.Body ?? local.IgnoredBody;
                    case null:
                        continue;
                    default:
                        return operation;
                }
            }

            return null;
        }

        /// <summary>Names of members that carry a lock contract, here or in annotated references: calls to them may touch locks.</summary>
        private ImmutableHashSet<string> BuildContractMemberNames()
        {
            var names = ImmutableHashSet.CreateBuilder<string>();
            if (!_model.Symbols.HasAnnotations)
            {
                return names.ToImmutable();
            }

            var roots = new List<INamespaceSymbol> { _model.Compilation.Assembly.GlobalNamespace };
            foreach (var reference in _model.Compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (reference.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == "LockContracts.Annotations")))
                {
                    roots.Add(reference.GlobalNamespace);
                }
            }

            foreach (var root in roots)
            {
                foreach (var type in SourceTypes(root))
                {
                    foreach (var member in type.GetMembers())
                    {
                        if (member is IMethodSymbol method && !_model.GetContract(method).IsEmpty)
                        {
                            names.Add(method.MethodKind == MethodKind.Constructor ? type.Name : method.AssociatedSymbol?.Name ?? method.Name);
                        }
                    }
                }
            }

            return names.ToImmutable();
        }

        internal static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceSymbol root)
        {
            var stack = new Stack<INamespaceOrTypeSymbol>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                foreach (var member in stack.Pop().GetMembers())
                {
                    if (member is INamespaceSymbol ns)
                    {
                        stack.Push(ns);
                    }
                    else if (member is INamedTypeSymbol type)
                    {
                        stack.Push(type);
                        yield return type;
                    }
                }
            }
        }
    }

    /// <summary>A method (by symbol) with a context string: summaries per call-site context, walks' visits, fingerprints.</summary>
    internal sealed class MethodContextComparer : IEqualityComparer<(IMethodSymbol Method, string Context)>
    {
        public static readonly MethodContextComparer Instance = new();

        public bool Equals((IMethodSymbol Method, string Context) x, (IMethodSymbol Method, string Context) y) =>
            SymbolEqualityComparer.Default.Equals(x.Method, y.Method) && x.Context == y.Context;

        public int GetHashCode((IMethodSymbol Method, string Context) obj) =>
            SymbolEqualityComparer.Default.GetHashCode(obj.Method) ^ obj.Context.GetHashCode();
    }
}
