using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers
{
    /// <summary>Every diagnostic the analyzers report; ids and severities are fixed in the public contract.</summary>
    public static class Descriptors
    {
        public const string HelpLinkBase = "https://github.com/LockContracts/LockContracts/blob/main/docs/rules/";

        private const string OrderCategory = "LockOrder";
        private const string HeldCategory = "HeldLocks";
        private const string ContractCategory = "Contracts";
        private const string AnalysisCategory = "Analysis";

        public static readonly DiagnosticDescriptor LockOrderCycle = Create(
            "LOCK001", OrderCategory, DiagnosticSeverity.Error,
            "Lock-order cycle: possible deadlock",
            "Possible deadlock: {0}",
            "Locks taken in a cycle of orders by different paths can deadlock when those paths run on different threads, even if no test ever saw it happen.");

        /// <summary>
        /// One edge of the lock-order graph, for tools (the <c>lockcontracts</c> scanner draws the graph
        /// from it). Off by default; never shown to a user who does not turn it on.
        /// </summary>
        public static readonly DiagnosticDescriptor LockOrderEdge = Create(
            "LOCK090", OrderCategory, DiagnosticSeverity.Hidden,
            "Lock-order edge (for tools)",
            "{0}",
            "One ordered acquisition the analysis found (or one pair of the declared order); tools such as the lockcontracts scanner read these to draw and compare the lock-order graph.",
            isEnabledByDefault: false, WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor AgainstDeclaredOrder = Create(
            "LOCK002", OrderCategory, DiagnosticSeverity.Error,
            "Lock acquired against the declared order",
            "'{0}' ({1}) is taken while '{2}' ({3}) is held, but the declared order takes '{0}' first; a thread that follows the order can deadlock with this one",
            "The declared lock order ([LockOrder], [AcquiredBefore], [AcquiredAfter]) is the program's deadlock-avoidance protocol; every acquisition must follow it.");

        public static readonly DiagnosticDescriptor SelfDeadlock = Create(
            "LOCK003", OrderCategory, DiagnosticSeverity.Error,
            "Self-deadlock: non-recursive lock taken while held",
            "{0}",
            "SemaphoreSlim, ReaderWriterLockSlim, Mutex, SpinLock and custom [Acquires] locks are not re-entrant: taking one that the thread already holds blocks forever or throws.");

        public static readonly DiagnosticDescriptor UnorderedInstances = Create(
            "LOCK004", OrderCategory, DiagnosticSeverity.Warning,
            "Two instances of one lock class nested with no ordering",
            "{1} is taken while {2} is held, two instances of '{0}' with no order between them; another thread nesting them the other way round deadlocks",
            "Nesting two locks of the same class is safe only in a fixed order between instances (by id, by address, parent before child); put the nesting in one method whose contract acquires both.");

        /// <summary>
        /// A lock-order cycle that holds only if calls with several possible targets (virtual or
        /// interface dispatch, delegates with several candidates) run the ones that close it.
        /// </summary>
        public static readonly DiagnosticDescriptor UncertainLockOrderCycle = Create(
            "LOCK005", OrderCategory, DiagnosticSeverity.Warning,
            "Possible lock-order cycle through calls whose target is uncertain",
            "Possible deadlock if the calls marked \"one of its targets\" run those targets: {0}",
            "The cycle goes through a call that may run one of several bodies (an interface or virtual member with several implementations the receiver can be, or a delegate with several candidates); if those run, the locks are taken in a cycle of orders, which can deadlock.");

        public static readonly DiagnosticDescriptor RequiredLockNotHeld = Create(
            "LOCK101", HeldCategory, DiagnosticSeverity.Error,
            "Call requires a lock that is not held",
            "'{0}' requires '{1}' ({2}) held{3}, but {4}; the state it guards can change underneath the call",
            "[RequiresHeld] states that a member touches state guarded by a lock; calling it without that lock is a data race.");

        public static readonly DiagnosticDescriptor UnbalancedLock = Create(
            "LOCK102", HeldCategory, DiagnosticSeverity.Warning,
            "Lock not released on every path, or released while not held",
            "{0}",
            "A lock left held on one path blocks every other thread forever; releasing a lock that is not held throws SynchronizationLockException or corrupts a semaphore's count.");

        public static readonly DiagnosticDescriptor StaleValue = Create(
            "LOCK103", HeldCategory, DiagnosticSeverity.Warning,
            "Value read before taking the lock is not rechecked under it",
            "'{0}' of {1} was read before taking '{2}' and is not read again while it is held; the value may already be stale",
            "A [MustRecheck] value can change until the lock is taken; a decision made on the earlier read races with the writer.");

        public static readonly DiagnosticDescriptor StateNotEstablished = Create(
            "LOCK104", HeldCategory, DiagnosticSeverity.Error,
            "Required state not established",
            "{0}",
            "A protocol step ([RequiresState]) is safe only after the step that establishes it ([EstablishesState]), while the lock that keeps it valid is held.");

        public static readonly DiagnosticDescriptor MalformedContract = Create(
            "LOCK201", ContractCategory, DiagnosticSeverity.Error,
            "Malformed lock contract",
            "{0}",
            "A contract that names an unknown lock, an unknown target, or declares a cyclic order cannot be checked; fix it so the analyzer can hold code to it.");

        /// <summary>A strongly connected group of lock classes has more cycles than are reported: the rest are named here.</summary>
        public static readonly DiagnosticDescriptor CyclesNotReported = Create(
            "LOCK202", AnalysisCategory, DiagnosticSeverity.Info,
            "More lock-order cycles than are reported",
            "{0} more lock-order cycles among the lock classes {1} are not reported as LOCK001 or LOCK005: at most {2} are reported per group of classes that reach each other (MSBuild property LockContractsCyclesPerGroup, 0 for no bound); not reported: {3}",
            "Each group of lock classes that take each other in a cycle reports a bounded number of cycles, so that a tangle of orders yields readable reports; the cycles past the bound are named here rather than dropped.");

        /// <summary>The editor's whole-program graph was not built: LOCK001 and LOCK005 come from builds only.</summary>
        public static readonly DiagnosticDescriptor CyclesNotCheckedLive = Create(
            "LOCK203", AnalysisCategory, DiagnosticSeverity.Info,
            "Lock-order cycles are not checked as you type",
            "Lock-order cycles (LOCK001, LOCK005) are not shown as you type in this project: more than {0} method bodies mention a lock, the bound this project sets for the editor's whole-program check (MSBuild property LockContractsLiveCycleLimit); builds still report every cycle. Remove the property, or set <LockContractsLiveCycleLimit>0</LockContractsLiveCycleLimit> (no bound) or a larger number, to see them live.",
            "The editor checks each method's lock orders against a graph of the whole program, kept across edits; a project that sets LockContractsLiveCycleLimit does not build that graph above the bound, and says so here, on the methods whose orders it would have checked.");

        /// <summary>A call made under a lock whose summary stopped at its bound: locks past it are not checked.</summary>
        public static readonly DiagnosticDescriptor SummaryCutOff = Create(
            "LOCK204", AnalysisCategory, DiagnosticSeverity.Info,
            "Locks taken through a call are followed only up to a bound",
            "The locks this call may take were followed through {0} methods, the bound of one summary (MSBuild property LockContractsMethodsPerSummary, 0 for no bound), and no further, from {1}; orders, cycles and self-deadlocks through the methods past it are not checked here",
            "A call's summary walks every method it can reach; a walk that reaches more methods than the bound stops, and the calls made under a lock that rely on it say so, rather than passing for checked.");

        /// <summary>A call made under a lock that invokes a delegate whose functions were followed only up to a delegate-flow bound.</summary>
        public static readonly DiagnosticDescriptor DelegateFlowCutOff = Create(
            "LOCK205", AnalysisCategory, DiagnosticSeverity.Info,
            "Functions a delegate may run are followed only up to a bound",
            "The delegate '{0}', invoked {1}, may be more functions than were found: the search for them stopped at {2}; locks taken by the functions not followed are not in the lock-order graph, so orders, cycles and self-deadlocks through them are not checked here",
            "The functions a delegate value can be are found by following it back through parameters, members and returns, with bounds on how far back, how many candidates and how much work one question takes; where a bound cuts the search short, the calls made under a lock that invoke it say so, rather than passing for checked.");

        /// <summary>A call made under a lock that reaches a virtual or interface call with more bodies than the dispatch bound.</summary>
        public static readonly DiagnosticDescriptor WideCallCutOff = Create(
            "LOCK206", AnalysisCategory, DiagnosticSeverity.Info,
            "A call that may run too many bodies is not followed",
            "The call '{0}', made {1}, may run any of {2} bodies in this compilation that may take a lock, more than the dispatch bound ({3}, MSBuild property LockContractsDispatchTargets, 0 for no bound); none of them is followed, so orders, cycles and self-deadlocks through them are not checked here",
            "A virtual or interface call runs one of the overrides or implementations its receiver's static type allows; when more of them remain than the bound, what any one of them takes says little about what this call takes, and following them all costs the most. The call is followed into none of them, and the calls made under a lock that reach it say so, rather than passing for checked.");

        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Create(
            string id, string category, DiagnosticSeverity severity, string title, string message, string description, params string[] extraTags) =>
            Create(id, category, severity, title, message, description, isEnabledByDefault: true, extraTags);

        private static DiagnosticDescriptor Create(
            string id, string category, DiagnosticSeverity severity, string title, string message, string description, bool isEnabledByDefault, params string[] extraTags)
        {
            var tags = new string[extraTags.Length + 1];
            tags[0] = "LockContracts";
            extraTags.CopyTo(tags, 1);
            return new DiagnosticDescriptor(
                id, title, message, category, severity, isEnabledByDefault,
                description: description, helpLinkUri: HelpLink(id), customTags: tags);
        }
    }
}
