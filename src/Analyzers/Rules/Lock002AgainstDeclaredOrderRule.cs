using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK002: a lock taken while a lock that the declared order puts after it is held.
    /// </summary>
    /// <remarks>
    /// Bad: <c>[assembly: LockOrder("A", "B")]</c> then <c>lock (b) { lock (a) { } }</c>.
    /// Good: <c>lock (a) { lock (b) { } }</c>. Try-acquisitions cannot block and are not checked.
    /// </remarks>
    internal sealed class Lock002AgainstDeclaredOrderRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.AgainstDeclaredOrder;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            var taken = effect.Lock.LockClass;
            if (effect.Kind != EffectKind.Acquire || taken is null || before.Held.IsEmpty || context.Model.Order.IsEmpty)
            {
                return;
            }

            foreach (var held in before.Held)
            {
                var heldClass = held.Identity.LockClass;
                if (heldClass is not null && heldClass != taken && context.Model.Order.Precedes(taken, heldClass))
                {
                    context.Report(Descriptor, effect.Location, new[] { held.Location }, taken, effect.Lock.Display, heldClass, held.Identity.Display);
                    return;
                }
            }
        }

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            if (reporter.Model.Order.IsEmpty)
            {
                return;
            }

            foreach (var acquisition in call.Acquisitions)
            {
                if (acquisition.LockClass is not { } taken)
                {
                    continue;
                }

                foreach (var held in call.Held)
                {
                    var heldClass = held.Identity.LockClass;
                    if (heldClass is not null && heldClass != taken && reporter.Model.Order.Precedes(taken, heldClass))
                    {
                        var display = acquisition.Display + ", through " + string.Join(" → ", acquisition.Through);
                        reporter.Report(Descriptor, call.Location, new[] { held.Location, acquisition.Path[acquisition.Path.Length - 1].Location }, null,
                            taken, display, heldClass, held.Identity.Display);
                        return;
                    }
                }
            }
        }
    }
}
