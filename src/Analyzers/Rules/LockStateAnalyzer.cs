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
    /// LOCK002, LOCK003, LOCK004, LOCK101, LOCK102, LOCK103 and LOCK104 against it; a method whose edges close a
    /// cycle in the compilation's lock-order graph also gets LOCK001. Everything is reported from
    /// the method's own analysis, so it shows in the editor as the user types.
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
            new Lock104StateNotEstablishedRule());

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            Rules.Select(r => r.Descriptor).ToImmutableArray();

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var program = new LockProgram(start.Compilation);
                start.RegisterOperationBlockAction(block => AnalyzeBlock(block, program));
            });
        }

        private static void AnalyzeBlock(OperationBlockAnalysisContext context, LockProgram program)
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
            var hasEdges = false;
            foreach (var block in context.OperationBlocks)
            {
                // Bodies only: field initializers and attribute arguments take no locks.
                var root = block.Parent is IMethodBodyBaseOperation body ? body : block;
                if (root is not (IMethodBodyBaseOperation or IBlockOperation { Parent: null }) || !analyzed.Add(root))
                {
                    continue;
                }

                // Building a graph costs about as much as binding the method: only do it where a lock or contract is involved.
                if (contract.Claims.IsEmpty && !root.DescendantsAndSelf().Any(o => LockEffectResolver.MayAffectLocks(o, program.Model)))
                {
                    continue;
                }

                var graph = context.GetControlFlowGraph(block);
                MethodLockAnalysis.Analyze(graph, method, method, contract, program, Rules, context.ReportDiagnostic, _ => hasEdges = true, context.CancellationToken);
            }

            if (hasEdges)
            {
                ReportCycles(context, program, method);
            }
        }

        /// <summary>The cycles whose first edge this method holds: each cycle is reported once, by one method, in a build and in the editor.</summary>
        private static void ReportCycles(OperationBlockAnalysisContext context, LockProgram program, IMethodSymbol method)
        {
            foreach (var cycle in program.Graph.CyclesReportedIn(method))
            {
                var others = cycle.Edges.Skip(1).Select(e => e.Site).ToList();
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.LockOrderCycle, cycle.Primary.Site, others, cycle.Describe()));
            }
        }
    }
}
