using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK004: two instances of one lock class nested where nothing decides their order.
    /// </summary>
    /// <remarks>
    /// Bad: <c>lock (from.Gate) { lock (to.Gate) { ... } }</c> — Transfer(a, b) and Transfer(b, a) deadlock.
    /// Good: take both in one method whose contract acquires both, ordering them by a key inside it.
    /// </remarks>
    internal sealed class Lock004UnorderedInstancesRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.UnorderedInstances;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            var lockClass = effect.Lock.LockClass;
            if (effect.Kind != EffectKind.Acquire || lockClass is null || !effect.Lock.IsInstanceKnown || before.Held.IsEmpty || effect.ExplicitNesting)
            {
                return;
            }

            if (context.OrdersInstancesOf(lockClass))
            {
                return;
            }

            foreach (var held in before.Held)
            {
                if (held.Identity.LockClass != lockClass || !held.Identity.IsInstanceKnown || held.Identity.Key == effect.Lock.Key)
                {
                    continue;
                }

                if (effect.OrderedByCallee && ReferenceEquals(held.AcquiredBy, effect.Site))
                {
                    continue;
                }

                context.Report(Descriptor, effect.Location, new[] { held.Location }, lockClass, effect.Lock.Display, held.Identity.Display);
                return;
            }
        }

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            foreach (var acquisition in call.Acquisitions)
            {
                if (acquisition.LockClass is not { } lockClass || acquisition.Key is not { } key || reporter.OrdersInstancesOf(lockClass))
                {
                    continue;
                }

                foreach (var held in call.Held)
                {
                    if (held.Identity.LockClass == lockClass && held.Identity.Key is { } heldKey && heldKey != key)
                    {
                        var display = acquisition.Display + ", through " + string.Join(" → ", acquisition.Through) + ",";
                        reporter.Report(Descriptor, call.Location, new[] { held.Location, acquisition.Path[acquisition.Path.Length - 1].Location }, null,
                            lockClass, display, held.Identity.Display);
                        return;
                    }
                }
            }
        }
    }
}
