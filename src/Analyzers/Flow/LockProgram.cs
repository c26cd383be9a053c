using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// Everything the analysis knows about one compilation: the contract model, method summaries,
    /// and the lock-order graph, built on first need and then shared by every method's analysis.
    /// </summary>
    internal sealed class LockProgram
    {
        private readonly Lazy<LockOrderGraph> _graph;

        /// <summary>
        /// The bound of the live graph when nothing sets one: none. Kept across an editor's compilations
        /// (<see cref="LiveCache"/>), the graph costs a build's analysis once and then what each edit changes.
        /// </summary>
        public const int DefaultLiveLimit = 0;

        /// <param name="liveLimit">
        /// How many bodies that mention locks the live graph may analyze; above it the live graph
        /// stays empty (LOCK001 then comes from builds only). Zero or less: no bound.
        /// </param>
        /// <param name="cyclesPerGroup">How many cycles each strongly connected group of lock classes reports (<see cref="LockOrderGraph.CyclesPerGroup"/>).</param>
        /// <param name="methodsPerSummary">How many methods one summary may reach (<see cref="LockSummaries.MethodsPerSummary"/>).</param>
        /// <param name="dispatchTargets">How many bodies a virtual or interface call may run and still be followed (<see cref="CallGraph.DefaultDispatchTargets"/>).</param>
        /// <param name="keep">
        /// Analysis as an editor runs it: summaries and each body's order edges are kept across
        /// compilations and used again where they still hold (<see cref="LiveCache"/>).
        /// </param>
        public LockProgram(
            Compilation compilation, int liveLimit = DefaultLiveLimit, int cyclesPerGroup = LockOrderGraph.DefaultCyclesPerGroup,
            int methodsPerSummary = LockSummaries.DefaultMethodsPerSummary, bool keep = false, int dispatchTargets = CallGraph.DefaultDispatchTargets)
        {
            LiveLimit = liveLimit;
            CyclesPerGroup = cyclesPerGroup;
            Model = LockContractModel.For(compilation);
            var cache = keep ? LiveCache.For(compilation, string.Join("/", liveLimit, cyclesPerGroup, methodsPerSummary, dispatchTargets)) : null;
            if (cache is not null)
            {
                Model.KeepAcross(cache);
            }

            Summaries = new LockSummaries(Model, methodsPerSummary, cache, dispatchTargets);
            EntryLocks = new EntryLocks(Summaries);
            _graph = new Lazy<LockOrderGraph>(BuildGraph, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public LockContractModel Model { get; }

        public LockSummaries Summaries { get; }

        /// <summary>What every call site of a private or internal method holds, to drop its re-entries from the graph.</summary>
        public EntryLocks EntryLocks { get; }

        public int LiveLimit { get; }

        public int CyclesPerGroup { get; }

        /// <summary>Set when the live graph stayed empty because more bodies than <see cref="LiveLimit"/> mention locks (known once <see cref="Graph"/> is built).</summary>
        public bool LiveGraphBounded { get; private set; }

        /// <summary>The whole compilation's lock-order graph, computed once.</summary>
        public LockOrderGraph Graph => _graph.Value;

        private LockOrderGraph BuildGraph()
        {
            var edges = new ConcurrentBag<OrderEdge>();
            var candidates = new List<(SyntaxTree Tree, SyntaxNode Declaration)>();
            var live = Summaries.Live;
            foreach (var tree in Model.Compilation.SyntaxTrees)
            {
                var found = live is null ? FindCandidates(tree) : live.Candidates(tree, () => FindCandidates(tree));
                foreach (var declaration in found)
                {
                    candidates.Add((tree, declaration));
                }

                if (LiveLimit > 0 && candidates.Count > LiveLimit)
                {
                    // Too large to rebuild on every edit: the editor shows no cycles (and LOCK203 says so), the build reports them all.
                    LiveGraphBounded = true;
                    return new LockOrderGraph(EntryLocks.Filter(edges), Model.Order, CyclesPerGroup);
                }
            }

            var rules = ImmutableArray.Create<MethodRule>(new Lock001LockOrderCycleRule());
            foreach (var (tree, declaration) in candidates)
            {
                if (live?.ReuseBody(declaration) is { } kept)
                {
                    foreach (var edge in kept.Edges)
                    {
                        edges.Add(live.Relocate(edge));
                    }

                    foreach (var site in kept.Sites)
                    {
                        EntryLocks.Replay(site);
                    }

                    live.Counters.Count(ref live.Counters.BodiesKept);
                    continue;
                }

                live?.Counters.Count(ref live.Counters.BodiesAnalyzed);
                var own = new List<OrderEdge>();
                var recorder = live is null ? null : new Recorder { Sites = new List<EntrySite>() };
                Recorder.With(recorder, () => AnalyzeForGraph(tree, declaration, rules, own.Add));
                foreach (var edge in own)
                {
                    edges.Add(edge);
                }

                if (recorder is not null)
                {
                    live!.KeepBody(declaration, own.ToImmutableArray(), recorder);
                }
            }

            return new LockOrderGraph(EntryLocks.Filter(edges), Model.Order, CyclesPerGroup);
        }

        private bool AnalyzeForGraph(SyntaxTree tree, SyntaxNode declaration, ImmutableArray<MethodRule> rules, Action<OrderEdge> addEdge)
        {
            var model = Summaries.SemanticModelFor(tree);
            if (GraphOf(declaration, model) is not { } graph || SymbolOf(declaration, model) is not { } method)
            {
                return false;
            }

            var contract = Model.GetContract(method);
            if (!contract.NoAnalysis)
            {
                MethodLockAnalysis.Analyze(graph, method, method, contract, this, rules, _ => { }, addEdge, null, CancellationToken.None);
            }

            return true;
        }

        private ImmutableArray<SyntaxNode> FindCandidates(SyntaxTree tree)
        {
            var found = ImmutableArray.CreateBuilder<SyntaxNode>();
            foreach (var declaration in Declarations(tree.GetRoot()))
            {
                if (Summaries.MayTouchLocks(declaration))
                {
                    found.Add(declaration);
                }
            }

            return found.ToImmutable();
        }

        /// <summary>Members with bodies; lambdas and local functions are analyzed with the member that contains them.</summary>
        private static IEnumerable<SyntaxNode> Declarations(SyntaxNode root)
        {
            foreach (var node in root.DescendantNodes(n => n is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax)))
            {
                switch (node)
                {
                    case BaseMethodDeclarationSyntax method when method.Body is not null || method.ExpressionBody is not null:
                    case AccessorDeclarationSyntax accessor when accessor.Body is not null || accessor.ExpressionBody is not null:
                        yield return node;
                        break;
                    case ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax or IndexerDeclarationSyntax }:
                        yield return node;
                        break;
                }
            }
        }

        private static IMethodSymbol? SymbolOf(SyntaxNode declaration, SemanticModel model) => declaration switch
        {
            ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax property } => (model.GetDeclaredSymbol(property) as IPropertySymbol)?.GetMethod,
            ArrowExpressionClauseSyntax { Parent: IndexerDeclarationSyntax indexer } => (model.GetDeclaredSymbol(indexer) as IPropertySymbol)?.GetMethod,
            _ => model.GetDeclaredSymbol(declaration) as IMethodSymbol,
        };

        private static ControlFlowGraph? GraphOf(SyntaxNode declaration, SemanticModel model) => model.GetOperation(declaration) switch
        {
            IMethodBodyOperation body => ControlFlowGraph.Create(body),
            IConstructorBodyOperation body => ControlFlowGraph.Create(body),
            IBlockOperation { Parent: null } block => ControlFlowGraph.Create(block),
            _ => null,
        };
    }
}
