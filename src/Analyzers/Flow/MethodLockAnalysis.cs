using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// Runs the lock-state flow over one member's graph, and over the graphs of the lambdas and
    /// local functions inside it, and hands every effect and call to the rules.
    /// </summary>
    internal static class MethodLockAnalysis
    {
        /// <summary>Analyzes <paramref name="graph"/>; returns false when the flow did not settle and nothing was checked.</summary>
        /// <param name="defer">
        /// Null to check calls made under locks at once, against summaries computed on demand (the
        /// editor). Otherwise the calls wait, and each body with waiting calls is handed here, to be
        /// replayed once every body's summary is known (a build).
        /// </param>
        public static bool Analyze(
            ControlFlowGraph graph, IMethodSymbol method, IMethodSymbol member, MethodContract contract, LockProgram program,
            ImmutableArray<MethodRule> rules, Action<Diagnostic> report, Action<OrderEdge> addEdge, Action<MethodReporter>? defer,
            CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var resolver = new LockEffectResolver(program.Model, new ValueOrigins(graph));
            var ownClaims = ResolveOwnClaims(method, contract, resolver);
            var entry = EntryState(method, ownClaims, contract);
            entry = WithLocksReleasedFirst(entry, graph, resolver);
            var reporter = new MethodReporter(program.Model, method, member, contract, rules, report, addEdge);
            var context = new MethodRuleContext(program, resolver, reporter, ownClaims, entry);
            var analysis = LockFlowAnalysis.Run(graph, resolver, entry, new RuleObserver(context, rules, defer is not null));
            if (reporter.IsWaiting)
            {
                defer!(reporter);
            }

            if (analysis is null)
            {
                return false;
            }

            if (analysis.ExitState is { } exit)
            {
                foreach (var rule in rules)
                {
                    rule.OnExit(context, exit);
                }
            }

            foreach (var function in analysis.NestedFunctions)
            {
                var nested = program.Model.GetContract(function.Symbol);
                if (!nested.NoAnalysis)
                {
                    Analyze(graph.GetAnonymousFunctionControlFlowGraph(function, cancellationToken), function.Symbol, member, nested, program, rules, report, addEdge, defer, cancellationToken);
                }
            }

            foreach (var localFunction in graph.LocalFunctions)
            {
                var nested = program.Model.GetContract(localFunction);
                if (!nested.NoAnalysis)
                {
                    Analyze(graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken), localFunction, member, nested, program, rules, report, addEdge, defer, cancellationToken);
                }
            }

            return true;
        }

        /// <summary>The method's own claims as locks of its parameters and of <c>this</c>; a lock type's own methods are left out.</summary>
        private static ImmutableArray<OwnClaim> ResolveOwnClaims(IMethodSymbol method, MethodContract contract, LockEffectResolver resolver)
        {
            if (contract.Claims.IsEmpty)
            {
                return ImmutableArray<OwnClaim>.Empty;
            }

            var result = ImmutableArray.CreateBuilder<OwnClaim>();
            foreach (var claim in contract.Claims)
            {
                if (claim.IsSelfLock || claim.IsOnReturn)
                {
                    continue;
                }

                string? path;
                ITypeSymbol? type;
                if (claim.IsOnThis)
                {
                    path = method.IsStatic ? null : "this";
                    type = method.ContainingType;
                }
                else
                {
                    var parameter = method.Parameters.FirstOrDefault(p => p.Name == claim.On);
                    if (parameter is null)
                    {
                        continue;
                    }

                    path = parameter.Name;
                    type = parameter.Type;
                }

                var identity = resolver.ResolveClaim(claim, path, type, null, method);
                if (identity is not null)
                {
                    result.Add(new OwnClaim(claim, identity));
                }
            }

            return result.ToImmutable();
        }

        /// <summary>The object whose state a claim of the method's own contract names, as a path in its body.</summary>
        public static string? OwnStateOwner(IMethodSymbol method, StateClaim claim) =>
            claim.On == "this"
                ? (method.IsStatic ? "static:" + method.ContainingType.Name : "this")
                : method.Parameters.Any(p => p.Name == claim.On) ? claim.On : null;

        /// <summary>
        /// A body starts holding what its callers must hold ([RequiresHeld], [Releases],
        /// [TemporarilyReleases]) and in the states they must have established ([RequiresState]).
        /// </summary>
        private static LockState EntryState(IMethodSymbol method, ImmutableArray<OwnClaim> ownClaims, MethodContract contract)
        {
            var states = ImmutableArray.CreateBuilder<ProtocolState>();
            foreach (var claim in contract.States)
            {
                if (!claim.Establishes && OwnStateOwner(method, claim) is { } owner)
                {
                    states.Add(new ProtocolState(claim.State, owner, null, claim.GetLocation() ?? Location.None));
                }
            }

            return EntryLocks(method, ownClaims).WithStates(states.ToImmutable());
        }

        /// <summary>
        /// A body whose first operation on a lock, in source order, releases it and that takes it again
        /// later is entered holding that lock (an unwritten [TemporarilyReleases]): it starts held, so the
        /// release is not "not held", and taking it back before returning is not "still held" (LOCK102).
        /// A body that only releases is still reported: it wants [Releases].
        /// </summary>
        private static LockState WithLocksReleasedFirst(LockState entry, ControlFlowGraph graph, LockEffectResolver resolver)
        {
            List<(LockEffect Effect, int Position)>? first = null;
            var acquired = new List<LockIdentity>();
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }))
                {
                    foreach (var invocation in operation.DescendantsAndSelf().OfType<IInvocationOperation>())
                    {
                        // The cheap filter first: most calls touch no lock.
                        if (!LockEffectResolver.MayAffectLocks(invocation, resolver.Model))
                        {
                            continue;
                        }

                        foreach (var effect in resolver.EffectsOf(invocation))
                        {
                            if (effect.Kind is not (EffectKind.Acquire or EffectKind.TryAcquire or EffectKind.Release))
                            {
                                continue;
                            }

                            first ??= new List<(LockEffect, int)>();
                            if (effect.Kind != EffectKind.Release)
                            {
                                acquired.Add(effect.Lock);
                            }

                            var position = invocation.Syntax.SpanStart;
                            var index = first.FindIndex(f => f.Effect.Lock.Equals(effect.Lock));
                            if (index < 0)
                            {
                                first.Add((effect, position));
                            }
                            else if (position < first[index].Position)
                            {
                                first[index] = (effect, position);
                            }
                        }
                    }
                }
            }

            if (first is null)
            {
                return entry;
            }

            var held = entry.Held.ToBuilder();
            foreach (var (effect, _) in first)
            {
                if (effect.Kind == EffectKind.Release && effect.Lock.LockClass is not null && acquired.Exists(a => a.Equals(effect.Lock))
                    && !held.Any(h => h.Identity.Equals(effect.Lock)))
                {
                    held.Add(new HeldLock(effect.Lock, effect.Mode, 1, definite: true, effect.Location, acquiredBy: null));
                }
            }

            return held.Count == entry.Held.Length ? entry : entry.WithHeld(held.ToImmutable());
        }

        private static LockState EntryLocks(IMethodSymbol method, ImmutableArray<OwnClaim> ownClaims)
        {
            var held = ImmutableArray.CreateBuilder<HeldLock>();
            foreach (var own in ownClaims)
            {
                if (own.Claim.Kind is ClaimKind.RequiresHeld or ClaimKind.Releases or ClaimKind.TemporarilyReleases
                    && !held.Any(h => h.Identity.Equals(own.Identity)))
                {
                    var location = own.Claim.GetLocation() ?? (method.Locations.IsEmpty ? Location.None : method.Locations[0]);
                    held.Add(new HeldLock(own.Identity, own.Claim.Mode, 1, definite: true, location, acquiredBy: null));
                }
            }

            return held.Count == 0 ? LockState.Empty : LockState.Empty.WithHeld(held.ToImmutable());
        }

        private sealed class RuleObserver : ILockObserver
        {
            private readonly MethodRuleContext _context;
            private readonly ImmutableArray<MethodRule> _rules;
            private readonly bool _deferCalls;

            public RuleObserver(MethodRuleContext context, ImmutableArray<MethodRule> rules, bool deferCalls)
            {
                _context = context;
                _rules = rules;
                _deferCalls = deferCalls;
            }

            public void OnCall(IOperation call, LockState before)
            {
                _context.Program.EntryLocks.Record(call, before);
                if (before.Held.IsEmpty)
                {
                    return;
                }

                if (_deferCalls)
                {
                    if (_context.Program.Summaries.DescribeSite(call, _context.Resolver) is { } site)
                    {
                        _context.Reporter.Defer(site.WithKnown(before.Known), before.Held);
                    }

                    return;
                }

                var acquisitions = _context.MayAcquireAt(call, before.Known);
                if (!acquisitions.IsEmpty)
                {
                    _context.Reporter.CheckCall(new LockedCall(LockEffectResolver.CallLocation(call), before.Held, acquisitions));
                }
            }

            public void OnReturn(IOperation value, LockState state, LockState? whenTrue, LockState? whenFalse)
            {
                foreach (var rule in _rules)
                {
                    rule.OnReturn(_context, value, state, whenTrue, whenFalse);
                }
            }

            public void OnEffect(LockEffect effect, LockState before)
            {
                foreach (var rule in _rules)
                {
                    rule.OnEffect(_context, effect, before);
                }
            }
        }
    }
}
