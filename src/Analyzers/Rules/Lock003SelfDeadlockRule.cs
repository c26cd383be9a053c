using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK003: a non-recursive lock taken again by the thread that holds it, or an [Excludes]
    /// method called with its lock held.
    /// </summary>
    /// <remarks>
    /// Bad: <c>_gate.Wait(); Refill(); _gate.Release();</c> where <c>Refill</c> also waits on <c>_gate</c>.
    /// Good: split the locked body into a method that [RequiresHeld] the gate and call it under one Wait.
    /// Monitor, the lock statement and System.Threading.Lock are re-entrant and never reported.
    /// </remarks>
    internal sealed class Lock003SelfDeadlockRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.SelfDeadlock;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            switch (effect.Kind)
            {
                case EffectKind.Acquire:
                case EffectKind.TryAcquire:
                    CheckRecursion(context, effect, before);
                    break;
                case EffectKind.Exclude:
                    foreach (var held in before.Held)
                    {
                        if (held.Definite && held.Identity.Matches(effect.Lock))
                        {
                            context.Report(
                                Descriptor, effect.Location, new[] { held.Location },
                                $"'{effect.OperationName}' excludes '{effect.Lock.ClassOrDisplay}' ({held.Identity.Display}), which is held here; it takes that lock itself, so this thread would wait for itself");
                            return;
                        }
                    }

                    break;
            }
        }

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            foreach (var acquisition in call.Acquisitions)
            {
                if (acquisition.Key is not { } key || acquisition.Primitive.IsReentrant() || acquisition.Retaken)
                {
                    continue;
                }

                foreach (var held in call.Held)
                {
                    if (!held.Definite || held.Identity.Key != key || held.Identity.IsReentrant)
                    {
                        continue;
                    }

                    var through = string.Join(" → ", acquisition.Through);
                    var message = held.Identity.Primitive == LockPrimitive.ReaderWriterLockSlim
                        ? ReaderWriterConflict(held.Mode, acquisition.Mode, held.Identity, through)
                        : $"'{held.Identity.ClassOrDisplay}' ({held.Identity.Display}) is taken again, through {through}, while {Holder(held.Identity, reporter.Method)} already holds it; {held.Identity.Primitive.Describe()} is not re-entrant, so {Waiter(held.Identity, reporter.Method)} waits for itself forever";
                    if (message is not null)
                    {
                        reporter.Report(Descriptor, call.Location, new[] { held.Location, acquisition.Path[acquisition.Path.Length - 1].Location }, null, message);
                        return;
                    }
                }
            }
        }

        private void CheckRecursion(MethodRuleContext context, LockEffect effect, LockState before)
        {
            var identity = effect.Lock;
            if (!identity.IsInstanceKnown || identity.IsReentrant)
            {
                return;
            }

            foreach (var held in before.Held)
            {
                if (!held.Definite || !held.Identity.Equals(identity))
                {
                    continue;
                }

                string? message;
                if (identity.Primitive == LockPrimitive.ReaderWriterLockSlim || held.Mode != LockMode.Exclusive || effect.Mode != LockMode.Exclusive)
                {
                    message = ReaderWriterConflict(held.Mode, effect.Mode, identity);
                }
                else if (effect.Kind == EffectKind.TryAcquire)
                {
                    // A try on a held non-recursive lock fails instead of blocking.
                    message = null;
                }
                else
                {
                    message = $"'{identity.ClassOrDisplay}' ({identity.Display}) is taken again while {Holder(identity, context.Method)} already holds it; {identity.Primitive.Describe()} is not re-entrant, so {Waiter(identity, context.Method)} waits for itself forever";
                }

                if (message is not null)
                {
                    context.Report(Descriptor, effect.Location, new[] { held.Location }, message);
                    return;
                }
            }
        }

        /// <param name="through">The calls that take it again, when it is not taken here directly.</param>
        private static string? ReaderWriterConflict(LockMode held, LockMode taken, LockIdentity identity, string? through = null)
        {
            var name = $"'{identity.ClassOrDisplay}' ({identity.Display})" + (through is null ? string.Empty : ", through " + through + ",");
            if (held == LockMode.Shared && taken != LockMode.Shared)
            {
                return $"{name} is entered in {Describe(taken)} mode while this thread holds it in read mode; a read lock cannot be upgraded (ReaderWriterLockSlim throws LockRecursionException, and two upgrading readers would deadlock): take it in upgradeable mode first";
            }

            if (identity.AllowsRecursion || (held == LockMode.Upgradeable && taken != LockMode.Upgradeable))
            {
                return null;
            }

            return identity.Primitive == LockPrimitive.ReaderWriterLockSlim
                ? $"{name} is entered in {Describe(taken)} mode while this thread already holds it in {Describe(held)} mode; ReaderWriterLockSlim is not re-entrant here and throws LockRecursionException"
                : $"{name} is entered in {Describe(taken)} mode while this thread already holds it in {Describe(held)} mode; {identity.Primitive.Describe()} is not re-entrant, so the thread waits for itself forever";
        }

        private static string Describe(LockMode mode) => mode switch
        {
            LockMode.Shared => "read",
            LockMode.Upgradeable => "upgradeable",
            _ => "write",
        };

        /// <summary>
        /// Who holds it: a SemaphoreSlim held in an async method belongs to the async flow, which may resume
        /// on any thread; every other lock here belongs to the thread.
        /// </summary>
        private static string Holder(LockIdentity identity, IMethodSymbol method) =>
            IsAsyncFlow(identity, method) ? "this async flow" : "this thread";

        private static string Waiter(LockIdentity identity, IMethodSymbol method) =>
            IsAsyncFlow(identity, method) ? "the flow" : "the thread";

        private static bool IsAsyncFlow(LockIdentity identity, IMethodSymbol method) =>
            identity.Primitive == LockPrimitive.SemaphoreSlim && method.IsAsync;
    }
}
