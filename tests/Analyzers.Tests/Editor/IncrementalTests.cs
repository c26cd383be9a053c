using LockContracts.Analyzers.Flow;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using EditorSession = LockContracts.Analyzers.Tests.Editor.EditorSessionTests.EditorSession;

namespace LockContracts.Analyzers.Tests.Editor;

/// <summary>
/// The live analysis across an editor's compilations (<see cref="LiveCache"/>): after an edit, what is kept
/// from the earlier compilation and what is computed again, and that what the editor then shows is what a
/// build of the same code reports. Each edit is one the invalidation rule must see: a body that changes
/// what its callers take, a call target, a new implementation, the declared order, a new <c>+=</c>; and one
/// it must not act on more than it needs: a body that changes nothing another body reads.
/// </summary>
public sealed class IncrementalTests
{
    private const string Orders = """
        public sealed class Orders
        {
            public readonly object Gate = new();
            private int _n;

            public void Pad()
            {
                _n++;
            }

            public void Touch()
            {
                lock (Gate) { _n--; }
            }

            public void Ship(Stock stock)
            {
                lock (Gate) { stock.Refresh(); }
            }
        }
        """;

    private const string Stock = """
        public sealed class Stock
        {
            public readonly object Gate = new();
            private int _count;

            public void Refresh()
            {
                lock (Gate) { _count++; }
            }

            public void Recount(Orders orders)
            {
                lock (Gate) { orders.Touch(); }
            }
        }
        """;

    private const string Audit = """
        public sealed class Audit
        {
            private readonly object _gate = new();
            private int _entries;

            public void Write()
            {
                lock (_gate) { _entries++; }
            }
        }
        """;

    [Fact]
    public async Task AnEditThatChangesNoLockAnalyzesOnlyTheEditedFileAgain()
    {
        var editor = new EditorSession(Orders, Stock, Audit);
        Assert.Single(await editor.CyclesShownInAsync(0));
        var first = Counters(editor);
        Assert.Equal(0, first.BodiesKept);
        Assert.Equal(5, first.BodiesAnalyzed);

        editor.ReplaceBody(2, "Write", "{ lock (_gate) { _entries += 2; } }");
        await AssertShownAsInABuildAsync(editor, 0);
        var after = Counters(editor);
        Assert.Equal(1, after.BodiesAnalyzed);
        Assert.Equal(4, after.BodiesKept);
        Assert.Equal(0, after.SummariesWalked);
    }

    /// <summary>
    /// Pad grows by three lines: Stock.Recount's edge is kept (what Orders.Touch takes did not change), and its
    /// evidence, which points into Orders.cs below Pad, moves with the file, as a build of the new text says.
    /// </summary>
    [Fact]
    public async Task EvidenceKeptFromAnEarlierVersionOfAFileMovesWithTheText()
    {
        var editor = new EditorSession(Orders, Stock, Audit);
        var before = Assert.Single(await editor.CyclesShownInAsync(0));

        editor.ReplaceBody(0, "Pad", "{\n        _n++;\n        _n++;\n        _n++;\n        _n++;\n    }");
        var after = await AssertShownAsInABuildAsync(editor, 0);
        Assert.NotEqual(before.GetMessage(), Assert.Single(after).GetMessage());
        Assert.True(Counters(editor).BodiesKept >= 3);

        // The same cycle in the other file, which did not change, with the same moved evidence.
        Assert.Equal(Assert.Single(after).GetMessage(), Assert.Single(await AssertShownAsInABuildAsync(editor, 1)).GetMessage());
    }

    [Fact]
    public async Task AnEditThatChangesWhatACalleeTakesReachesTheCallersKeptInOtherFiles()
    {
        var editor = new EditorSession(Orders, Stock, Audit);
        Assert.Single(await editor.CyclesShownInAsync(0));

        // Touch no longer takes Orders.Gate: Stock.Recount (unchanged, in Stock.cs) no longer orders it after Stock.Gate.
        editor.ReplaceBody(0, "Touch", "{ _n--; }");
        Assert.Empty(await AssertShownAsInABuildAsync(editor, 0));
        Assert.True(Counters(editor).BodiesAnalyzed >= 2, Counters(editor).ToString());

        // Touch takes it again, through another method of its file.
        editor.ReplaceBody(0, "Touch", "{ Pad(); lock (Gate) { _n--; } }");
        Assert.Single(await AssertShownAsInABuildAsync(editor, 0));
    }

    [Fact]
    public async Task AnEditThatChangesACallTargetInAnUnchangedCallersCalleeIsSeen()
    {
        var editor = new EditorSession(Orders, Stock, Audit);
        editor.ReplaceBody(0, "Touch", "{ Pad(); }");
        Assert.Empty(await AssertShownAsInABuildAsync(editor, 0));

        // Touch now calls Ship: Stock.Recount → Touch → Ship takes Orders.Gate under Stock.Gate again; then Audit.Write, which does not.
        editor.ReplaceBody(0, "Touch", "{ Ship(new Stock()); }");
        Assert.Single(await AssertShownAsInABuildAsync(editor, 0));
        editor.ReplaceBody(0, "Touch", "{ new Audit().Write(); }");
        Assert.Empty(await AssertShownAsInABuildAsync(editor, 0));
    }

    private const string Parts = """
        public interface IPart
        {
            void Count();
        }

        public sealed class Shelf
        {
            public readonly object Gate = new();

            public void Check(IPart part)
            {
                lock (Gate) { part.Count(); }
            }
        }
        """;

    private const string Bin = """
        public sealed class Bin
        {
            public readonly object Gate = new();

            public void Empty(Shelf shelf)
            {
                lock (Gate) { shelf.Check(null!); }
            }
        }
        """;

    [Fact]
    public async Task ANewImplementationInAnotherFileIsATargetOfTheKeptCall()
    {
        var editor = new EditorSession(Parts, Bin);
        Assert.Empty(await editor.CyclesShownInAsync(0));
        Assert.Empty(await editor.CyclesShownInAsync(1));

        editor.ReplaceDocument(1, Bin + """

            public sealed class Box : IPart
            {
                private readonly Bin _bin = new();

                public void Count()
                {
                    lock (_bin.Gate) { }
                }
            }
            """);
        var shown = await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005");
        Assert.Single(shown);
    }

    [Fact]
    public async Task AChangeOfTheDeclaredOrderIsSeenByEveryKeptBody()
    {
        const string order = """[assembly: LockContracts.LockOrder("Orders.Gate", "Stock.Gate")]""";
        var editor = new EditorSession(Orders, Stock, Audit, order);
        var declared = await AssertShownAsInABuildAsync(editor, 1, "LOCK002");
        Assert.Single(declared);

        editor.ReplaceDocument(3, """[assembly: LockContracts.LockOrder("Stock.Gate", "Orders.Gate")]""");
        var reversed = await AssertShownAsInABuildAsync(editor, 0, "LOCK002");
        Assert.Single(reversed);
        Assert.Empty(await AssertShownAsInABuildAsync(editor, 1, "LOCK002"));
    }

    private const string Sinks = """
        public interface ISink { void Write(); }

        public sealed class QuietSink : ISink { public void Write() { } }

        public sealed class StockSink : ISink
        {
            public static readonly object Gate = new();

            public void Write() { lock (Gate) { } }

            public static void Recount(Shipping shipping)
            {
                lock (Gate) { shipping.Touch(); }
            }
        }

        public sealed class Shipping
        {
            public readonly object Gate = new();

            public void Touch() { lock (Gate) { } }

            public void Ship()
            {
                lock (Gate) { Relay.Send(); }
            }
        }
        """;

    private const string RelayReset = """
        public static partial class Relay
        {
            public static void Reset()
            {
                s_sink = new QuietSink();
            }
        }
        """;

    private const string Relay = """
        public static partial class Relay
        {
            private static ISink s_sink = new QuietSink();

            public static void Send()
            {
                s_sink.Write();
            }
        }
        """;

    /// <summary>
    /// Relay.Send's call on its private field runs what the field is ever assigned, in this part of the class
    /// and in another file's: a quiet sink; then also a stock sink, whose lock closes a cycle with Shipping's
    /// through one of the two (LOCK005); then a quiet sink again. Send's file does not change and Send calls nothing in the edited file: only because its
    /// kept summary recorded reading that file is it computed again.
    /// </summary>
    [Fact]
    public async Task AnEditOfAnAssignmentInAnotherFileChangesWhatAKeptCallRuns()
    {
        var editor = new EditorSession(Sinks, RelayReset, Relay);
        await AssertAnEditClosesTheCycleAndItsUndoOpensItAsync(editor, "Reset", "{ s_sink = new StockSink(); }", "{ s_sink = new QuietSink(); }", "LOCK005");
    }

    private const string SinkFactory = """
        public static class SinkFactory
        {
            private static readonly ISink Quiet = new QuietSink();
            private static readonly ISink Stock = new StockSink();

            public static ISink Make()
            {
                return Quiet;
            }
        }
        """;

    private const string FactoryRelay = """
        public static class Relay
        {
            public static void Send()
            {
                var sink = SinkFactory.Make();
                sink.Write();
            }
        }
        """;

    /// <summary>
    /// Relay.Send's call on a sink from the factory in another file runs what the factory returns: a quiet sink,
    /// then a stock sink (whose lock closes a cycle with Shipping's, certain: the stock sink is all it can be),
    /// then a quiet sink again.
    /// </summary>
    [Fact]
    public async Task AnEditOfAFactorysReturnInAnotherFileChangesWhatAKeptCallRuns()
    {
        var editor = new EditorSession(Sinks, SinkFactory, FactoryRelay);
        await AssertAnEditClosesTheCycleAndItsUndoOpensItAsync(editor, "Make", "{ return Stock; }", "{ return Quiet; }", "LOCK001");
    }

    /// <summary>
    /// Shipping's file (document 0) shows no cycle; <paramref name="method"/> in document 1 edited to <paramref name="closing"/>
    /// shows one, of id <paramref name="id"/>; edited back to <paramref name="opening"/>, none again. Each time as a build reports it.
    /// </summary>
    private static async Task AssertAnEditClosesTheCycleAndItsUndoOpensItAsync(EditorSession editor, string method, string closing, string opening, string id)
    {
        Assert.Empty(await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005"));

        editor.ReplaceBody(1, method, closing);
        Assert.Equal(id, Assert.Single(await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005")).Id);

        editor.ReplaceBody(1, method, opening);
        Assert.Empty(await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005"));
    }

    private const string Feed = """
        public sealed class Feed
        {
            public readonly object Gate = new();

            public event System.Action? Changed;

            public void Publish()
            {
                lock (Gate) { Changed?.Invoke(); }
            }
        }
        """;

    private const string Reader = """
        public sealed class Reader
        {
            private readonly object _gate = new();

            public void Attach(Feed feed)
            {
            }

            public void Read(Feed feed)
            {
                lock (_gate) { feed.Publish(); }
            }
        }
        """;

    [Fact]
    public async Task ANewSubscriptionInAnotherFileReachesTheKeptRaise()
    {
        var editor = new EditorSession(Feed, Reader);
        Assert.Empty(await editor.CyclesShownInAsync(0));
        Assert.Empty(await editor.CyclesShownInAsync(1));
        Assert.Equal(0, Counters(editor).BodiesKept);

        // Only Reader.cs changes: a handler that takes Reader's gate, under Feed.Gate where Publish raises the event. Publish,
        // kept, had no handler to read: what a delegate can run is read from every file.
        editor.ReplaceBody(1, "Attach", "{ feed.Changed += () => { lock (_gate) { } }; }");
        var shown = await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005");
        Assert.Single(shown);
        Assert.Equal(0, Counters(editor).BodiesKept);
    }

    private const string Alpha = """
        public sealed class Alpha
        {
            public readonly object Gate = new();

            public void Ping(Beta beta, int n)
            {
                if (n > 0) beta.Pong(this, n - 1);
            }

            public void Hold(Beta beta)
            {
                lock (Gate) { Ping(beta, 3); }
            }
        }
        """;

    private const string Beta = """
        public sealed class Beta
        {
            public readonly object Gate = new();

            public void Pong(Alpha alpha, int n)
            {
                if (n > 0) alpha.Ping(this, n - 1);
            }

            public void Take(Alpha alpha)
            {
                lock (Gate) { lock (alpha.Gate) { } }
            }
        }
        """;

    /// <summary>
    /// Ping and Pong call each other: Ping's summary, kept with Alpha.cs, walked Pong's body in place. When only Pong
    /// changes, Ping's summary, and so Hold's edge in the unchanged Alpha.cs, must be computed again.
    /// </summary>
    [Fact]
    public async Task ABodyWalkedInPlaceByARecursiveSummaryInvalidatesIt()
    {
        var editor = new EditorSession(Alpha, Beta);
        Assert.Empty(await editor.CyclesShownInAsync(0));

        editor.ReplaceBody(1, "Pong", "{ lock (Gate) { } if (n > 0) alpha.Ping(this, n - 1); }");
        Assert.Single(await AssertShownAsInABuildAsync(editor, 0));
    }

    private const string Table = """
        using System.Collections;
        using System.Collections.Generic;

        public sealed class Table<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>> where TKey : notnull
        {
            private readonly object _lock = new();
            private readonly Dictionary<TKey, TValue> _items = new();

            IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator()
            {
                lock (_lock) { return new List<KeyValuePair<TKey, TValue>>(_items).GetEnumerator(); }
            }

            IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<TKey, TValue>>)this).GetEnumerator();

            public void Visit(Scanner scanner)
            {
                lock (_lock) { scanner.Touch(); }
            }
        }
        """;

    private const string Scanner = """
        using System.Collections.Generic;

        public sealed class Scanner
        {
            private readonly object _gate = new();

            public void Touch()
            {
                lock (_gate) { }
            }

            public void Scan(Table<string, int> table)
            {
                lock (_gate)
                {
                    foreach (var pair in (IEnumerable<KeyValuePair<string, int>>)table) { }
                }
            }
        }
        """;

    /// <summary>
    /// Implementations are kept by documentation id; the id of an explicit implementation of a generic interface does not
    /// always name it back (NLog's ThreadSafeDictionary showed it). Such implementations are found from the symbols of
    /// the compilation that asks, so the cycle through one is shown as a build reports it, first and after an edit.
    /// </summary>
    [Fact]
    public async Task AnExplicitImplementationOfAGenericInterfaceIsATargetLiveAsInABuild()
    {
        var editor = new EditorSession(Table, Scanner);
        Assert.Single(await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005"));
        editor.ReplaceBody(1, "Touch", "{ lock (_gate) { _ = 1; } }");
        Assert.Single(await AssertShownAsInABuildAsync(editor, 0, "LOCK001", "LOCK005"));
    }

    [Fact]
    public async Task WithLiveIncrementalFalseEveryCompilationIsAnalyzedFromScratch()
    {
        var options = new Dictionary<string, string>(EditorSession.Live) { [LockContracts.Analyzers.Rules.LockStateAnalyzer.LiveIncrementalProperty] = "false" };
        var editor = new EditorSession(Orders, Stock, Audit);
        Assert.Single((await LockAnalysis.AnalyzeDocumentLikeAnEditorAsync(editor.Compilation, editor.Document(0), options)).Where(d => d.Id == "LOCK001"));
        editor.ReplaceBody(2, "Write", "{ lock (_gate) { _entries += 2; } }");
        Assert.Single((await LockAnalysis.AnalyzeDocumentLikeAnEditorAsync(editor.Compilation, editor.Document(0), options)).Where(d => d.Id == "LOCK001"));
        Assert.Null(LiveCache.CountersOf(editor.Compilation));
    }

    /// <summary>
    /// IStep has one implementation more than the dispatch bound: Step0 takes Hub.Inner, the next ones take Journal's lock
    /// through Journal.Note, and the last runs Work, which takes nothing until it is edited to call Journal.Note as well.
    /// </summary>
    private static string WideSteps()
    {
        var steps = new System.Text.StringBuilder();
        steps.AppendLine("public interface IStep { void Run(); }");
        steps.AppendLine("public static class Hub { public static readonly object Gate = new(); public static readonly object Inner = new(); }");
        steps.AppendLine("public static class Journal { public static int Count; private static readonly object Sync = new(); public static void Note() { lock (Sync) { Count++; } } }");
        steps.AppendLine("public sealed class Step0 : IStep { public void Run() { lock (Hub.Inner) { } } }");
        for (var i = 1; i < CallGraph.DefaultDispatchTargets; i++)
        {
            steps.AppendLine($"public sealed class Step{i} : IStep {{ public void Run() => Journal.Note(); }}");
        }

        steps.AppendLine($"public sealed class Step{CallGraph.DefaultDispatchTargets} : IStep\n{{\n    public void Run() => Work();\n\n    private void Work()\n    {{\n        Journal.Count++;\n    }}\n}}");
        return steps.ToString();
    }

    private const string DriverA = """
        public sealed class DriverA
        {
            private readonly RelayA _relay = new();

            public void Go()
            {
                lock (Hub.Gate) { _relay.Run(); }
            }

            public static void Back()
            {
                lock (Hub.Inner) { lock (Hub.Gate) { } }
            }
        }
        """;

    private const string DriverB = """
        public sealed class DriverB
        {
            private readonly RelayB _relay = new();

            public void Go()
            {
                lock (Hub.Gate) { _relay.Run(); }
            }
        }
        """;

    private const string RelayA = """
        public sealed class RelayA
        {
            public IStep Step { get; set; } = new Step0();

            public void Run() => Step.Run();
        }
        """;

    /// <summary>
    /// Whether a wide call is followed depends on how many of its bodies may take a lock (LOCK206 past the bound). The
    /// wide calls are in RelayA and RelayB, whose summaries are kept across compilations; the drivers call them under a
    /// lock. An edit of one body in another file moves the calls across the bound and back, and both kept summaries
    /// see it: the second to ask reads the answer the first one's walk kept, and must depend on those bodies too.
    /// </summary>
    [Fact]
    public async Task AnEditThatMovesAWideCallAcrossTheDispatchBoundReachesEveryKeptSummary()
    {
        var editor = new EditorSession(WideSteps(), DriverA, DriverB, RelayA, RelayA.Replace("RelayA", "RelayB", StringComparison.Ordinal));
        await AssertDriversShowAsync(editor, "LOCK005");

        editor.ReplaceBody(0, "Work", "{ Journal.Note(); }");
        await AssertDriversShowAsync(editor, "LOCK206");

        editor.ReplaceBody(0, "Work", "{ Journal.Count += 2; }");
        await AssertDriversShowAsync(editor, "LOCK005");

        editor.ReplaceBody(0, "Work", "{ Journal.Note(); Journal.Count++; }");
        await AssertDriversShowAsync(editor, "LOCK206");
    }

    /// <summary>LOCK005: the cycle through Step0, reported in DriverA's file (the edge whose evidence is kept), nothing in DriverB's. LOCK206: both calls cut.</summary>
    private static async Task AssertDriversShowAsync(EditorSession editor, string id)
    {
        var a = await AssertShownAsInABuildAsync(editor, 1, "LOCK005", "LOCK206");
        var b = await AssertShownAsInABuildAsync(editor, 2, "LOCK005", "LOCK206");
        Assert.Equal(id, Assert.Single(a).Id);
        if (id == "LOCK206")
        {
            Assert.Equal(id, Assert.Single(b).Id);
        }
        else
        {
            Assert.Empty(b);
        }
    }

    private static LiveCounters Counters(EditorSession editor) =>
        LiveCache.CountersOf(editor.Compilation) ?? throw new InvalidOperationException("no live analysis ran on this compilation");

    /// <summary>What the editor shows in one document, after asserting it is what a build reports there, message, place and evidence.</summary>
    private static async Task<IReadOnlyList<Diagnostic>> AssertShownAsInABuildAsync(EditorSession editor, int document, params string[] ids)
    {
        ids = ids.Length == 0 ? ["LOCK001"] : ids;
        var tree = editor.Document(document);
        var shown = (await LockAnalysis.AnalyzeDocumentLikeAnEditorAsync(editor.Compilation, tree, EditorSession.Live))
            .Where(d => ids.Contains(d.Id)).ToList();
        var built = (await LockAnalysis.AnalyzeAsync(editor.Compilation, LockTestSetup.BuildMode))
            .Where(d => ids.Contains(d.Id) && d.Location.SourceTree == tree).ToList();
        Assert.Equal(built.Select(Full).OrderBy(s => s, StringComparer.Ordinal), shown.Select(Full).OrderBy(s => s, StringComparer.Ordinal));
        foreach (var diagnostic in shown)
        {
            Assert.All(diagnostic.AdditionalLocations, l => Assert.True(l.SourceTree is null || editor.Compilation.ContainsSyntaxTree(l.SourceTree)));
        }

        return shown;
    }

    private static string Full(Diagnostic d) =>
        $"{d.Id} {d.Location.GetLineSpan()}: {d.GetMessage()} [{string.Join("; ", d.AdditionalLocations.Select(l => l.GetLineSpan().ToString()))}]";
}
