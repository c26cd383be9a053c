using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>Receives every call and lock effect with the state just before it, once the flow has reached its fixpoint.</summary>
    internal interface ILockObserver
    {
        /// <summary>A call (method, accessor, constructor or delegate), after its arguments and before its own effects.</summary>
        void OnCall(IOperation call, LockState before);

        void OnEffect(LockEffect effect, LockState before);

        /// <summary>
        /// A <c>return</c> of a value that runs no finally on its way out: the state there, and the states in
        /// which the method returns <c>true</c> and <c>false</c> (null when it cannot return that value there;
        /// both null when the value is not a constant and is tied to no lock).
        /// </summary>
        void OnReturn(IOperation value, LockState state, LockState? whenTrue, LockState? whenFalse);
    }

    /// <summary>
    /// The forward lock-state dataflow over one control-flow graph. Each block is analyzed in two
    /// flavours: reached normally, or (inside a finally region) while an exception propagates, so
    /// that a finally run for an exception does not leak its state into the code after the try.
    /// Exceptions raised inside a try reach its innermost handler with the state at every point
    /// of the try block.
    /// </summary>
    internal sealed class LockFlowAnalysis
    {
        /// <summary>A node revisited more often than this means a lattice that does not settle: give up rather than guess.</summary>
        private const int VisitBudget = 64;

        private readonly ControlFlowGraph _graph;
        private readonly LockEffectResolver _resolver;
        private readonly LockState?[] _in;
        private readonly Dictionary<ControlFlowRegion, HashSet<int>> _finallyContinuations = new();
        private readonly Dictionary<ControlFlowRegion, ImmutableArray<ControlFlowRegion>> _handlers = new();
        private readonly SortedSet<int> _worklist = new();
        private readonly List<IFlowAnonymousFunctionOperation> _nestedFunctions = new();
        private readonly Dictionary<IOperation, (ConditionKey Key, bool Negated)?> _conditions = new();
        private HashSet<string>? _repeated;
        private LockState _entry = LockState.Empty;
        private ILockObserver? _observer;

        private LockFlowAnalysis(ControlFlowGraph graph, LockEffectResolver resolver)
        {
            _graph = graph;
            _resolver = resolver;
            _in = new LockState?[graph.Blocks.Length * 2];
            foreach (var block in graph.Blocks)
            {
                AddContinuations(block.ConditionalSuccessor);
                AddContinuations(block.FallThroughSuccessor);
            }
        }

        /// <summary>The state where the method returns normally; null when no path returns.</summary>
        public LockState? ExitState { get; private set; }

        /// <summary>Lambdas and anonymous methods met in the graph; each is analyzed on its own.</summary>
        public IReadOnlyList<IFlowAnonymousFunctionOperation> NestedFunctions => _nestedFunctions;

        /// <summary>Runs to a fixpoint, then replays every reachable block once for the observer. Null when it did not settle.</summary>
        public static LockFlowAnalysis? Run(ControlFlowGraph graph, LockEffectResolver resolver, LockState entry, ILockObserver observer)
        {
            var analysis = new LockFlowAnalysis(graph, resolver);
            return analysis.Solve(entry, observer) ? analysis : null;
        }

        private bool Solve(LockState entry, ILockObserver observer)
        {
            _entry = entry;
            var visits = new int[_in.Length];
            Merge(0, exceptional: false, entry);
            while (_worklist.Count > 0)
            {
                var node = _worklist.Min;
                _worklist.Remove(node);
                if (++visits[node] > VisitBudget)
                {
                    return false;
                }

                Process(node, propagate: true);
            }

            _observer = observer;
            for (var node = 0; node < _in.Length; node++)
            {
                if (_in[node] is not null)
                {
                    Process(node, propagate: false);
                }
            }

            _observer = null;
            ExitState = _in[(_graph.Blocks.Length - 1) * 2];
            return true;
        }

        private void Process(int node, bool propagate)
        {
            var block = _graph.Blocks[node / 2];
            var exceptional = node % 2 == 1;
            var state = _in[node]!;
            var handlers = HandlersOf(block.EnclosingRegion);

            // An operation that throws has not done what it does, so the handlers see the state before
            // each operation, not the state after the last one: `_rw.EnterReadLock(); try { … } finally
            // { _rw.ExitReadLock(); }` inside a try with a catch never reaches the catch holding the lock,
            // since whatever throws after the acquisition is inside the inner try, whose finally releases
            // it first. A release that throws is taken to have released: the lock was not held, or is lost.
            foreach (var operation in block.Operations)
            {
                var after = Visit(operation, state);
                if (propagate && !CannotThrow(operation))
                {
                    SeedHandlers(handlers, Releases(state, after) || TiesToAFlag(state, after) ? after : state, exceptional, TakesAMutex(state, after) ? after : null);
                }

                state = after;
            }

            if (block.BranchValue is not null)
            {
                if (propagate && CanThrow(block.BranchValue))
                {
                    SeedHandlers(handlers, state, exceptional);
                }

                state = Visit(block.BranchValue, state);
            }

            if (!propagate)
            {
                if (_observer is not null && block.BranchValue is { } returned && block.ConditionalSuccessor is null
                    && block.FallThroughSuccessor is { Semantics: ControlFlowBranchSemantics.Return, FinallyRegions.IsEmpty: true })
                {
                    var (whenTrue, whenFalse) = ReturnedValueStates(state, returned);
                    _observer.OnReturn(returned, state, whenTrue, whenFalse);
                }

                return;
            }

            if (block.ConditionalSuccessor is not null && block.BranchValue is not null)
            {
                var tested = TestedCondition(block.BranchValue);
                var known = tested is { } t ? state.KnownValueOf(t.Key) : null;
                bool? infeasible = null;
                LockState whenTrue, whenFalse;
                if (known is { } value)
                {
                    // Tested again on a path that already decided it: the locks taken since do not depend on it.
                    // When only the method's own variables are read, the other side cannot run.
                    whenTrue = whenFalse = state;
                    if (!ReadsSharedState(tested!.Value.Key))
                    {
                        infeasible = value == tested.Value.Negated;
                    }
                }
                else
                {
                    (whenTrue, whenFalse) = Split(state, block.BranchValue);
                }

                if (tested is { } condition)
                {
                    whenTrue = whenTrue.WithKnown(condition.Key, !condition.Negated);
                    whenFalse = whenFalse.WithKnown(condition.Key, condition.Negated);
                    if (condition.Key is ConditionKey { NullOf: { } nullPath })
                    {
                        // Where the receiver is null, so is every access through it: `_box?.File?.ReleaseMutex()` does not release.
                        if (condition.Negated)
                        {
                            whenFalse = AssumeNullThrough(whenFalse, nullPath);
                        }
                        else
                        {
                            whenTrue = AssumeNullThrough(whenTrue, nullPath);
                        }
                    }

                    if (condition.Key is ConditionKey { Left: { } left, Right: { } right })
                    {
                        if (condition.Negated)
                        {
                            whenFalse = Unify(whenFalse, _entry, left, right);
                        }
                        else
                        {
                            whenTrue = Unify(whenTrue, _entry, left, right);
                        }
                    }
                }

                var takenWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                if (infeasible != takenWhen)
                {
                    Follow(block.ConditionalSuccessor, (takenWhen ? whenTrue : whenFalse).WithoutTemporaryLinks(), exceptional);
                }

                if (infeasible != !takenWhen)
                {
                    Follow(block.FallThroughSuccessor, (takenWhen ? whenFalse : whenTrue).WithoutTemporaryLinks(), exceptional);
                }
            }
            else
            {
                Follow(block.FallThroughSuccessor, state.WithoutTemporaryLinks(), exceptional);
            }
        }

        /// <summary>Storing such a value in a local (<c>acquired = true;</c>) does not throw either.</summary>
        private static bool CannotThrow(IOperation operation)
        {
            if (operation is IExpressionStatementOperation statement)
            {
                operation = statement.Operation;
            }

            return operation switch
            {
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation } assignment => !CanThrow(assignment.Value),
                IFlowCaptureOperation capture => !CanThrow(capture.Value),
                _ => false,
            };
        }

        /// <summary>Reading a local, a parameter, a captured value or a constant does not throw (the lowered `if (lockTaken)` of a lock statement's finally).</summary>
        private static bool CanThrow(IOperation value)
        {
            while (value is IConversionOperation { Conversion.IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            return value is not (ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation or ILiteralOperation);
        }

        /// <summary>
        /// True when the operation took a lock, or tried to, and tied it to a flag (<c>Monitor.Enter(o, ref taken)</c>,
        /// <c>Monitor.TryEnter(o, timeout, ref taken)</c>, a lock statement's own <c>lockTaken</c>): the flag tells
        /// the handler whether it holds the lock, even when the acquisition itself threw, which is what the flag is for.
        /// </summary>
        private static bool TiesToAFlag(LockState before, LockState after)
        {
            foreach (var link in after.Links)
            {
                if (link.Kind == LinkKind.Condition && !link.IsTemporary && !link.FromBranch && !before.Links.Contains(link))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when a lock held before is gone, or held fewer times, after.</summary>
        private static bool Releases(LockState before, LockState after)
        {
            foreach (var held in before.Held)
            {
                var index = after.Held.IndexOf(held);
                if (index < 0 && !after.Held.Any(h => h.SameLock(held) && h.Count >= held.Count))
                {
                    return true;
                }
            }

            return false;
        }

        private void Follow(ControlFlowBranch? branch, LockState state, bool exceptional)
        {
            if (branch is null)
            {
                return;
            }

            if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling)
            {
                var @finally = EnclosingFinally(branch.Source.EnclosingRegion);
                if (@finally is null)
                {
                    return;
                }

                if (exceptional)
                {
                    // The exception goes on propagating after the finally ran.
                    SeedHandlers(HandlersOf(@finally.EnclosingRegion?.EnclosingRegion), state, exceptional: true);
                }
                else if (_finallyContinuations.TryGetValue(@finally, out var continuations))
                {
                    foreach (var target in continuations)
                    {
                        Merge(target, exceptional: false, state);
                    }
                }

                return;
            }

            if (!branch.FinallyRegions.IsEmpty)
            {
                Merge(branch.FinallyRegions[0].FirstBlockOrdinal, exceptional: false, state);
                return;
            }

            if (branch.Destination is { } destination)
            {
                var staysExceptional = exceptional && EnclosingFinally(destination.EnclosingRegion) is { } f
                    && ReferenceEquals(f, EnclosingFinally(branch.Source.EnclosingRegion));
                Merge(destination.Ordinal, staysExceptional, state);
            }
        }

        private void Merge(int ordinal, bool exceptional, LockState state)
        {
            var node = (ordinal * 2) + (exceptional ? 1 : 0);
            var current = _in[node];
            if (current is null)
            {
                _in[node] = state;
                _worklist.Add(node);
                return;
            }

            var joined = LockState.Join(current, state);
            if (!joined.Equals(current))
            {
                _in[node] = joined;
                _worklist.Add(node);
            }
        }

        /// <param name="abandoned">
        /// The state a <c>catch (AbandonedMutexException)</c> sees, when the operation took a mutex: WaitOne throws it
        /// after acquiring a mutex that its last owner abandoned, so that handler holds the mutex.
        /// </param>
        private void SeedHandlers(ImmutableArray<ControlFlowRegion> handlers, LockState state, bool exceptional, LockState? abandoned = null)
        {
            if (handlers.IsEmpty)
            {
                return;
            }

            // An exception abandons what the try was computing: a value it had not yet rechecked is never used.
            var clean = state.WithoutTemporaryLinks().WithoutPendingRechecks().WithoutLinksOfBranchesDecided();
            foreach (var handler in handlers)
            {
                var isFinally = handler.Kind == ControlFlowRegionKind.Finally;
                var seen = abandoned is not null && handler.Kind == ControlFlowRegionKind.Catch && handler.ExceptionType?.Name == "AbandonedMutexException"
                    ? abandoned.WithoutTemporaryLinks().WithoutPendingRechecks().WithoutLinksOfBranchesDecided()
                    : clean;
                Merge(handler.FirstBlockOrdinal, isFinally || (exceptional && EnclosingFinally(handler) is not null), seen);
            }
        }

        /// <summary>True when the operation took a mutex that was not held before.</summary>
        private static bool TakesAMutex(LockState before, LockState after)
        {
            foreach (var held in after.Held)
            {
                if (held.Identity.Primitive == LockPrimitive.Mutex && !before.Held.Any(h => h.SameLock(held)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The handlers an exception raised in <paramref name="region"/> reaches: every catch and
        /// filter out to, and including, the innermost finally.
        /// </summary>
        private ImmutableArray<ControlFlowRegion> HandlersOf(ControlFlowRegion? region)
        {
            if (region is null)
            {
                return ImmutableArray<ControlFlowRegion>.Empty;
            }

            if (_handlers.TryGetValue(region, out var cached))
            {
                return cached;
            }

            var result = ImmutableArray.CreateBuilder<ControlFlowRegion>();
            for (var current = region; current is not null && !ReferenceEquals(current, _graph.Root); current = current.EnclosingRegion)
            {
                if (current.Kind != ControlFlowRegionKind.Try || current.EnclosingRegion is not { } parent)
                {
                    continue;
                }

                foreach (var sibling in parent.NestedRegions)
                {
                    if (!ReferenceEquals(sibling, current))
                    {
                        result.Add(sibling);
                    }
                }

                if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
                {
                    break;
                }
            }

            var handlers = result.ToImmutable();
            _handlers[region] = handlers;
            return handlers;
        }

        /// <summary>The finally region around <paramref name="region"/> within this graph (a lambda's graph stops at its own root).</summary>
        private ControlFlowRegion? EnclosingFinally(ControlFlowRegion? region)
        {
            for (var current = region; current is not null && !ReferenceEquals(current, _graph.Root); current = current.EnclosingRegion)
            {
                if (current.Kind == ControlFlowRegionKind.Finally)
                {
                    return current;
                }

                if (current.Kind is ControlFlowRegionKind.Filter or ControlFlowRegionKind.Catch)
                {
                    return null;
                }
            }

            return null;
        }

        private void AddContinuations(ControlFlowBranch? branch)
        {
            if (branch is null || branch.FinallyRegions.IsEmpty)
            {
                return;
            }

            var regions = branch.FinallyRegions;
            for (var i = 0; i < regions.Length; i++)
            {
                if (!_finallyContinuations.TryGetValue(regions[i], out var set))
                {
                    set = new HashSet<int>();
                    _finallyContinuations.Add(regions[i], set);
                }

                if (i + 1 < regions.Length)
                {
                    set.Add(regions[i + 1].FirstBlockOrdinal);
                }
                else if (branch.Destination is not null)
                {
                    set.Add(branch.Destination.Ordinal);
                }
            }
        }

        private LockState Visit(IOperation operation, LockState state)
        {
            if (operation is IFlowAnonymousFunctionOperation function)
            {
                if (_observer is not null)
                {
                    _nestedFunctions.Add(function);
                }

                return state;
            }

            foreach (var child in operation.ChildOperations)
            {
                state = Visit(child, state);
            }

            if (state.HasConditions && WrittenSymbol(operation) is { } written)
            {
                state = state.WithoutKnown(written);
            }

            switch (operation)
            {
                case IInvocationOperation invocation:
                    if (invocation.TargetMethod.Name == "Dispose" && invocation.Arguments.IsEmpty
                        && LockEffectResolver.ValueKey(invocation.Instance) is { } scopeKey
                        && state.FindLinks(scopeKey, LinkKind.Scope) is { IsEmpty: false } scopes)
                    {
                        // One scope may hold several locks (a pair taken in order): disposing it releases them all.
                        foreach (var scope in scopes)
                        {
                            var release = new LockEffect(EffectKind.Release, scope.Lock.Identity, scope.Lock.Mode, invocation, "Dispose");
                            state = Apply(release, state.WithoutLink(scope));
                        }

                        return state;
                    }

                    _observer?.OnCall(invocation, state);
                    return ApplyAll(_resolver.EffectsOf(invocation), state);
                case IPropertyReferenceOperation property:
                    _observer?.OnCall(property, state);
                    return Read(ApplyAll(_resolver.EffectsOf(property), state), property, property.Property, property.Instance);
                case IFieldReferenceOperation field:
                    return Read(state, field, field.Field, field.Instance);
                case IObjectCreationOperation creation:
                    _observer?.OnCall(creation, state);
                    return ApplyAll(_resolver.EffectsOf(creation), state);
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                    var moved = MoveLinks(state.WithoutKnown(local.Local), LockEffectResolver.ValueKey(assignment.Value), local.Local);
                    return AcquiredFlag(moved, local.Local, assignment) is { } acquired
                        ? moved.WithLink(new ValueLink(local.Local, LinkKind.Condition, acquired, whenValue: true, alreadyApplied: true))
                        : moved;
                case IFlowCaptureOperation capture:
                    return MoveLinks(state, LockEffectResolver.ValueKey(capture.Value), capture.Id);
                default:
                    return state;
            }
        }

        /// <summary>
        /// The acquired-flag idiom: <c>bool acquired = false; try { await _gate.WaitAsync(); acquired = true; … }
        /// finally { if (acquired) _gate.Release(); }</c>. A <c>bool</c> local declared <c>false</c> and set to
        /// <c>true</c> while a lock taken before it in the same method is held, and tied to no flag yet, says
        /// whether that lock (the last one taken) is held.
        /// </summary>
        private static HeldLock? AcquiredFlag(LockState state, ILocalSymbol local, ISimpleAssignmentOperation assignment)
        {
            if (local.Type.SpecialType != SpecialType.System_Boolean || assignment.Value.ConstantValue is not { HasValue: true, Value: true }
                || local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax
                {
                    Initializer.Value: Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.FalseLiteralExpression },
                })
            {
                return null;
            }

            HeldLock? last = null;
            foreach (var held in state.Held)
            {
                if (held.Definite && held.AcquiredBy is { } site && site.Syntax.SpanStart < assignment.Syntax.SpanStart
                    && (last is null || site.Syntax.SpanStart > last.AcquiredBy!.Syntax.SpanStart)
                    && !state.Links.Any(l => l.Kind == LinkKind.Condition && l.Lock.SameLock(held)))
                {
                    last = held;
                }
            }

            return last;
        }

        private static LockState MoveLinks(LockState state, object? from, object to)
        {
            var links = state.Links.RemoveAll(l => Equals(l.Key, to));
            if (from is not null)
            {
                foreach (var link in state.Links)
                {
                    if (Equals(link.Key, from))
                    {
                        links = links.Add(link.WithKey(to));
                        if (link.IsTemporary)
                        {
                            links = links.Remove(link);
                        }
                    }
                }
            }

            return links == state.Links ? state : state.WithLinks(links);
        }

        private LockState ApplyAll(ImmutableArray<LockEffect> effects, LockState state)
        {
            foreach (var effect in effects)
            {
                state = Apply(effect, state);
            }

            return state;
        }

        private LockState Apply(LockEffect effect, LockState state)
        {
            _observer?.OnEffect(effect, state);
            switch (effect.Kind)
            {
                case EffectKind.Acquire:
                {
                    var (next, held) = Acquire(state, new HeldLock(effect.Lock, effect.Mode, 1, true, effect.Location, effect.Site));
                    if (effect.TakenFlag is not null)
                    {
                        next = next.WithLink(new ValueLink(effect.TakenFlag, LinkKind.Condition, held, whenValue: true, alreadyApplied: true));
                    }

                    if (effect.ReturnsScope)
                    {
                        next = next.WithLink(new ValueLink(effect.Site, LinkKind.Scope, held, whenValue: true, alreadyApplied: true));
                    }

                    foreach (var known in state.Known)
                    {
                        next = next.WithLink(new ValueLink(known.Key, LinkKind.Condition, held, known.Value, alreadyApplied: true, fromBranch: true));
                    }

                    // On a path where `a == b`, taking a's lock takes b's: it is the same object.
                    foreach (var alias in Aliases(state, effect.Lock))
                    {
                        if (next.FindHeld(alias, effect.Mode, exactInstance: true) < 0)
                        {
                            next = next.WithHeld(next.Held.Add(new HeldLock(alias, effect.Mode, 1, true, effect.Location, effect.Site)));
                        }
                    }

                    return next;
                }

                case EffectKind.TryAcquire:
                {
                    var pending = new HeldLock(effect.Lock, effect.Mode, 1, true, effect.Location, effect.Site);
                    return state.WithLink(new ValueLink(effect.TakenFlag ?? effect.Site, LinkKind.Condition, pending, effect.WhenReturns, alreadyApplied: false));
                }

                case EffectKind.Release:
                {
                    var mode = effect.AnyMode ? (LockMode?)null : effect.Mode;
                    var index = state.FindHeld(effect.Lock, mode, exactInstance: true);
                    if (index < 0)
                    {
                        index = state.FindHeld(effect.Lock, mode, exactInstance: false);
                    }

                    if (index < 0)
                    {
                        return state;
                    }

                    var released = ReleaseOne(state, index);
                    foreach (var alias in Aliases(state, effect.Lock))
                    {
                        var aliasIndex = released.FindHeld(alias, mode, exactInstance: true);
                        if (aliasIndex >= 0)
                        {
                            released = ReleaseOne(released, aliasIndex);
                        }
                    }

                    return released;
                }

                case EffectKind.TemporarilyRelease:
                {
                    // Held before and after, but everything that needed it held continuously is gone.
                    var reads = state.Reads;
                    for (var i = 0; i < reads.Length; i++)
                    {
                        if (reads[i].Lock is { } under && under.Matches(effect.Lock))
                        {
                            reads = reads.SetItem(i, new ValueRead(reads[i].Member, reads[i].Owner, reads[i].Under, reads[i].ReadAt, under, true, effect.Location));
                        }
                    }

                    return EndStates(state.WithReads(reads.Distinct().ToImmutableArray()), effect.Lock);
                }

                case EffectKind.EstablishState:
                {
                    var established = new ProtocolState(effect.StateName!, effect.StateOwner!, effect.StateEndsWithLock ? effect.Lock : null, effect.Location);
                    return state.WithStates(state.States.RemoveAll(s => s.Same(established)).Add(established));
                }

                case EffectKind.AssertHeld:
                {
                    var index = state.FindHeld(effect.Lock, null, exactInstance: false);
                    if (index >= 0)
                    {
                        return state.WithHeld(state.Held.SetItem(index, state.Held[index].WithDefinite(true)));
                    }

                    // An assertion proves the caller's lock, it does not take one: nothing here must release it.
                    return state.WithHeld(state.Held.Add(new HeldLock(effect.Lock, effect.Mode, 1, true, effect.Location, acquiredBy: null)));
                }

                default:
                    return state;
            }
        }

        private static (LockState State, HeldLock Held) Acquire(LockState state, HeldLock held)
        {
            var index = state.FindHeld(held.Identity, held.Mode, exactInstance: true);
            if (index >= 0 && (held.Identity.IsReentrant || held.Identity.AllowsRecursion))
            {
                var existing = state.Held[index];
                var nested = existing.WithCount(existing.Count + 1);
                return (state.WithHeld(state.Held.SetItem(index, nested)), nested);
            }

            return (ObligeRechecks(state.WithHeld(state.Held.Add(held)), held), held);
        }

        /// <summary>Values read before this lock was taken, that it protects, must now be read again under it.</summary>
        private static LockState ObligeRechecks(LockState state, HeldLock taken)
        {
            var reads = state.Reads;
            foreach (var read in state.Reads)
            {
                if (read.Lock is null && read.Concerns(taken.Identity.LockClass))
                {
                    var obligation = new ValueRead(read.Member, read.Owner, read.Under, read.ReadAt, taken.Identity, true, taken.Location);
                    if (!reads.Contains(obligation))
                    {
                        reads = reads.Add(obligation);
                    }
                }
            }

            return reads == state.Reads ? state : state.WithReads(reads);
        }

        private static LockState ReleaseOne(LockState state, int index)
        {
            var held = state.Held[index];
            if (held.Count > 1)
            {
                return state.WithHeld(state.Held.SetItem(index, held.WithCount(held.Count - 1)));
            }

            var released = state.WithHeld(state.Held.RemoveAt(index)).WithoutLinksTo(held);
            if (released.Reads.Any(r => r.Lock is { } l && l.Matches(held.Identity)))
            {
                released = released.WithReads(released.Reads.RemoveAll(r => r.Lock is { } l && l.Matches(held.Identity)));
            }

            return EndStates(released, held.Identity);
        }

        /// <summary>States kept valid by <paramref name="released"/> end with it.</summary>
        private static LockState EndStates(LockState state, LockIdentity released)
        {
            return state.States.Any(s => s.EndsWith is { } l && l.Matches(released))
                ? state.WithStates(state.States.RemoveAll(s => s.EndsWith is { } l && l.Matches(released)))
                : state;
        }

        /// <summary>
        /// A read of a [MustRecheck] member: with no lock it protects held, it is pending; with such a
        /// lock held, it is the recheck that lock was waiting for.
        /// </summary>
        private LockState Read(LockState state, IOperation reference, ISymbol member, IOperation? instance)
        {
            // Writes are no rechecks, and neither is `Count--`: it updates without deciding anything anew.
            if (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference
                || reference.Parent is IIncrementOrDecrementOperation
                || _resolver.Model.RecheckUnder(member) is not { } under)
            {
                return state;
            }

            var owner = member.IsStatic ? "static:" + member.ContainingType.Name : _resolver.PathOf(instance);
            if (owner is null)
            {
                return state;
            }

            var location = reference.Syntax.GetLocation();
            var protecting = state.Held.Where(h => h.Definite && (under.IsEmpty || (h.Identity.LockClass is { } c && under.Contains(c)))).ToList();
            var reads = state.Reads;
            if (protecting.Count == 0)
            {
                var pending = new ValueRead(member, owner, under, location, null, false, null);
                reads = reads.RemoveAll(r => r.Lock is null && r.SameValue(pending)).Add(pending);
                return state.WithReads(reads);
            }

            var guard = GuardValues(reference.Syntax);
            foreach (var held in protecting)
            {
                var fresh = new ValueRead(member, owner, under, location, held.Identity, false, null);
                reads = reads.RemoveAll(r => (r.SameValue(fresh) || (r.NeedsRecheck && guard.Contains((r.Member.Name, Unqualified(r.Owner)))))
                    && (r.Lock is null || r.Lock.Matches(held.Identity))).Add(fresh);
            }

            return state.WithReads(reads);
        }

        /// <summary>
        /// The (member, object) pairs a guard condition reads. <c>if (a.Mapping != x || b.Mapping != y) return;</c>
        /// under the lock rechecks both values, though short-circuiting skips the second read on the path that bails out.
        /// </summary>
        private static HashSet<(string Member, string Owner)> GuardValues(SyntaxNode read)
        {
            var root = read;
            while (root.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax parent
                && parent is not Microsoft.CodeAnalysis.CSharp.Syntax.LambdaExpressionSyntax)
            {
                root = parent;
            }

            var values = new HashSet<(string, string)>();
            foreach (var node in root.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access:
                        values.Add((access.Name.Identifier.ValueText, Unqualified(access.Expression.ToString())));
                        break;
                    case Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name when node.Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax:
                        values.Add((name.Identifier.ValueText, "this"));
                        break;
                }
            }

            return values;
        }

        private static string Unqualified(string owner) =>
            owner.StartsWith("this.", System.StringComparison.Ordinal) ? owner.Substring(5) : owner;

        /// <summary>
        /// What a branch tests, when a later test of the same thing can be recognized: a boolean parameter the
        /// method never assigns, a boolean local, or a <see cref="ConditionKey"/> tested more than once in the
        /// method (only those can tie an acquisition to a release).
        /// </summary>
        private (object Key, bool Negated)? TestedCondition(IOperation condition)
        {
            var negated = false;
            var value = StripNegation(condition, ref negated);

            // `held == false`, `false == held`, `held != true`: the variable, negated.
            if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                && (comparison.RightOperand.ConstantValue.Value is bool || comparison.LeftOperand.ConstantValue.Value is bool))
            {
                var constantOnRight = comparison.RightOperand.ConstantValue.Value is bool;
                var constant = (bool)(constantOnRight ? comparison.RightOperand : comparison.LeftOperand).ConstantValue.Value!;
                var variable = StripNegation(constantOnRight ? comparison.LeftOperand : comparison.RightOperand, ref negated);
                if (constant == (comparison.OperatorKind == BinaryOperatorKind.NotEquals))
                {
                    negated = !negated;
                }

                value = variable;
            }

            switch (value)
            {
                case IParameterReferenceOperation { Parameter.Type.SpecialType: SpecialType.System_Boolean, Parameter.RefKind: RefKind.None } parameter
                    when _resolver.Origins.IsUnchanged(parameter.Parameter):
                    return (parameter.Parameter, negated);
                case ILocalReferenceOperation { Local.Type.SpecialType: SpecialType.System_Boolean } local:
                    return (local.Local, negated);
            }

            if (ConditionOf(condition) is { } tested && (tested.Key.Left is not null || RepeatedConditions.Contains(tested.Key.Text)))
            {
                return (tested.Key, tested.Negated);
            }

            return null;
        }

        private static IOperation StripNegation(IOperation condition, ref bool negated)
        {
            while (true)
            {
                switch (condition)
                {
                    case IConversionOperation conversion:
                        condition = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        condition = parenthesized.Operand;
                        continue;
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                        negated = !negated;
                        condition = not.Operand;
                        continue;
                }

                return condition;
            }
        }

        /// <summary>The texts of the conditions that branches in this graph test more than once.</summary>
        private HashSet<string> RepeatedConditions
        {
            get
            {
                if (_repeated is null)
                {
                    var seen = new HashSet<string>();
                    _repeated = new HashSet<string>();
                    foreach (var block in _graph.Blocks)
                    {
                        if (block.ConditionalSuccessor is not null && block.BranchValue is { } branch && ConditionOf(branch) is { } key && !seen.Add(key.Key.Text))
                        {
                            _repeated.Add(key.Key.Text);
                        }
                    }
                }

                return _repeated;
            }
        }

        /// <summary>
        /// A comparison or null test whose operands are constants or nameable paths (<c>state &gt; 0</c>,
        /// <c>a != b</c>, <c>ReferenceEquals(a, b)</c>, <c>x is null</c>, the test a <c>?.</c> makes), in a
        /// normal form: <c>!=</c> is a negated <c>==</c>, <c>&lt;=</c> a negated <c>&gt;</c>.
        /// </summary>
        private (ConditionKey Key, bool Negated)? ConditionOf(IOperation condition)
        {
            if (_conditions.TryGetValue(condition, out var cached))
            {
                return cached;
            }

            var negated = false;
            var value = StripNegation(condition, ref negated);
            (ConditionKey, bool)? result = null;
            switch (value)
            {
                case IIsNullOperation isNull:
                    result = NullTest(isNull.Operand, negated);
                    break;
                case IIsPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } } pattern:
                    result = NullTest(pattern.Value, negated);
                    break;
                case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } } } pattern:
                    result = NullTest(pattern.Value, !negated);
                    break;
                case IBinaryOperation binary:
                    result = Comparison(binary.OperatorKind, binary.LeftOperand, binary.RightOperand, negated);
                    break;
                case IInvocationOperation { TargetMethod: { Name: "ReferenceEquals", IsStatic: true, ContainingType.SpecialType: SpecialType.System_Object }, Arguments.Length: 2 } call:
                    result = Comparison(BinaryOperatorKind.Equals, call.Arguments[0].Value, call.Arguments[1].Value, negated);
                    break;
            }

            _conditions[condition] = result;
            return result;
        }

        private (ConditionKey, bool)? NullTest(IOperation operand, bool negated)
        {
            var depends = ImmutableArray.CreateBuilder<ISymbol>();
            return Operand(operand, depends) is { } text && !text.StartsWith("c:", System.StringComparison.Ordinal)
                ? (new ConditionKey("null(" + text + ")", depends.ToImmutable()), negated)
                : null;
        }

        private (ConditionKey, bool)? Comparison(BinaryOperatorKind kind, IOperation left, IOperation right, bool negated)
        {
            // One normal form per comparison: `!=` is a negated `==`, `<=` a negated `>`, `>=` a negated `<`.
            var (op, flip) = kind switch
            {
                BinaryOperatorKind.Equals => ("==", false),
                BinaryOperatorKind.NotEquals => ("==", true),
                BinaryOperatorKind.GreaterThan => (">", false),
                BinaryOperatorKind.LessThanOrEqual => (">", true),
                BinaryOperatorKind.LessThan => ("<", false),
                BinaryOperatorKind.GreaterThanOrEqual => ("<", true),
                _ => ((string?)null, false),
            };
            if (op is null)
            {
                return null;
            }

            negated ^= flip;

            var depends = ImmutableArray.CreateBuilder<ISymbol>();
            if (Operand(left, depends) is not { } a || Operand(right, depends) is not { } b)
            {
                return null;
            }

            if (op == "==" && (b == "c:null" || a == "c:null"))
            {
                return (new ConditionKey("null(" + (b == "c:null" ? a : b) + ")", depends.ToImmutable()), negated);
            }

            // Reference equality of two paths: on the path where it holds, their locks are one lock.
            var paths = op == "==" && a.StartsWith("p:", System.StringComparison.Ordinal) && b.StartsWith("p:", System.StringComparison.Ordinal)
                && !(left.Type?.IsValueType ?? true) && !(right.Type?.IsValueType ?? true);
            if (op == "==" && string.CompareOrdinal(a, b) > 0)
            {
                (a, b) = (b, a);
            }

            return (new ConditionKey(a + op + b, depends.ToImmutable(), paths ? PathText(a) : null, paths ? PathText(b) : null), negated);
        }

        /// <summary>The access path of an operand's text, without the declarations that tell its locals apart.</summary>
        private static string PathText(string operand)
        {
            var at = operand.IndexOf('@');
            return at < 0 ? operand.Substring(2) : operand.Substring(2, at - 2);
        }

        /// <summary>A constant, or the path of a local, parameter or member, as condition text; null for anything else.</summary>
        private string? Operand(IOperation operand, ImmutableArray<ISymbol>.Builder depends)
        {
            while (operand is IConversionOperation { Conversion.IsImplicit: true } or IParenthesizedOperation)
            {
                operand = operand is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operand).Operand;
            }

            if (operand.ConstantValue.HasValue)
            {
                return "c:" + (operand.ConstantValue.Value?.ToString() ?? "null");
            }

            if (_resolver.PathOf(operand) is not { } path)
            {
                return null;
            }

            // What the path reads: a write to any of it changes the condition. Two locals of one name (two loops'
            // `offset`) are two variables: the path names each by where it is declared.
            var first = depends.Count;
            var stack = new Stack<IOperation>();
            stack.Push(operand);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                switch (current)
                {
                    case ILocalReferenceOperation local:
                        depends.Add(local.Local);
                        if (_resolver.Origins.LocalValue(local.Local) is { } assigned)
                        {
                            stack.Push(assigned);
                        }

                        break;
                    case IParameterReferenceOperation parameter:
                        depends.Add(parameter.Parameter);
                        break;
                    case IFieldReferenceOperation field:
                        depends.Add(field.Field);
                        break;
                    case IPropertyReferenceOperation property:
                        depends.Add(property.Property);
                        break;
                    case IFlowCaptureReferenceOperation capture:
                        if (_resolver.Origins.CaptureValue(capture.Id) is { } captured)
                        {
                            stack.Push(captured);
                        }

                        break;
                }

                foreach (var child in current.ChildOperations)
                {
                    stack.Push(child);
                }
            }

            for (var i = first; i < depends.Count; i++)
            {
                if (depends[i] is ILocalSymbol local && !local.Locations.IsEmpty)
                {
                    path += "@" + local.Name + ":" + local.Locations[0].SourceSpan.Start;
                }
            }

            return "p:" + path;
        }

        /// <summary>The local, parameter, field or property an operation writes, if it writes one.</summary>
        private static ISymbol? WrittenSymbol(IOperation operation)
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };

            return target switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
        }

        /// <summary>
        /// Where a branch finds <c>a == b</c>, a lock reached through one and the same lock reached through the
        /// other are one lock. When only one of them is held: a lock the body took is held under both names
        /// (<c>Monitor.Enter(a.Gate); if (a != b) Monitor.Enter(b.Gate);</c>), and one the callers hand in under
        /// both names ([Releases] on both) is not held under either once the other name was released
        /// (<c>Monitor.Exit(a.Gate); if (a != b) Monitor.Exit(b.Gate);</c>).
        /// </summary>
        private static LockState Unify(LockState state, LockState entry, string left, string right)
        {
            foreach (var held in state.Held)
            {
                var alias = held.Identity.Rebased(left, right) ?? held.Identity.Rebased(right, left);
                if (alias is null || state.FindHeld(alias, held.Mode, exactInstance: true) >= 0)
                {
                    continue;
                }

                if (held.AcquiredBy is not null)
                {
                    state = state.WithHeld(state.Held.Add(new HeldLock(alias, held.Mode, held.Count, held.Definite, held.Location, held.AcquiredBy)));
                }
                else if (entry.FindHeld(alias, held.Mode, exactInstance: true) >= 0)
                {
                    var index = state.FindHeld(held.Identity, held.Mode, exactInstance: true);
                    state = state.WithHeld(state.Held.RemoveAt(index));
                }
            }

            return state;
        }

        private static LockState AssumeNullThrough(LockState state, string path)
        {
            foreach (var link in state.Links)
            {
                if (link.Key is ConditionKey { NullOf: { } longer } && longer.StartsWith(path + ".", System.StringComparison.Ordinal))
                {
                    state = Assume(state, link, true);
                }
            }

            return state;
        }

        /// <summary>True when a condition reads a field or property: another thread may change it between two tests.</summary>
        private static bool ReadsSharedState(object key) =>
            key is ConditionKey condition && condition.DependsOn.Any(s => s is IFieldSymbol or IPropertySymbol);

        /// <summary>The same lock under the other name, on a path where a branch found <c>a == b</c>.</summary>
        private static IEnumerable<LockIdentity> Aliases(LockState state, LockIdentity identity)
        {
            foreach (var known in state.Known)
            {
                if (known.Key is ConditionKey { Left: { } left, Right: { } right } && known.Value
                    && (identity.Rebased(left, right) ?? identity.Rebased(right, left)) is { } alias)
                {
                    yield return alias;
                }
            }
        }

        /// <summary>
        /// The states in which a returned value is true and false: null for a value it cannot be there, both null
        /// when the value is not a constant and is tied to no lock.
        /// </summary>
        private (LockState? WhenTrue, LockState? WhenFalse) ReturnedValueStates(LockState state, IOperation returned)
        {
            if (returned.ConstantValue is { HasValue: true, Value: bool constant })
            {
                return constant ? (state, null) : (null, state);
            }

            var (whenTrue, whenFalse) = Split(state, returned);
            return ReferenceEquals(whenTrue, state) && ReferenceEquals(whenFalse, state) ? (null, null) : (whenTrue, whenFalse);
        }

        /// <summary>The states on the two sides of a branch on <paramref name="condition"/>, where a value or a condition tells whether a lock is held.</summary>
        private (LockState WhenTrue, LockState WhenFalse) Split(LockState state, IOperation condition)
        {
            var negated = false;
            var value = StripNegation(condition, ref negated);
            var key = LockEffectResolver.ValueKey(value);
            var links = key is null ? ImmutableArray<ValueLink>.Empty : state.FindLinks(key, LinkKind.Condition);
            if (links.IsEmpty && state.Links.Any(l => l.Key is ConditionKey) && ConditionOf(condition) is { } tested)
            {
                links = state.FindLinks(tested.Key, LinkKind.Condition);
                negated = tested.Negated;
            }

            if (links.IsEmpty)
            {
                return (state, state);
            }

            var whenTrue = state;
            var whenFalse = state;
            foreach (var link in links)
            {
                // One flag set on two paths (`Monitor.Enter(o, ref taken)` on one, `Monitor.TryEnter(o, t, ref taken)` on
                // the other) ties one lock twice: it says once whether that lock is held, by the link that already took it.
                var same = Tying(links, link);
                if (!ReferenceEquals(same, link))
                {
                    whenTrue = WithApplied(whenTrue, link);
                    whenFalse = WithApplied(whenFalse, link);
                    continue;
                }

                whenTrue = Assume(whenTrue, link, true);
                whenFalse = Assume(whenFalse, link, false);
            }

            return negated ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
        }

        /// <summary>The link that speaks for <paramref name="link"/>'s lock among <paramref name="links"/>: the first that already took it, else the first.</summary>
        private static ValueLink Tying(ImmutableArray<ValueLink> links, ValueLink link)
        {
            ValueLink? first = null;
            foreach (var other in links)
            {
                if (other.Lock.SameLock(link.Lock) && other.WhenValue == link.WhenValue)
                {
                    if (other.AlreadyApplied)
                    {
                        return other;
                    }

                    first ??= other;
                }
            }

            return first ?? link;
        }

        /// <summary>A pending try-acquisition's link, once its flag is tested, says the lock is already taken or not, like the others.</summary>
        private static LockState WithApplied(LockState state, ValueLink link) =>
            link.AlreadyApplied || link.IsTemporary
                ? state
                : state.WithoutLink(link).WithLink(new ValueLink(link.Key, link.Kind, link.Lock, link.WhenValue, alreadyApplied: true));

        private static LockState Assume(LockState state, ValueLink link, bool value)
        {
            var held = value == link.WhenValue;
            var index = state.FindHeld(link.Lock.Identity, link.Lock.Mode, exactInstance: true);
            if (link.AlreadyApplied)
            {
                if (held)
                {
                    return index >= 0
                        ? state.WithHeld(state.Held.SetItem(index, state.Held[index].WithDefinite(true)))
                        : state.WithHeld(state.Held.Add(link.Lock));
                }

                return index >= 0 ? ReleaseOne(state, index) : state;
            }

            // Once tested, a try-acquisition's flag says whether the lock is held from then on: testing it
            // again (`if (taken) Monitor.Exit(o)` in the finally) must not take the lock a second time.
            if (!link.IsTemporary)
            {
                state = state.WithoutLink(link).WithLink(new ValueLink(link.Key, link.Kind, link.Lock, link.WhenValue, alreadyApplied: true));
            }

            return held ? Acquire(state, link.Lock).State : state;
        }
    }
}
