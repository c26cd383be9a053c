using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// Runs the lock-state flow once per method that touches a lock or a contract, and checks
    /// LOCK002, LOCK003, LOCK004, LOCK101, LOCK102, LOCK103, LOCK104 and LOCK204 against it; a method whose edges close a
    /// cycle in the compilation's lock-order graph also gets LOCK001 (LOCK005 when an edge of the cycle is
    /// uncertain), and LOCK202 where its group of classes has more cycles than are reported. When the live
    /// graph is bounded, methods with order edges get LOCK203 instead. In the editor everything is
    /// reported from the method's own analysis, so it shows as the user types; in a build, the
    /// calls a method makes under locks (and so the findings that follow from callee summaries and
    /// the cycles) are checked at compilation end, once every body has been summarized from the
    /// operations the compiler bound for it.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LockStateAnalyzer : DiagnosticAnalyzer
    {
        private static readonly ImmutableArray<MethodRule> Rules = ImmutableArray.Create<MethodRule>(
            new Lock001LockOrderCycleRule(),
            new Lock002AgainstDeclaredOrderRule(),
            new Lock003SelfDeadlockRule(),
            new Lock004UnorderedInstancesRule(),
            new Lock101RequiredLockNotHeldRule(),
            new Lock102UnbalancedLockRule(),
            new Lock103StaleValueRule(),
            new Lock104StateNotEstablishedRule(),
            new Lock204SummaryCutOffRule(),
            new Lock205DelegateFlowCutOffRule(),
            new Lock206WideCallCutOffRule());

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            Rules.Select(r => r.Descriptor)
                .Concat(new[] { Descriptors.UncertainLockOrderCycle, Descriptors.CyclesNotReported, Descriptors.CyclesNotCheckedLive, Descriptors.LockOrderEdge })
                .ToImmutableArray();

        /// <summary>
        /// The MSBuild property (made visible to the compiler by the package) that says how LOCK001
        /// is reported: "live" from each method's analysis, against a whole-program graph built
        /// once per compilation (what an editor needs, since it never runs compilation-end actions
        /// as you type); or "build", from the edges every method's analysis already found, once, at
        /// compilation end (what a build needs: no method is bound or analyzed twice). The package
        /// picks "live" for design-time builds and "build" otherwise; without it, "live".
        /// </summary>
        public const string CycleReportingProperty = "build_property.LockContractsCycleReporting";

        /// <summary>
        /// The MSBuild property that bounds the live check: how many bodies that mention a lock the
        /// whole-program graph may analyze (default <see cref="LockProgram.DefaultLiveLimit"/>: no
        /// bound). Above it LOCK001 does not show live, and LOCK203 says so; builds still report every cycle.
        /// </summary>
        public const string LiveLimitProperty = "build_property.LockContractsLiveCycleLimit";

        /// <summary>
        /// The MSBuild property that says whether the live analysis keeps what it computed across the
        /// compilations an editor makes as you type, and uses it again where it still holds
        /// (<see cref="LiveCache"/>): "true" (the default) or "false", to analyze every compilation from
        /// scratch. Builds never keep anything.
        /// </summary>
        public const string LiveIncrementalProperty = "build_property.LockContractsLiveIncremental";

        /// <summary>Reads <see cref="LiveIncrementalProperty"/>: anything but "false" keeps results.</summary>
        internal static bool KeepsResults(string? text) => !string.Equals(text?.Trim(), "false", System.StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The MSBuild property that bounds how many cycles each strongly connected group of lock
        /// classes reports (default <see cref="LockOrderGraph.DefaultCyclesPerGroup"/>, 0 for no bound);
        /// the cycles past it are named in one LOCK202. The same in the editor and in a build.
        /// </summary>
        public const string CyclesPerGroupProperty = "build_property.LockContractsCyclesPerGroup";

        /// <summary>
        /// The MSBuild property that bounds how many methods the summary of one call may reach
        /// (default <see cref="LockSummaries.DefaultMethodsPerSummary"/>, 0 for no bound); a call
        /// under a lock whose summary was cut there gets LOCK204.
        /// </summary>
        public const string MethodsPerSummaryProperty = "build_property.LockContractsMethodsPerSummary";

        /// <summary>
        /// The MSBuild property that bounds how many bodies that may take a lock a virtual or interface call may run and
        /// still be followed (default <see cref="CallGraph.DefaultDispatchTargets"/>, 0 for no bound); a call with more is
        /// followed into none of them, and a call under a lock that reaches one gets LOCK206.
        /// </summary>
        public const string DispatchTargetsProperty = "build_property.LockContractsDispatchTargets";

        /// <summary>Reads a <see cref="LiveLimitProperty"/>, <see cref="CyclesPerGroupProperty"/> or <see cref="MethodsPerSummaryProperty"/> value: a whole number, written the invariant way.</summary>
        internal static bool TryParseLimit(string? text, out int limit) =>
            int.TryParse(text?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out limit);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var options = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
                var liveLimit = options.TryGetValue(LiveLimitProperty, out var limitText) && TryParseLimit(limitText, out var parsed)
                    ? parsed : LockProgram.DefaultLiveLimit;
                var cyclesPerGroup = options.TryGetValue(CyclesPerGroupProperty, out var perGroupText) && TryParseLimit(perGroupText, out var perGroup)
                    ? perGroup : LockOrderGraph.DefaultCyclesPerGroup;
                var methodsPerSummary = options.TryGetValue(MethodsPerSummaryProperty, out var perSummaryText) && TryParseLimit(perSummaryText, out var perSummary)
                    ? perSummary : LockSummaries.DefaultMethodsPerSummary;
                var dispatchTargets = options.TryGetValue(DispatchTargetsProperty, out var dispatchText) && TryParseLimit(dispatchText, out var dispatch)
                    ? dispatch : CallGraph.DefaultDispatchTargets;
                var atCompilationEnd = options.TryGetValue(CycleReportingProperty, out var mode)
                    && string.Equals(mode?.Trim(), "build", System.StringComparison.OrdinalIgnoreCase);
                var keep = !atCompilationEnd && KeepsResults(options.TryGetValue(LiveIncrementalProperty, out var incremental) ? incremental : null);
                var program = new LockProgram(start.Compilation, liveLimit, cyclesPerGroup, methodsPerSummary, keep, dispatchTargets);
                if (!atCompilationEnd)
                {
                    start.RegisterOperationBlockAction(block => AnalyzeBlock(block, program, null));
                    return;
                }

                var build = new BuildFindings();
                start.RegisterOperationBlockAction(block => AnalyzeBlock(block, program, build));
                start.RegisterCompilationEndAction(end => ReportAtEnd(end, program, build));
            });
        }

        /// <summary>What a build gathers from every method for compilation end.</summary>
        private sealed class BuildFindings
        {
            public ConcurrentBag<OrderEdge> Edges { get; } = new();

            /// <summary>Bodies whose calls under locks wait for every summary to be known.</summary>
            public ConcurrentBag<MethodReporter> Waiting { get; } = new();
        }

#pragma warning disable RS1037 // These are also reported live, from each method's analysis, in design-time builds.
        /// <summary>
        /// In a build: checks the calls made under locks against the summaries, now that every
        /// body has been summarized from the operations the compiler bound for it, then reports
        /// every cycle of the lock-order graph.
        /// </summary>
        private static void ReportAtEnd(CompilationAnalysisContext context, LockProgram program, BuildFindings build)
        {
            foreach (var reporter in build.Waiting.OrderBy(r => r.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(r => r.Location.SourceSpan.Start))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                reporter.Replay(program.Summaries, context.ReportDiagnostic);
            }

            var graph = new LockOrderGraph(program.EntryLocks.Filter(build.Edges), program.Model.Order, program.CyclesPerGroup);
            foreach (var report in graph.AllReports)
            {
                context.ReportDiagnostic(CycleDiagnostic(report));
            }

            foreach (var unreported in graph.AllUnreported)
            {
                context.ReportDiagnostic(UnreportedDiagnostic(unreported));
            }

            if (EdgesRequested(context.Compilation))
            {
                ReportEdges(context, graph, program.Model.Order);
            }
        }

        /// <summary>LOCK090 is off by default: only a tool that turns it on pays for the edges.</summary>
        private static bool EdgesRequested(Compilation compilation) =>
            compilation.Options.SpecificDiagnosticOptions.TryGetValue(Descriptors.LockOrderEdge.Id, out var option)
            && option is not (ReportDiagnostic.Suppress or ReportDiagnostic.Default);

        /// <summary>The graph for tools: every observed edge (best evidence per pair of classes) and every declared pair.</summary>
        private static void ReportEdges(CompilationAnalysisContext context, LockOrderGraph graph, Contracts.DeclaredLockOrder declared)
        {
            foreach (var edge in graph.Edges.OrderBy(e => e.Site, Comparer<Location>.Create(OrderEdge.CompareSites)))
            {
                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties.Add(EdgeFrom, edge.From);
                properties.Add(EdgeTo, edge.To);
                properties.Add(EdgeKind, "observed");
                properties.Add(EdgeMethod, edge.MethodName);
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.LockOrderEdge, edge.Site, edge.Path.Skip(1).Select(s => s.Location), properties.ToImmutable(), edge.Describe()));
            }

            foreach (var (before, after, declaredBy) in declared.Pairs)
            {
                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties.Add(EdgeFrom, before);
                properties.Add(EdgeTo, after);
                properties.Add(EdgeKind, "declared");
                var location = declaredBy.ApplicationSyntaxReference is { } reference ? Location.Create(reference.SyntaxTree, reference.Span) : Location.None;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.LockOrderEdge, location, properties.ToImmutable(), $"The declared order takes {before} before {after}"));
            }
        }

        /// <summary>Property names of LOCK090 and LOCK001 that tools read.</summary>
        public const string EdgeFrom = "From", EdgeTo = "To", EdgeKind = "Kind", EdgeMethod = "Method", CycleClasses = "Classes";
#pragma warning restore RS1037

        /// <summary>
        /// LOCK001 (or LOCK005 when an edge is uncertain) where one report of the cycle goes (the first edge in a file),
        /// with the other edges' sites and the cycle's classes in order (one per line) for tools that draw it.
        /// </summary>
        private static Diagnostic CycleDiagnostic(CycleReport report) =>
            Diagnostic.Create(report.Cycle.IsUncertain ? Descriptors.UncertainLockOrderCycle : Descriptors.LockOrderCycle, report.At.Site, report.OtherSites,
                ImmutableDictionary<string, string?>.Empty.Add(CycleClasses, string.Join("\n", report.Cycle.Edges.Select(e => e.From))), report.Cycle.Describe());

        /// <summary>LOCK202: the cycles of a group past its bound, named, where the first of them would have been reported.</summary>
        private static Diagnostic UnreportedDiagnostic(UnreportedCycles unreported) =>
            Diagnostic.Create(Descriptors.CyclesNotReported, unreported.Primary.Site,
                unreported.Cycles.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(", ", unreported.Group),
                unreported.Bound.ToString(System.Globalization.CultureInfo.InvariantCulture), unreported.Describe());

        /// <param name="build">Where this method's findings go in a build; null when cycles are checked live.</param>
        private static void AnalyzeBlock(OperationBlockAnalysisContext context, LockProgram program, BuildFindings? build)
        {
            if (context.OwningSymbol is not IMethodSymbol method)
            {
                return;
            }

            var contract = program.Model.GetContract(method);
            if (contract.NoAnalysis)
            {
                return;
            }

            var analyzed = new HashSet<IOperation>();
            OrderEdge? firstEdge = null;
            foreach (var block in context.OperationBlocks)
            {
                // Bodies only: field initializers and attribute arguments take no locks.
                var root = block.Parent is IMethodBodyBaseOperation body ? body : block;
                if (root is not (IMethodBodyBaseOperation or IBlockOperation { Parent: null }) || !analyzed.Add(root))
                {
                    continue;
                }

                // In a build every body is summarized from the operations the compiler bound for it; that
                // scan also tells whether the body touches a lock at all.
                var touchesLocks = build is null ? null : program.Summaries.Remember(method, root);

                // Building a graph costs about as much as binding the method: only do it where a lock or contract is involved.
                if (contract.Claims.IsEmpty && !(touchesLocks ?? root.DescendantsAndSelf().Any(o => LockEffectResolver.MayAffectLocks(o, program.Model))))
                {
                    continue;
                }

                var graph = context.GetControlFlowGraph(block);
                MethodLockAnalysis.Analyze(graph, method, method, contract, program, Rules, context.ReportDiagnostic,
                    edge =>
                    {
                        if (firstEdge is null || OrderEdge.CompareSites(edge.Site, firstEdge.Site) < 0)
                        {
                            firstEdge = edge;
                        }

                        build?.Edges.Add(edge);
                    }, build is null ? null : build.Waiting.Add, context.CancellationToken);
            }

            if (firstEdge is not null && build is null)
            {
                ReportCycles(context, program, method, firstEdge);
            }
        }

        /// <summary>The cycles whose first edge this method holds: each cycle is reported once, by one method, in a build and in the editor.</summary>
        /// <remarks>
        /// When the live graph was bounded (<see cref="LockProgram.LiveGraphBounded"/>), the method
        /// gets LOCK203 instead, on its first order edge, where a cycle would have shown.
        /// </remarks>
        private static void ReportCycles(OperationBlockAnalysisContext context, LockProgram program, IMethodSymbol method, OrderEdge firstEdge)
        {
            var graph = program.Graph;
            if (program.LiveGraphBounded)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.CyclesNotCheckedLive, firstEdge.Site,
                    program.LiveLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                return;
            }

            foreach (var report in graph.CyclesReportedIn(method))
            {
                context.ReportDiagnostic(CycleDiagnostic(report));
            }

            foreach (var unreported in graph.UnreportedIn(method))
            {
                context.ReportDiagnostic(UnreportedDiagnostic(unreported));
            }
        }
    }
}
