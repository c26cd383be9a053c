using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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

        /// <summary>
        /// Called for every call made while some lock is held that may take locks itself, with what
        /// it may take. In a build this runs at compilation end, once every method's summary is
        /// known, so it sees only the method's reporter and not its operations.
        /// </summary>
        public virtual void OnCall(MethodReporter reporter, LockedCall call)
        {
        }

        /// <summary>
        /// Called for every <c>return</c> of a value that runs no finally on its way out: the state there, and the
        /// states in which the method returns <c>true</c> and <c>false</c> (see <see cref="ILockObserver.OnReturn"/>).
        /// </summary>
        public virtual void OnReturn(MethodRuleContext context, IOperation value, LockState state, LockState? whenTrue, LockState? whenFalse)
        {
        }

        /// <summary>Called with the state where the method returns normally.</summary>
        public virtual void OnExit(MethodRuleContext context, LockState exit)
        {
        }

        /// <summary>
        /// Where the last step of <paramref name="acquisition"/>'s path is, seen from the call under a lock: "here", or
        /// "through" the calls on the way, with the last step's place as the additional location.
        /// </summary>
        protected static (string Where, Location[]? Additional) ReachedFrom(SummaryAcquisition acquisition, CallStep last) =>
            acquisition.Path.Length == 1 ? ("here", null) : ("through " + string.Join(" → ", acquisition.Through), new[] { last.Location });
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

    /// <summary>A call made while locks are held: where, what was held just before it, and what the call may take.</summary>
    internal sealed class LockedCall
    {
        public LockedCall(Location location, ImmutableArray<HeldLock> held, ImmutableArray<SummaryAcquisition> acquisitions)
        {
            Location = location;
            Held = held;
            Acquisitions = acquisitions;
        }

        public Location Location { get; }

        public ImmutableArray<HeldLock> Held { get; }

        public ImmutableArray<SummaryAcquisition> Acquisitions { get; }
    }

    /// <summary>
    /// Where the findings of one body go: diagnostics, reported once per rule and location, and
    /// lock-order edges. In a build, calls made under locks wait until compilation end, when every
    /// method's summary is known (<see cref="Defer"/>); from the first waiting call on, the body's
    /// other diagnostics wait with them, so that <see cref="Replay"/> reports in the order the
    /// flow found them, as the editor's immediate analysis does.
    /// </summary>
    internal sealed class MethodReporter
    {
        private readonly HashSet<(string, Location)> _reported = new();
        private readonly System.Action<OrderEdge> _addEdge;
        private readonly ImmutableArray<MethodRule> _rules;
        private System.Action<Diagnostic>? _report;
        private List<object>? _waiting;
        private HashSet<(string, Location)>? _waitingReported;

        public MethodReporter(
            LockContractModel model, IMethodSymbol method, IMethodSymbol member, MethodContract contract, ImmutableArray<MethodRule> rules,
            System.Action<Diagnostic> report, System.Action<OrderEdge> addEdge)
        {
            Model = model;
            Method = method;
            Member = member;
            Contract = contract;
            _rules = rules;
            _report = report;
            _addEdge = addEdge;
        }

        public LockContractModel Model { get; }

        /// <summary>The member being analyzed; <see cref="Method"/> may be a lambda or local function inside it.</summary>
        public IMethodSymbol Member { get; }

        public IMethodSymbol Method { get; }

        public MethodContract Contract { get; }

        public string MethodName => Method.MethodKind is MethodKind.AnonymousFunction ? "the lambda" : LockEffectResolver.DisplayName(Method);

        /// <summary>True when calls wait for <see cref="Replay"/>.</summary>
        public bool IsWaiting => _waiting is not null;

        /// <summary>Where the body starts, for sorting bodies whose findings waited.</summary>
        public Location Location => Method.Locations.IsEmpty ? Location.None : Method.Locations[0];

        public void AddEdge(OrderEdge edge) => _addEdge(edge);

        /// <summary>Reports once per rule and location, however many paths reach it.</summary>
        public void Report(
            DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, ImmutableDictionary<string, string?>? properties, params object[] arguments)
        {
            if (_waiting is not null)
            {
                if ((_waitingReported ??= new()).Add((descriptor.Id, location)))
                {
                    _waiting.Add(Diagnostic.Create(descriptor, location, additional, properties, arguments));
                }

                return;
            }

            if (_reported.Add((descriptor.Id, location)))
            {
                _report!(Diagnostic.Create(descriptor, location, additional, properties, arguments));
            }
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

        /// <summary>Checks a call made under locks now, against what it may take.</summary>
        public void CheckCall(LockedCall call)
        {
            foreach (var rule in _rules)
            {
                rule.OnCall(this, call);
            }
        }

        /// <summary>
        /// Keeps a call made under <paramref name="held"/> for <see cref="Replay"/>. Nothing of the
        /// body's analysis is kept: not its operations, and not the sink it reported to until now
        /// (a block action's report delegate holds the block's operations and semantic model).
        /// </summary>
        public void Defer(DirectCall site, ImmutableArray<HeldLock> held)
        {
            _report = null;
            (_waiting ??= new()).Add(new WaitingCall(site, held.Select(h => h.Detached()).ToImmutableArray()));
        }

        /// <summary>Checks the waiting calls against the now complete summaries, reporting everything that waited, in order, to <paramref name="report"/>.</summary>
        public void Replay(LockSummaries summaries, System.Action<Diagnostic> report)
        {
            var waiting = _waiting;
            _waiting = null;
            _waitingReported = null;
            _report = report;
            if (waiting is null)
            {
                return;
            }

            foreach (var entry in waiting)
            {
                if (entry is Diagnostic diagnostic)
                {
                    if (_reported.Add((diagnostic.Id, diagnostic.Location)))
                    {
                        report(diagnostic);
                    }
                }
                else if (entry is WaitingCall call && summaries.MayAcquireAt(call.Site) is { IsEmpty: false } acquisitions)
                {
                    CheckCall(new LockedCall(call.Site.Location, call.Held, acquisitions));
                }
            }
        }

        private sealed class WaitingCall
        {
            public WaitingCall(DirectCall site, ImmutableArray<HeldLock> held)
            {
                Site = site;
                Held = held;
            }

            public DirectCall Site { get; }

            public ImmutableArray<HeldLock> Held { get; }
        }
    }

    /// <summary>What rules know about the method being analyzed while its flow runs, and where they report.</summary>
    internal sealed class MethodRuleContext
    {
        private readonly HashSet<(string, string)> _established = new();
        private readonly Dictionary<IOperation, ImmutableArray<SummaryAcquisition>> _callSummaries = new();

        public MethodRuleContext(
            LockProgram program, LockEffectResolver resolver, MethodReporter reporter, ImmutableArray<OwnClaim> ownClaims, LockState entry)
        {
            Program = program;
            Resolver = resolver;
            Reporter = reporter;
            OwnClaims = ownClaims;
            Entry = entry;
        }

        public LockProgram Program { get; }

        public LockContractModel Model => Program.Model;

        public LockEffectResolver Resolver { get; }

        public MethodReporter Reporter { get; }

        /// <summary>The member being analyzed; <see cref="Method"/> may be a lambda or local function inside it.</summary>
        public IMethodSymbol Member => Reporter.Member;

        public IMethodSymbol Method => Reporter.Method;

        public MethodContract Contract => Reporter.Contract;

        public ImmutableArray<OwnClaim> OwnClaims { get; }

        public LockState Entry { get; }

        /// <summary>The locks the method returns held on purpose, found at its returns ([Acquires(On = "return")]).</summary>
        public List<LockIdentity> ReturnedLocks { get; } = new();

        public string MethodName => Reporter.MethodName;

        public Location MethodLocation => Reporter.Location;

        /// <summary>
        /// What a call made here may take, in this method's terms, given the <c>bool</c> values the flow knows
        /// there; computed once per call site when it knows none.
        /// </summary>
        public ImmutableArray<SummaryAcquisition> MayAcquireAt(IOperation call, ImmutableArray<KnownValue> known)
        {
            if (!known.IsEmpty)
            {
                return Program.Summaries.DescribeSite(call, Resolver) is { } knownSite
                    ? Program.Summaries.MayAcquireAt(knownSite.WithKnown(known))
                    : ImmutableArray<SummaryAcquisition>.Empty;
            }

            if (!_callSummaries.TryGetValue(call, out var acquisitions))
            {
                acquisitions = Program.Summaries.DescribeSite(call, Resolver) is { } site
                    ? Program.Summaries.MayAcquireAt(site)
                    : ImmutableArray<SummaryAcquisition>.Empty;
                _callSummaries.Add(call, acquisitions);
            }

            return acquisitions;
        }

        public void AddEdge(OrderEdge edge) => Reporter.AddEdge(edge);

        /// <summary>States this body establishes through calls somewhere (on some path).</summary>
        public void NoteEstablished(string state, string owner) => _established.Add((state, owner));

        public bool Established(string state, string owner) => _established.Contains((state, owner));

        /// <summary>Reports once per rule and location, however many paths reach it.</summary>
        public void Report(DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, params object[] arguments) =>
            Reporter.Report(descriptor, location, additional, null, arguments);

        /// <summary>Reports with properties a code fix reads (the lock class, whose lock, the state).</summary>
        public void Report(
            DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, ImmutableDictionary<string, string?>? properties, params object[] arguments) =>
            Reporter.Report(descriptor, location, additional, properties, arguments);

        /// <summary>True when the method's own contract acquires two or more instances of <paramref name="lockClass"/>.</summary>
        public bool OrdersInstancesOf(string lockClass) => Reporter.OrdersInstancesOf(lockClass);
    }
}
