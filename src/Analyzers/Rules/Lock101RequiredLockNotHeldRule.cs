using System.Collections.Immutable;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK101: a call that requires a lock held (or held exclusively) made without it; also
    /// Monitor.Wait/Pulse on an object the thread does not hold.
    /// </summary>
    /// <remarks>
    /// Bad: <c>public void Reset() => AddToTotal(-_total);</c> where AddToTotal is [RequiresHeld("Ledger.Gate")].
    /// Good: <c>lock (_gate) { AddToTotal(-_total); }</c>, or mark Reset [RequiresHeld] too.
    /// </remarks>
    internal sealed class Lock101RequiredLockNotHeldRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.RequiredLockNotHeld;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            if (effect.Kind is not (EffectKind.RequireHeld or EffectKind.TemporarilyRelease))
            {
                return;
            }

            var required = effect.Lock;
            if (required.Key is null && required.LockClass is null)
            {
                return;
            }

            HeldLock? sharedOnly = null;
            HeldLock? onSomePaths = null;
            foreach (var held in before.Held)
            {
                if (!held.Identity.Matches(required))
                {
                    continue;
                }

                if (!held.Definite)
                {
                    onSomePaths ??= held;
                }
                else if (effect.SharedSuffices || held.Mode == LockMode.Exclusive)
                {
                    return;
                }
                else
                {
                    sharedOnly ??= held;
                }
            }

            // Only a lock with a shared mode can be held any other way than exclusively.
            var exclusively = effect.SharedSuffices || required.Primitive is not (LockPrimitive.ReaderWriterLockSlim or LockPrimitive.Custom) ? string.Empty : " exclusively";
            if (sharedOnly is not null)
            {
                context.Report(Descriptor, effect.Location, new[] { sharedOnly.Location }, effect.OperationName, required.ClassOrDisplay, required.Display, exclusively,
                    $"it is held only in {(sharedOnly.Mode == LockMode.Shared ? "read" : "upgradeable")} mode here");
            }
            else if (onSomePaths is not null)
            {
                context.Report(Descriptor, effect.Location, new[] { onSomePaths.Location }, effect.OperationName, required.ClassOrDisplay, required.Display, exclusively,
                    "it is not held on every path to this call");
            }
            else
            {
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(FixProperties.LockClass, required.LockClass)
                    .Add(FixProperties.Owner, required.Owner)
                    .Add(FixProperties.Shared, effect.SharedSuffices ? "true" : "false");
                context.Report(Descriptor, effect.Location, null, properties, effect.OperationName, required.ClassOrDisplay, required.Display, exclusively,
                    "it is not held here");
            }
        }
    }
}
