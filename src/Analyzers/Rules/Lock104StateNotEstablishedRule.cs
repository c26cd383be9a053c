using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK104: a call that requires a protocol state ([RequiresState]) of an object that does not
    /// hold on every path: never established, or ended by releasing the lock that kept it valid.
    /// A body is also checked to establish what its own [EstablishesState] declares.
    /// </summary>
    /// <remarks>
    /// Bad: <c>FreeBlocks(inode, 0, n)</c> with no <c>BreakLayouts(inode)</c> before it, or after the invalidate lock was dropped.
    /// Good: <c>BreakLayouts(inode); FreeBlocks(inode, 0, n);</c> inside one hold of <c>inode.InvalidateLock</c>.
    /// </remarks>
    internal sealed class Lock104StateNotEstablishedRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.StateNotEstablished;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            if (effect.Kind == EffectKind.EstablishState && effect.StateName is { } established && effect.StateOwner is { } of)
            {
                context.NoteEstablished(established, of);
                return;
            }

            if (effect.Kind != EffectKind.RequireState || effect.StateName is not { } name || effect.StateOwner is not { } owner)
            {
                return;
            }

            if (before.States.Any(s => s.Name == name && s.Owner == owner))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.State, name);
            context.Report(Descriptor, effect.Location, null, properties,
                $"'{effect.OperationName}' requires state '{name}' on {Display(owner)}, which does not hold here: it was never established on some path, or the lock that kept it valid was released since");
        }

        public override void OnExit(MethodRuleContext context, LockState exit)
        {
            foreach (var claim in context.Contract.States)
            {
                // A method that establishes the state by its own work (the leaf of the protocol) is its
                // definition; one that delegates to other establishers must reach them on every path.
                if (!claim.Establishes || MethodLockAnalysis.OwnStateOwner(context.Method, claim) is not { } owner
                    || !context.Established(claim.State, owner))
                {
                    continue;
                }

                if (!exit.States.Any(s => s.Name == claim.State && s.Owner == owner))
                {
                    context.Report(Descriptor, context.MethodLocation, null,
                        $"'{context.MethodName}' declares [EstablishesState(\"{claim.State}\")] on {Display(owner)} but returns without it on some path");
                }
            }
        }

        private static string Display(string owner) =>
            owner.StartsWith("static:", System.StringComparison.Ordinal) ? owner.Substring(7) : owner.StartsWith("this.", System.StringComparison.Ordinal) ? owner.Substring(5) : owner;
    }
}
