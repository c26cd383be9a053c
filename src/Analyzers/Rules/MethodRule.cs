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

        /// <summary>Called for every call made while some lock is held, with the state just before it.</summary>
        public virtual void OnCall(MethodRuleContext context, IOperation call, LockState before)
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
        private readonly System.Action<OrderEdge> _addEdge;
        private readonly HashSet<(string, Location)> _reported = new();
        private readonly HashSet<(string, string)> _established = new();
        private readonly Dictionary<IOperation, ImmutableArray<SummaryAcquisition>> _callSummaries = new();

        public MethodRuleContext(
            LockProgram program, LockEffectResolver resolver, IMethodSymbol method, IMethodSymbol member, MethodContract contract,
            ImmutableArray<OwnClaim> ownClaims, LockState entry, System.Action<Diagnostic> report, System.Action<OrderEdge> addEdge)
        {
            Program = program;
            Resolver = resolver;
            Method = method;
            Member = member;
            Contract = contract;
            OwnClaims = ownClaims;
            Entry = entry;
            _report = report;
            _addEdge = addEdge;
        }

        public LockProgram Program { get; }

        public LockContractModel Model => Program.Model;

        public LockEffectResolver Resolver { get; }

        /// <summary>The member being analyzed; <see cref="Method"/> may be a lambda or local function inside it.</summary>
        public IMethodSymbol Member { get; }

        public IMethodSymbol Method { get; }

        public MethodContract Contract { get; }

        public ImmutableArray<OwnClaim> OwnClaims { get; }

        public LockState Entry { get; }

        public string MethodName => Method.MethodKind is MethodKind.AnonymousFunction ? "the lambda" : LockEffectResolver.DisplayName(Method);

        public Location MethodLocation => Method.Locations.IsEmpty ? Location.None : Method.Locations[0];

        /// <summary>What a call made here may take, in this method's terms; computed once per call site.</summary>
        public ImmutableArray<SummaryAcquisition> MayAcquireAt(IOperation call)
        {
            if (!_callSummaries.TryGetValue(call, out var acquisitions))
            {
                acquisitions = Program.Summaries.MayAcquireAt(call, Resolver);
                _callSummaries.Add(call, acquisitions);
            }

            return acquisitions;
        }

        public void AddEdge(OrderEdge edge) => _addEdge(edge);

        /// <summary>States this body establishes through calls somewhere (on some path).</summary>
        public void NoteEstablished(string state, string owner) => _established.Add((state, owner));

        public bool Established(string state, string owner) => _established.Contains((state, owner));

        /// <summary>Reports once per rule and location, however many paths reach it.</summary>
        public void Report(DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, params object[] arguments) =>
            Report(descriptor, location, additional, null, arguments);

        /// <summary>Reports with properties a code fix reads (the lock class, whose lock, the state).</summary>
        public void Report(
            DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, ImmutableDictionary<string, string?>? properties, params object[] arguments)
        {
            if (!_reported.Add((descriptor.Id, location)))
            {
                return;
            }

            _report(Diagnostic.Create(descriptor, location, additional, properties, arguments));
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
