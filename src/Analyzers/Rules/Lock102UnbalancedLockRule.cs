using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK102: a lock not released on every path, a release of a lock that is not held, and a
    /// method body that does not do what its own [Acquires]/[Releases] say.
    /// </summary>
    /// <remarks>
    /// Bad: <c>_gate.Wait(); if (empty) return; ... _gate.Release();</c> — the early return keeps the gate.
    /// Good: <c>_gate.Wait(); try { ... } finally { _gate.Release(); }</c>.
    /// The methods of a lock type itself (nameless [Acquires]/[Releases] on this) are trusted.
    /// </remarks>
    internal sealed class Lock102UnbalancedLockRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.UnbalancedLock;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            if (effect.Kind != EffectKind.Release || context.Contract.IsLockImplementation)
            {
                return;
            }

            var released = effect.Lock;
            if (released.Key is null && released.LockClass is null)
            {
                return;
            }

            var anyPath = false;
            foreach (var held in before.Held)
            {
                if (held.Identity.Matches(released) && (effect.AnyMode || held.Mode == effect.Mode))
                {
                    if (held.Definite)
                    {
                        return;
                    }

                    anyPath = true;
                }
            }

            var what = $"'{released.ClassOrDisplay}' ({released.Display})";
            context.Report(Descriptor, effect.Location, null, anyPath
                ? $"{what} is released here but is not held on every path to this point; on the others the release throws or over-releases"
                : $"{what} is released here but is not held; releasing a lock this thread does not hold throws SynchronizationLockException or over-releases a semaphore");
        }

        /// <summary>
        /// [TryAcquires(WhenReturns)] means "held if and only if it returned WhenReturns": each return of a
        /// constant, or of a value tied to the lock, is checked both ways. [Acquires(On = "return")] means the
        /// returned object's lock is held: each return is checked against the object it returns.
        /// </summary>
        public override void OnReturn(MethodRuleContext context, IOperation value, LockState state, LockState? whenTrue, LockState? whenFalse)
        {
            if (context.Contract.IsLockImplementation)
            {
                return;
            }

            foreach (var own in context.OwnClaims)
            {
                if (own.Claim.Kind != ClaimKind.TryAcquires)
                {
                    continue;
                }

                var what = $"'{own.Identity.ClassOrDisplay}' ({own.Identity.Display})";
                var success = own.Claim.WhenReturns;
                var held = success ? whenTrue : whenFalse;
                var notHeld = success ? whenFalse : whenTrue;
                var returns = success ? "true" : "false";
                var other = success ? "false" : "true";
                if (held is not null && !(held.FindHeld(own.Identity, null, exactInstance: false) is var index and >= 0 && held.Held[index].Definite))
                {
                    context.Report(Descriptor, value.Syntax.GetLocation(), null,
                        $"'{context.MethodName}' declares [TryAcquires] of {what} when it returns {returns}, but returns {returns} here without holding it on every path");
                }

                if (notHeld is not null && notHeld.FindHeld(own.Identity, null, exactInstance: false) >= 0)
                {
                    context.Report(Descriptor, value.Syntax.GetLocation(), null,
                        $"'{context.MethodName}' declares [TryAcquires] of {what} when it returns {returns}, but returns {other} here while it may still hold it; its callers will never release it");
                }
            }

            foreach (var claim in context.Contract.Claims)
            {
                if (claim.Kind != ClaimKind.Acquires || !claim.IsOnReturn)
                {
                    continue;
                }

                var returned = context.Resolver.ResolveClaim(claim, context.Resolver.PathOf(value), value.Type, value, context.Method);
                if (returned is null)
                {
                    continue;
                }

                var index = state.FindHeld(returned, null, exactInstance: false);
                if (index >= 0 && state.Held[index].Definite)
                {
                    context.ReturnedLocks.Add(state.Held[index].Identity);
                    continue;
                }

                context.Report(Descriptor, value.Syntax.GetLocation(), null,
                    $"'{context.MethodName}' declares [Acquires] on the object it returns, but returns '{returned.ClassOrDisplay}' ({returned.Display}) here without holding it");
            }
        }

        public override void OnExit(MethodRuleContext context, LockState exit)
        {
            if (context.Contract.IsLockImplementation)
            {
                return;
            }

            foreach (var held in exit.Held)
            {
                if (context.Entry.FindHeld(held.Identity, held.Mode, exactInstance: true) >= 0 || held.AcquiredBy is null
                    || context.ReturnedLocks.Exists(r => r.Equals(held.Identity)))
                {
                    continue;
                }

                var declared = FindOwnClaim(context, held.Identity, ClaimKind.Acquires) ?? FindOwnClaim(context, held.Identity, ClaimKind.TryAcquires);
                if (declared is not null || (held.Identity.LockClass is { } heldClass && context.OrdersInstancesOf(heldClass)))
                {
                    continue;
                }

                var what = $"'{held.Identity.ClassOrDisplay}' ({held.Identity.Display})";
                context.Report(Descriptor, held.Location, null, held.Definite
                    ? $"{what} taken here is still held when '{context.MethodName}' returns; release it in a finally block, or declare [Acquires] if returning with it held is the point"
                    : $"{what} taken here is not released on every path through '{context.MethodName}'; a path that keeps it blocks every other thread forever");
            }

            foreach (var own in context.OwnClaims)
            {
                var index = exit.FindHeld(own.Identity, null, exactInstance: false);
                var what = $"'{own.Identity.ClassOrDisplay}' ({own.Identity.Display})";
                switch (own.Claim.Kind)
                {
                    case ClaimKind.Acquires when (index < 0 || !exit.Held[index].Definite) && !HoldsEnoughOrderedInstances(context, own.Identity, exit):
                        context.Report(Descriptor, context.MethodLocation, null,
                            $"'{context.MethodName}' declares [Acquires] of {what} but returns without holding it on {(index < 0 ? "any" : "every")} path");
                        break;
                    case ClaimKind.Releases when index >= 0:
                        context.Report(Descriptor, context.MethodLocation, null,
                            $"'{context.MethodName}' declares [Releases] of {what} but may return still holding it");
                        break;
                    case ClaimKind.RequiresHeld or ClaimKind.TemporarilyReleases when (index < 0 || !exit.Held[index].Definite)
                        && FindOwnClaim(context, own.Identity, ClaimKind.Releases) is null:
                        context.Report(Descriptor, context.MethodLocation, null,
                            $"'{context.MethodName}' is called with {what} held and returns without it, but does not declare [Releases]; its callers still believe they hold it");
                        break;
                }
            }
        }

        /// <summary>
        /// A method that acquires several instances of one class decides their order at run time
        /// (by id, by address): it keeps its contract if it returns holding that many instances.
        /// </summary>
        private static bool HoldsEnoughOrderedInstances(MethodRuleContext context, LockIdentity claimed, LockState exit)
        {
            if (claimed.LockClass is not { } lockClass || !context.OrdersInstancesOf(lockClass))
            {
                return false;
            }

            var declared = 0;
            foreach (var own in context.OwnClaims)
            {
                if (own.Claim.Kind == ClaimKind.Acquires && own.Identity.LockClass == lockClass)
                {
                    declared++;
                }
            }

            var held = 0;
            foreach (var h in exit.Held)
            {
                if (h.Definite && h.Identity.LockClass == lockClass)
                {
                    held += h.Count;
                }
            }

            return held >= declared;
        }

        private static OwnClaim? FindOwnClaim(MethodRuleContext context, LockIdentity identity, ClaimKind kind)
        {
            foreach (var own in context.OwnClaims)
            {
                if (own.Claim.Kind == kind && own.Identity.Matches(identity))
                {
                    return own;
                }
            }

            return null;
        }
    }
}
