using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK103: a [MustRecheck] value read before taking the lock that protects it, and not read
    /// again (from the same object) while that lock is held — or read under it and not read again
    /// after a [TemporarilyReleases] call dropped the lock. A read after the last such call is the recheck.
    /// </summary>
    /// <remarks>
    /// Bad: <c>if (index >= inode.Size) return; lock (table.Ptl) { Install(); }</c> — a truncate may shrink the file in between.
    /// Good: check again under the lock: <c>lock (table.Ptl) { if (index >= inode.Size) return; Install(); }</c>.
    /// </remarks>
    internal sealed class Lock103StaleValueRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.StaleValue;

        public override void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
            // A [TemporarilyReleases] call is no deadline: a value read before it must be read again after it,
            // before the lock is really released, and a read made after it counts.
            if (effect.Kind is not EffectKind.Release)
            {
                return;
            }

            foreach (var read in before.Reads)
            {
                if (read.NeedsRecheck && read.Lock is { } under && under.Matches(effect.Lock) && IsLastRelease(before, under))
                {
                    Report(context, read);
                }
            }
        }

        public override void OnExit(MethodRuleContext context, LockState exit)
        {
            foreach (var read in exit.Reads)
            {
                if (read.NeedsRecheck)
                {
                    Report(context, read);
                }
            }
        }

        /// <summary>A re-entrant lock entered twice is still held after its first exit.</summary>
        private static bool IsLastRelease(LockState before, LockIdentity released)
        {
            var index = before.FindHeld(released, null, exactInstance: false);
            return index < 0 || before.Held[index].Count <= 1;
        }

        private void Report(MethodRuleContext context, ValueRead read)
        {
            var member = read.Member.ContainingType is null ? read.Member.Name : read.Member.ContainingType.Name + "." + read.Member.Name;
            var owner = read.Owner.StartsWith("static:", System.StringComparison.Ordinal) ? read.Owner.Substring(7) : read.Owner;
            context.Report(Descriptor, read.Since ?? read.ReadAt, new[] { read.ReadAt }, member, owner, read.Lock?.ClassOrDisplay ?? "the lock");
        }
    }
}
