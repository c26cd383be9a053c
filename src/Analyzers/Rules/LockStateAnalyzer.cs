using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// Runs the lock-state flow once per method that touches a lock or a contract, and checks
    /// LOCK002, LOCK003, LOCK004, LOCK101 and LOCK102 against it. Everything is reported from the
    /// method's own analysis, so it shows in the editor as the user types.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LockStateAnalyzer : DiagnosticAnalyzer
    {
        private static readonly ImmutableArray<MethodRule> Rules = ImmutableArray.Create<MethodRule>(
            new Lock002AgainstDeclaredOrderRule(),
            new Lock003SelfDeadlockRule(),
            new Lock004UnorderedInstancesRule(),
            new Lock101RequiredLockNotHeldRule(),
            new Lock102UnbalancedLockRule());

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            Rules.Select(r => r.Descriptor).ToImmutableArray();

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var model = new LockContractModel(start.Compilation);
                start.RegisterOperationBlockAction(block => AnalyzeBlock(block, model));
            });
        }

        private static void AnalyzeBlock(OperationBlockAnalysisContext context, LockContractModel model)
        {
            if (context.OwningSymbol is not IMethodSymbol method)
            {
                return;
            }

            var contract = model.GetContract(method);
            if (contract.NoAnalysis)
            {
                return;
            }

            var analyzed = new System.Collections.Generic.HashSet<IOperation>();
            foreach (var block in context.OperationBlocks)
            {
                // Bodies only: field initializers and attribute arguments take no locks.
                var root = block.Parent is IMethodBodyBaseOperation body ? body : block;
                if (root is not (IMethodBodyBaseOperation or IBlockOperation { Parent: null }) || !analyzed.Add(root))
                {
                    continue;
                }

                // Building a graph costs about as much as binding the method: only do it where a lock or contract is involved.
                if (contract.Claims.IsEmpty && !root.DescendantsAndSelf().Any(o => LockEffectResolver.MayAffectLocks(o, model)))
                {
                    continue;
                }

                var graph = context.GetControlFlowGraph(block);
                AnalyzeGraph(graph, method, contract, model, context.ReportDiagnostic, context.CancellationToken);
            }
        }

        private static void AnalyzeGraph(
            ControlFlowGraph graph, IMethodSymbol method, MethodContract contract, LockContractModel model,
            System.Action<Diagnostic> report, System.Threading.CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var resolver = new LockEffectResolver(model, new ValueOrigins(graph));
            var ownClaims = ResolveOwnClaims(method, contract, resolver);
            var entry = EntryState(method, ownClaims);
            var context = new MethodRuleContext(model, method, contract, ownClaims, entry, report);
            var analysis = LockFlowAnalysis.Run(graph, resolver, entry, new RuleObserver(context));
            if (analysis is null)
            {
                return;
            }

            if (analysis.ExitState is { } exit)
            {
                foreach (var rule in Rules)
                {
                    rule.OnExit(context, exit);
                }
            }

            foreach (var function in analysis.NestedFunctions)
            {
                var nestedContract = model.GetContract(function.Symbol);
                if (!nestedContract.NoAnalysis)
                {
                    AnalyzeGraph(graph.GetAnonymousFunctionControlFlowGraph(function, cancellationToken), function.Symbol, nestedContract, model, report, cancellationToken);
                }
            }

            foreach (var localFunction in graph.LocalFunctions)
            {
                var nestedContract = model.GetContract(localFunction);
                if (!nestedContract.NoAnalysis)
                {
                    AnalyzeGraph(graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken), localFunction, nestedContract, model, report, cancellationToken);
                }
            }
        }

        /// <summary>The method's own claims as locks of its parameters and of <c>this</c>; a lock type's own methods are left out.</summary>
        private static ImmutableArray<OwnClaim> ResolveOwnClaims(IMethodSymbol method, MethodContract contract, LockEffectResolver resolver)
        {
            if (contract.Claims.IsEmpty)
            {
                return ImmutableArray<OwnClaim>.Empty;
            }

            var result = ImmutableArray.CreateBuilder<OwnClaim>();
            foreach (var claim in contract.Claims)
            {
                if (claim.IsSelfLock || claim.IsOnReturn)
                {
                    continue;
                }

                string? path;
                ITypeSymbol? type;
                if (claim.IsOnThis)
                {
                    path = method.IsStatic ? null : "this";
                    type = method.ContainingType;
                }
                else
                {
                    var parameter = method.Parameters.FirstOrDefault(p => p.Name == claim.On);
                    if (parameter is null)
                    {
                        continue;
                    }

                    path = parameter.Name;
                    type = parameter.Type;
                }

                var identity = resolver.ResolveClaim(claim, path, type, null, method);
                if (identity is not null)
                {
                    result.Add(new OwnClaim(claim, identity));
                }
            }

            return result.ToImmutable();
        }

        /// <summary>A body starts holding what its callers must hold: [RequiresHeld], [Releases], [TemporarilyReleases].</summary>
        private static LockState EntryState(IMethodSymbol method, ImmutableArray<OwnClaim> ownClaims)
        {
            var held = ImmutableArray.CreateBuilder<HeldLock>();
            foreach (var own in ownClaims)
            {
                if (own.Claim.Kind is ClaimKind.RequiresHeld or ClaimKind.Releases or ClaimKind.TemporarilyReleases
                    && !held.Any(h => h.Identity.Equals(own.Identity)))
                {
                    var location = own.Claim.GetLocation() ?? (method.Locations.IsEmpty ? Location.None : method.Locations[0]);
                    held.Add(new HeldLock(own.Identity, own.Claim.Mode, 1, definite: true, location, acquiredBy: null));
                }
            }

            return held.Count == 0 ? LockState.Empty : LockState.Empty.WithHeld(held.ToImmutable());
        }

        private sealed class RuleObserver : ILockObserver
        {
            private readonly MethodRuleContext _context;

            public RuleObserver(MethodRuleContext context) => _context = context;

            public void OnEffect(LockEffect effect, LockState before)
            {
                foreach (var rule in Rules)
                {
                    rule.OnEffect(_context, effect, before);
                }
            }
        }
    }
}
