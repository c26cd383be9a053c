using System.Collections.Generic;
using System.Collections.Immutable;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// A rule checked against one method's lock-state flow. The flow runs once per method and
    /// every rule sees its effects, so adding a rule adds no graph and no second dataflow.
    /// </summary>
    internal abstract class MethodRule
    {
        public abstract DiagnosticDescriptor Descriptor { get; }

        /// <summary>Called for every lock effect, with the state just before it.</summary>
        public virtual void OnEffect(MethodRuleContext context, LockEffect effect, LockState before)
        {
        }

        /// <summary>Called with the state where the method returns normally.</summary>
        public virtual void OnExit(MethodRuleContext context, LockState exit)
        {
        }
    }

    /// <summary>A contract claim of the analyzed method, resolved against its own parameters.</summary>
    internal sealed class OwnClaim
    {
        public OwnClaim(LockClaim claim, LockIdentity identity)
        {
            Claim = claim;
            Identity = identity;
        }

        public LockClaim Claim { get; }

        public LockIdentity Identity { get; }
    }

    /// <summary>What rules know about the method being analyzed, and where they report.</summary>
    internal sealed class MethodRuleContext
    {
        private readonly System.Action<Diagnostic> _report;
        private readonly HashSet<(string, Location)> _reported = new();

        public MethodRuleContext(
            LockContractModel model, IMethodSymbol method, MethodContract contract, ImmutableArray<OwnClaim> ownClaims, LockState entry, System.Action<Diagnostic> report)
        {
            Model = model;
            Method = method;
            Contract = contract;
            OwnClaims = ownClaims;
            Entry = entry;
            _report = report;
        }

        public LockContractModel Model { get; }

        public IMethodSymbol Method { get; }

        public MethodContract Contract { get; }

        public ImmutableArray<OwnClaim> OwnClaims { get; }

        public LockState Entry { get; }

        public string MethodName => Method.MethodKind is MethodKind.AnonymousFunction ? "the lambda" : LockEffectResolver.DisplayName(Method);

        public Location MethodLocation => Method.Locations.IsEmpty ? Location.None : Method.Locations[0];

        /// <summary>Reports once per rule and location, however many paths reach it.</summary>
        public void Report(DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, params object[] arguments)
        {
            if (!_reported.Add((descriptor.Id, location)))
            {
                return;
            }

            _report(Diagnostic.Create(descriptor, location, additional, arguments));
        }

        /// <summary>True when the method's own contract acquires two or more instances of <paramref name="lockClass"/>.</summary>
        public bool OrdersInstancesOf(string lockClass)
        {
            var count = 0;
            foreach (var claim in Contract.Claims)
            {
                if (claim.Kind is ClaimKind.Acquires or ClaimKind.TryAcquires && claim.Name == lockClass)
                {
                    count++;
                }
            }

            return count > 1;
        }
    }
}
