using System.Linq;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK001: records the order edges of a method — holding A while taking B, directly or through
    /// a call whose summary takes B — for the compilation's lock-order graph, whose cycles are
    /// possible deadlocks.
    /// </summary>
    /// <remarks>
    /// Bad: <c>Transfer</c> takes <c>_accounts</c> then <c>_audit</c>; <c>FlushAudit</c> takes <c>_audit</c> then calls
    /// <c>Snapshot</c>, which takes <c>_accounts</c>. Good: one order everywhere, declared with [LockOrder].
    /// Try-acquisitions add no edge (they cannot block); nesting within one class is LOCK004.
    /// </remarks>
    internal sealed class Lock001LockOrderCycleRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.LockOrderCycle;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            if (effect.Kind != EffectKind.Acquire || effect.Lock.LockClass is not { } taken)
            {
                return;
            }

            // Taking again a re-entrant lock this thread already holds cannot block: it orders nothing.
            if (effect.Lock.IsReentrant && effect.Lock.Key is { } key && before.Held.Any(h => h.Definite && h.Identity.Key == key))
            {
                return;
            }

            var reentrantKey = EntryLocks.ReentrantKey(context.Method, context.Member, effect.Lock.Key, effect.Lock.IsReentrant, effect.Lock.Owner);
            foreach (var held in before.Held)
            {
                if (held.Identity.LockClass is { } heldClass && heldClass != taken)
                {
                    context.AddEdge(new OrderEdge(heldClass, taken, OrderEdge.KeyOf(context.Member), context.MethodName, held.Location,
                        CallPath.Of(new CallStep(effect.OperationName, effect.Location)), reentrantKey));
                }
            }
        }

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            foreach (var acquisition in call.Acquisitions)
            {
                if (acquisition.LockClass is not { } taken)
                {
                    continue;
                }

                if (acquisition.Primitive.IsReentrant() && acquisition.Key is { } key && call.Held.Any(h => h.Definite && h.Identity.Key == key))
                {
                    continue;
                }

                var reentrantKey = EntryLocks.ReentrantKey(reporter.Method, reporter.Member, acquisition.Key, acquisition.Primitive.IsReentrant(), acquisition.Owner);
                foreach (var held in call.Held)
                {
                    if (held.Identity.LockClass is { } heldClass && heldClass != taken)
                    {
                        reporter.AddEdge(new OrderEdge(heldClass, taken, OrderEdge.KeyOf(reporter.Member), reporter.MethodName, held.Location, acquisition.Path, reentrantKey));
                    }
                }
            }
        }
    }
}
