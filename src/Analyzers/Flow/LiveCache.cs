using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>A method by where it is declared: file, member and offset (<see cref="TreeRecord.Relative"/>). The same in every version of the file whose outline is the same.</summary>
    internal readonly struct MethodRef : IEquatable<MethodRef>
    {
        public MethodRef(string path, int anchor, int offset)
        {
            Path = path;
            Anchor = anchor;
            Offset = offset;
        }

        public string Path { get; }

        public int Anchor { get; }

        public int Offset { get; }

        public bool Equals(MethodRef other) => Anchor == other.Anchor && Offset == other.Offset && string.Equals(Path, other.Path, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is MethodRef other && Equals(other);

        public override int GetHashCode() => (StringComparer.Ordinal.GetHashCode(Path) * 31 + Anchor) * 31 + Offset;

        public override string ToString() => Path + "#" + Anchor + "+" + Offset;
    }

    /// <summary>
    /// What a cached result read while it was computed, so that a later compilation can tell whether it
    /// still holds: the versions of the files whose bodies it read, the summaries it took from other
    /// methods (by their fingerprints), the guards of callees it read, and whether delegate flow (which
    /// reads every body) answered any of its questions. Each thread has at most one current recorder;
    /// a computation nested in another (a callee's summary) records into its own.
    /// </summary>
    internal sealed class Recorder
    {
        [ThreadStatic]
        private static Recorder? s_current;

        public static Recorder? Current
        {
            get => s_current;
            set => s_current = value;
        }

        public HashSet<long> Trees { get; } = new();

        public Dictionary<(MethodRef Method, string Context), ulong> Summaries { get; } = new();

        public Dictionary<MethodRef, ulong> Guards { get; } = new();

        /// <summary>Calls of private or internal methods with the locks held there (<see cref="EntryLocks"/>); bodies only.</summary>
        public List<EntrySite>? Sites { get; set; }

        /// <summary>Delegate flow answered a question: the result depends on every body of the compilation.</summary>
        public bool Delegates { get; set; }

        /// <summary>Delegate flow was asked something on this thread: what the current computation depends on.</summary>
        public static void NoteDelegates()
        {
            if (s_current is { } current)
            {
                current.Delegates = true;
            }
        }

        /// <summary>Runs <paramref name="compute"/> with <paramref name="recorder"/> current (null: nothing recorded), then puts the outer one back.</summary>
        public static T With<T>(Recorder? recorder, Func<T> compute)
        {
            var saved = s_current;
            s_current = recorder;
            try
            {
                return compute();
            }
            finally
            {
                s_current = saved;
            }
        }
    }

    /// <summary>A call of a private or internal method, and the re-entrant locks of its receiver held there.</summary>
    internal sealed class EntrySite
    {
        public EntrySite(string target, SyntaxTree tree, int position, ImmutableArray<string> held)
        {
            Target = target;
            Tree = tree;
            Position = position;
            Held = held;
        }

        /// <summary>The callee's documentation id.</summary>
        public string Target { get; }

        public SyntaxTree Tree { get; }

        public int Position { get; }

        public ImmutableArray<string> Held { get; }
    }

    /// <summary>What a cached result depends on (<see cref="Recorder"/>), frozen, with the outline of the compilation it was computed in.</summary>
    internal class CachedResult
    {
        protected CachedResult(ulong global, ulong treeSet, Recorder recorder)
        {
            Global = global;
            Trees = recorder.Trees.ToArray();
            Delegates = recorder.Delegates;
            TreeSet = treeSet;
            Summaries = recorder.Summaries.ToArray();
            Guards = recorder.Guards.ToArray();
        }

        public ulong Global { get; }

        public long[] Trees { get; }

        public bool Delegates { get; }

        public ulong TreeSet { get; }

        public KeyValuePair<(MethodRef Method, string Context), ulong>[] Summaries { get; }

        public KeyValuePair<MethodRef, ulong>[] Guards { get; }
    }

    /// <summary>A method's summary (what it may acquire, directly or through calls), with what it was computed from.</summary>
    internal sealed class CachedClosure : CachedResult
    {
        public CachedClosure(ulong global, ulong treeSet, Recorder recorder, ImmutableArray<SummaryAcquisition> acquisitions, ulong fingerprint)
            : base(global, treeSet, recorder)
        {
            Acquisitions = acquisitions;
            Fingerprint = fingerprint;
        }

        public ImmutableArray<SummaryAcquisition> Acquisitions { get; }

        public ulong Fingerprint { get; }
    }

    /// <summary>A body's order edges and the calls it makes to private or internal methods under locks, with what they were computed from.</summary>
    internal sealed class CachedBody : CachedResult
    {
        public CachedBody(ulong global, ulong treeSet, Recorder recorder, ImmutableArray<OrderEdge> edges)
            : base(global, treeSet, recorder)
        {
            Edges = edges;
            Sites = recorder.Sites?.ToImmutableArray() ?? ImmutableArray<EntrySite>.Empty;
        }

        public ImmutableArray<OrderEdge> Edges { get; }

        public ImmutableArray<EntrySite> Sites { get; }
    }

    /// <summary>What a walk needs of a callee it does not expand: the guards of its own acquisitions, and the methods it calls (for call cycles).</summary>
    internal sealed class MethodShape
    {
        public MethodShape(ulong global, ulong treeSet, bool delegates, ImmutableArray<ParameterGuard> guards, ImmutableArray<MethodRef> callees)
        {
            Global = global;
            TreeSet = treeSet;
            Delegates = delegates;
            Guards = guards;
            Callees = callees;
            var hash = Fingerprint.Add(Fingerprint.Start, guards.Length);
            foreach (var guard in guards)
            {
                hash = Fingerprint.Add(hash, guard.ToString());
            }

            GuardsHash = hash;
        }

        public ulong Global { get; }

        public ulong TreeSet { get; }

        public bool Delegates { get; }

        public ImmutableArray<ParameterGuard> Guards { get; }

        public ulong GuardsHash { get; }

        public ImmutableArray<MethodRef> Callees { get; }
    }

    /// <summary>What the live analysis of one compilation computed, and what it took from results kept from earlier compilations.</summary>
    internal sealed class LiveCounters
    {
        public int BodiesAnalyzed;
        public int BodiesKept;
        public int SummariesWalked;
        public int SummariesKept;
        public int BodiesRead;
        public int ShapesComputed;

        public void Count(ref int counter) => System.Threading.Interlocked.Increment(ref counter);

        public override string ToString() =>
            $"graph bodies analyzed {BodiesAnalyzed}, kept {BodiesKept}; summaries walked {SummariesWalked}, kept {SummariesKept}; bodies read for summaries {BodiesRead}; callee shapes computed {ShapesComputed}";
    }

    /// <summary>
    /// The live analysis across compilations. An editor makes a new compilation for every keystroke,
    /// and in it every syntax tree but the edited one is the same object as before. Summaries, callee
    /// shapes and each body's order edges are kept with the tree they were computed from
    /// (<see cref="TreeRecord"/>), with what they read (<see cref="Recorder"/>). In a new compilation a
    /// kept result is used again when the outline of the compilation is the same (no declaration,
    /// signature, attribute, constructor, accessor, reference or option changed), every file whose
    /// bodies it read is the same version, the summaries and guards it took from other methods have the
    /// same fingerprints now (each checked, or recomputed, the same way), and, if delegate flow
    /// answered one of its questions, no file changed at all. Otherwise it is computed again; a summary
    /// computed again with the fingerprint it had stops the change there. A fingerprint holds the
    /// locks, names and places of the evidence, places as member and offset, so a body that grows moves
    /// nothing outside it. Locations from an older version of a file are mapped into the current one.
    /// One instance per compilation; everything kept lives only as long as its tree.
    /// </summary>
    internal sealed class LiveCache
    {
        /// <summary>How deep checking a kept summary may go into the summaries it depends on before it computes instead.</summary>
        private const int MaxCheckDepth = 64;

        [ThreadStatic]
        private static int s_depth;

        [ThreadStatic]
        private static HashSet<CachedResult>? s_checking;

        private readonly Dictionary<string, SyntaxTree> _byPath;
        private readonly HashSet<long> _stamps;
        private readonly ConcurrentDictionary<CachedResult, bool> _verdicts = new();
        private readonly ConcurrentDictionary<CallPath, CallPath> _relocated = new();
        private readonly ConcurrentDictionary<(IMethodSymbol Method, string Context), ulong> _fingerprints = new(MethodContextComparer.Instance);
        private readonly ConcurrentDictionary<MethodRef, IMethodSymbol?> _resolved = new();
        private LockSummaries? _summaries;

        /// <summary>The counters of the last few compilations analyzed live, by <see cref="TreeSet"/> (the analyzers see a copy of the compilation, with the same trees).</summary>
        private static readonly LinkedList<(ulong TreeSet, LiveCounters Counters)> s_recent = new();
        private const int RecentCounters = 32;

        private LiveCache(Dictionary<string, SyntaxTree> byPath, HashSet<long> stamps, ulong global, ulong treeSet)
        {
            _byPath = byPath;
            _stamps = stamps;
            Global = global;
            TreeSet = treeSet;
            lock (s_recent)
            {
                foreach (var (set, counters) in s_recent)
                {
                    if (set == treeSet)
                    {
                        Counters = counters;
                        return;
                    }
                }

                Counters = new LiveCounters();
                s_recent.AddFirst((treeSet, Counters));
                if (s_recent.Count > RecentCounters)
                {
                    s_recent.RemoveLast();
                }
            }
        }

        /// <summary>The outline of the compilation: its trees' outlines and paths, references, options and the analysis settings.</summary>
        public ulong Global { get; }

        /// <summary>What the live analysis of this compilation computed and what it kept from earlier ones.</summary>
        public LiveCounters Counters { get; }

        /// <summary>The counters of the live analyses of <paramref name="compilation"/> so far; null when none ran.</summary>
        public static LiveCounters? CountersOf(Compilation compilation)
        {
            var treeSet = Fingerprint.Start;
            foreach (var tree in compilation.SyntaxTrees)
            {
                treeSet = Fingerprint.Add(treeSet, (ulong)TreeRecord.Of(tree).Stamp);
            }

            lock (s_recent)
            {
                return s_recent.FirstOrDefault(r => r.TreeSet == treeSet).Counters;
            }
        }

        /// <summary>Which version of every file: changes with any edit.</summary>
        public ulong TreeSet { get; }

        /// <summary>The live analysis of <paramref name="compilation"/>, with what earlier compilations left (versions of a file are matched by path).</summary>
        public static LiveCache For(Compilation compilation, string settings)
        {
            var byPath = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
            var stamps = new HashSet<long>();
            var global = Fingerprint.Add(Fingerprint.Add(Fingerprint.Start, settings), compilation.AssemblyName);
            // Options by identity (an editor keeps the same object while they do not change; their own hash
            // is not implemented everywhere: the command-line compiler's reference resolver throws).
            global = Fingerprint.Add(Fingerprint.Add(global, RuntimeHelpers.GetHashCode(compilation.Options)), (int)compilation.Options.OutputKind);
            foreach (var reference in compilation.References)
            {
                global = Fingerprint.Add(Fingerprint.Add(global, RuntimeHelpers.GetHashCode(reference)), reference.Display);
            }

            var treeSet = Fingerprint.Start;
            var repeated = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                // A file without a path, or with another file's, cannot be matched with its earlier versions: what is declared
                // there is never kept, and what reads it depends on its version (NoteSummary, NoteBody).
                if (!string.IsNullOrEmpty(tree.FilePath) && !byPath.ContainsKey(tree.FilePath))
                {
                    byPath.Add(tree.FilePath, tree);
                }
                else
                {
                    repeated.Add(tree.FilePath);
                }

                var record = TreeRecord.Of(tree);
                stamps.Add(record.Stamp);
                global = Fingerprint.Add(Fingerprint.Add(Fingerprint.Add(global, tree.FilePath), record.Outline), RuntimeHelpers.GetHashCode(tree.Options));
                foreach (var symbol in tree.Options.PreprocessorSymbolNames)
                {
                    global = Fingerprint.Add(global, symbol);
                }
                treeSet = Fingerprint.Add(treeSet, (ulong)record.Stamp);
            }

            foreach (var path in repeated)
            {
                byPath.Remove(path);
            }

            return new LiveCache(byPath, stamps, global, treeSet);
        }

        /// <summary>Facts of the declarations only (no symbols, no locations), by outline: the same for every compilation whose outline is the same.</summary>
        private static readonly ConcurrentDictionary<(ulong Global, string Key), object> s_perOutline = new();

        /// <summary>How many outlines' facts are kept: an editor has a few projects open, each with one outline at a time.</summary>
        private const int OutlinesKept = 64;

        /// <summary>
        /// A fact of the declarations of this compilation, computed once per outline: <paramref name="compute"/> must
        /// read declarations only, and return neither symbols nor locations.
        /// </summary>
        public T PerOutline<T>(string key, Func<T> compute)
            where T : class
        {
            if (s_perOutline.TryGetValue((Global, key), out var kept))
            {
                return (T)kept;
            }

            if (s_perOutline.Count >= OutlinesKept)
            {
                s_perOutline.Clear();
            }

            return (T)s_perOutline.GetOrAdd((Global, key), _ => compute());
        }

        /// <summary>Set once by the summaries this cache serves (they compute what is not kept).</summary>
        public void Attach(LockSummaries summaries) => _summaries = summaries;

        /// <summary>The version of the file at <paramref name="tree"/>'s path in this compilation.</summary>
        public SyntaxTree? Current(SyntaxTree tree) =>
            _byPath.TryGetValue(tree.FilePath, out var current) ? current : null;

        /// <summary>Where <paramref name="method"/> is declared in this compilation; null when it has no source here.</summary>
        public MethodRef? RefOf(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (_byPath.TryGetValue(reference.SyntaxTree.FilePath, out var tree) && ReferenceEquals(tree, reference.SyntaxTree))
                {
                    var (anchor, offset) = TreeRecord.Of(tree).Relative(reference.Span.Start);
                    return new MethodRef(tree.FilePath, anchor, offset);
                }
            }

            return null;
        }

        /// <summary>Records that the current computation read the body of <paramref name="method"/>.</summary>
        public static void NoteBody(IMethodSymbol method, bool followsDelegates)
        {
            if (Recorder.Current is not { } recorder)
            {
                return;
            }

            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                recorder.Trees.Add(TreeRecord.Of(reference.SyntaxTree).Stamp);
            }

            recorder.Delegates |= followsDelegates;
        }

        /// <summary>Records that the current computation took <paramref name="method"/>'s summary in <paramref name="context"/>, as it is now.</summary>
        public void NoteSummary(IMethodSymbol method, string context, ImmutableArray<SummaryAcquisition> acquisitions)
        {
            if (Recorder.Current is not { } recorder)
            {
                return;
            }

            if (RefOf(method) is not { } reference)
            {
                // No source with a path here: a summary read from the method's contract (the same in every version of the
                // program), or from a body in a file that cannot be matched across versions, whose summary is not kept and
                // may change with any edit.
                recorder.Delegates |= !method.DeclaringSyntaxReferences.IsEmpty;
                return;
            }

            recorder.Summaries[(reference, context)] = FingerprintOf(method, context, acquisitions);
        }

        public ulong FingerprintOf(IMethodSymbol method, string context, ImmutableArray<SummaryAcquisition> acquisitions) =>
            _fingerprints.GetOrAdd((method.OriginalDefinition, context), _ => Fingerprint.Of(acquisitions));

        /// <summary>A kept summary of <paramref name="method"/> that still holds, with its locations in this compilation's versions of the files.</summary>
        public ImmutableArray<SummaryAcquisition>? Reuse(IMethodSymbol method, string context)
        {
            if (RefOf(method) is not { } reference || !_byPath.TryGetValue(reference.Path, out var tree)
                || !TreeRecord.Of(tree).Closures.TryGetValue((reference.Anchor, reference.Offset, context), out var kept)
                || !Recorder.With(null, () => Holds(kept)))
            {
                return null;
            }

            Counters.Count(ref Counters.SummariesKept);
            _fingerprints.TryAdd((method.OriginalDefinition, context), kept.Fingerprint);
            return Relocate(kept.Acquisitions);
        }

        /// <summary>Keeps a summary just computed, with what it read.</summary>
        public void Keep(IMethodSymbol method, string context, ImmutableArray<SummaryAcquisition> acquisitions, Recorder recorder)
        {
            if (RefOf(method) is not { } reference || !_byPath.TryGetValue(reference.Path, out var tree))
            {
                return;
            }

            TreeRecord.Of(tree).Closures[(reference.Anchor, reference.Offset, context)] =
                new CachedClosure(Global, TreeSet, recorder, acquisitions, FingerprintOf(method, context, acquisitions));
        }

        /// <summary>The order edges of the body declared by <paramref name="declaration"/>, kept from an earlier compilation, when they still hold.</summary>
        public CachedBody? ReuseBody(SyntaxNode declaration)
        {
            var record = TreeRecord.Of(declaration.SyntaxTree);
            return record.Bodies.TryGetValue(declaration.SpanStart, out var kept) && Recorder.With(null, () => Holds(kept)) ? kept : null;
        }

        public void KeepBody(SyntaxNode declaration, ImmutableArray<OrderEdge> edges, Recorder recorder) =>
            TreeRecord.Of(declaration.SyntaxTree).Bodies[declaration.SpanStart] = new CachedBody(Global, TreeSet, recorder, edges);

        /// <summary>The declarations of <paramref name="tree"/> that may touch a lock, found once per version of the file and outline of the compilation.</summary>
        public ImmutableArray<SyntaxNode> Candidates(SyntaxTree tree, Func<ImmutableArray<SyntaxNode>> find)
        {
            var record = TreeRecord.Of(tree);
            if (record.Candidates is { } kept && kept.Item1 == Global)
            {
                return kept.Item2;
            }

            var found = find();
            record.Candidates = Tuple.Create(Global, found);
            return found;
        }

        /// <summary>The guards of <paramref name="method"/>'s own acquisitions, recorded as read by the current computation.</summary>
        public ImmutableArray<ParameterGuard> GuardsOf(IMethodSymbol method)
        {
            var shape = ShapeOf(method);
            if (shape is null)
            {
                return _summaries!.OwnGuards(method);
            }

            if (Recorder.Current is { } recorder && RefOf(method) is { } reference)
            {
                recorder.Guards[reference] = shape.GuardsHash;
            }

            return shape.Guards;
        }

        /// <summary>The methods <paramref name="method"/> calls that have source here, for finding call cycles without reading bodies.</summary>
        public ImmutableArray<MethodRef> CalleesOf(MethodRef method) =>
            ShapeAt(method)?.Callees ?? ImmutableArray<MethodRef>.Empty;

        private MethodShape? ShapeOf(IMethodSymbol method) => RefOf(method) is { } reference ? ShapeAt(reference, method) : null;

        private MethodShape? ShapeAt(MethodRef reference, IMethodSymbol? known = null)
        {
            if (!_byPath.TryGetValue(reference.Path, out var tree))
            {
                return null;
            }

            var shapes = TreeRecord.Of(tree).Shapes;
            if (shapes.TryGetValue((reference.Anchor, reference.Offset), out var kept) && kept.Global == Global && (!kept.Delegates || kept.TreeSet == TreeSet))
            {
                return kept;
            }

            if ((known ?? Resolve(reference)) is not { } method)
            {
                return null;
            }

            Counters.Count(ref Counters.ShapesComputed);
            var recorder = new Recorder();
            var (guards, callees) = Recorder.With(recorder, () => (_summaries!.OwnGuards(method), _summaries.CalleesWithSource(method)));
            var shape = new MethodShape(Global, TreeSet, recorder.Delegates, guards,
                callees.Select(RefOf).Where(r => r.HasValue).Select(r => r!.Value).Distinct().ToImmutableArray());
            shapes[(reference.Anchor, reference.Offset)] = shape;
            return shape;
        }

        /// <summary>The method declared at <paramref name="reference"/> in this compilation.</summary>
        public IMethodSymbol? Resolve(MethodRef reference) => _resolved.GetOrAdd(reference, r =>
        {
            if (!_byPath.TryGetValue(r.Path, out var tree) || TreeRecord.Of(tree).Position((r.Anchor, r.Offset)) is var position && position < 0 || position >= tree.Length)
            {
                return null;
            }

            var model = _summaries!.SemanticModelFor(tree);
            for (var node = tree.GetRoot().FindToken(position).Parent; node is not null; node = node.Parent)
            {
                if (node.SpanStart != position)
                {
                    if (node.SpanStart < position)
                    {
                        break;
                    }

                    continue;
                }

                switch (node)
                {
                    case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax:
                        return model.GetDeclaredSymbol(node) as IMethodSymbol;
                    case ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax property }:
                        return (model.GetDeclaredSymbol(property) as IPropertySymbol)?.GetMethod;
                    case AnonymousFunctionExpressionSyntax:
                        return model.GetSymbolInfo(node).Symbol as IMethodSymbol;
                }
            }

            return null;
        });

        /// <summary>The same acquisitions with every location in this compilation's version of its file.</summary>
        public ImmutableArray<SummaryAcquisition> Relocate(ImmutableArray<SummaryAcquisition> acquisitions)
        {
            ImmutableArray<SummaryAcquisition>.Builder? moved = null;
            for (var i = 0; i < acquisitions.Length; i++)
            {
                var a = acquisitions[i];
                var path = Relocate(a.Path);
                if (!ReferenceEquals(path, a.Path))
                {
                    moved ??= acquisitions.ToBuilder();
                    moved[i] = new SummaryAcquisition(a.LockClass, a.Owner, a.Display, a.Mode, a.Primitive, path, a.Retaken, a.Guard);
                }
            }

            return moved?.ToImmutable() ?? acquisitions;
        }

        public OrderEdge Relocate(OrderEdge edge)
        {
            var path = Relocate(edge.Path);
            var heldAt = Relocation.Map(edge.HeldAt, Current);
            return ReferenceEquals(path, edge.Path) && ReferenceEquals(heldAt, edge.HeldAt)
                ? edge
                : new OrderEdge(edge.From, edge.To, edge.MethodKey, edge.MethodName, heldAt, path, edge.ReentrantKey);
        }

        public CallPath Relocate(CallPath path) => _relocated.GetOrAdd(path, p =>
        {
            var steps = p.ToList();
            var moved = false;
            for (var i = 0; i < steps.Count; i++)
            {
                var location = Relocation.Map(steps[i].Location, Current);
                if (!ReferenceEquals(location, steps[i].Location))
                {
                    steps[i] = new CallStep(steps[i].Name, location, steps[i].IsUncertain);
                    moved = true;
                }
            }

            if (!moved)
            {
                return p;
            }

            var result = CallPath.Empty;
            foreach (var step in steps)
            {
                result = result.Add(step);
            }

            return result;
        });

        /// <summary>Whether a kept result still holds in this compilation (decided once per result and compilation).</summary>
        private bool Holds(CachedResult kept)
        {
            if (_verdicts.TryGetValue(kept, out var verdict))
            {
                return verdict;
            }

            // Too deep, or depending on itself through a call cycle: compute it again rather than trust it.
            var checking = s_checking ??= new HashSet<CachedResult>();
            if (s_depth >= MaxCheckDepth || !checking.Add(kept))
            {
                return false;
            }

            s_depth++;
            try
            {
                verdict = Check(kept);
            }
            finally
            {
                s_depth--;
                checking.Remove(kept);
            }

            return _verdicts.GetOrAdd(kept, verdict);
        }

        private bool Check(CachedResult kept)
        {
            if (kept.Global != Global || kept.Delegates && kept.TreeSet != TreeSet)
            {
                return false;
            }

            foreach (var stamp in kept.Trees)
            {
                if (!_stamps.Contains(stamp))
                {
                    return false;
                }
            }

            foreach (var guard in kept.Guards)
            {
                if (ShapeAt(guard.Key) is not { } shape || shape.GuardsHash != guard.Value)
                {
                    return false;
                }
            }

            foreach (var summary in kept.Summaries)
            {
                if (FingerprintNow(summary.Key.Method, summary.Key.Context) != summary.Value)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The fingerprint of a method's summary in this compilation: kept and still holding, or computed now (with no call-site context only).</summary>
        private ulong? FingerprintNow(MethodRef reference, string context)
        {
            if (_byPath.TryGetValue(reference.Path, out var tree)
                && TreeRecord.Of(tree).Closures.TryGetValue((reference.Anchor, reference.Offset, context), out var kept) && Holds(kept))
            {
                return kept.Fingerprint;
            }

            if (context.Length > 0 || Resolve(reference) is not { } method)
            {
                return null;
            }

            var acquisitions = _summaries!.MayAcquire(method);
            return FingerprintOf(method, context, acquisitions);
        }
    }
}
