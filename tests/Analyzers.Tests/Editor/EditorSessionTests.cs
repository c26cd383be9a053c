using System.Collections.Immutable;
using LockContracts.Analyzers.Rules;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace LockContracts.Analyzers.Tests.Editor;

/// <summary>
/// LOCK001 the way an editor asks for it: one compilation, then for each edit one method body changes, a new
/// compilation is made (<see cref="Compilation.ReplaceSyntaxTree"/> over an incrementally reparsed tree), and the
/// edited document (or another open one) is analyzed with
/// <see cref="CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(SemanticModel, TextSpan?, CancellationToken)"/>,
/// in live mode, as a design-time build sets it. After every step, a build of the same compilation is the reference.
/// </summary>
public sealed class EditorSessionTests
{
    private const string Ledger = """
        public sealed class Ledger
        {
            private readonly object _accounts = new(), _audit = new();
            private int _count;

            public void Transfer()
            {
                lock (_accounts) { lock (_audit) { _count++; } }
            }

            public void Flush()
            {
                lock (_audit) { lock (_accounts) { _count--; } }
            }
        }
        """;

    [Fact]
    public async Task AnEditThatFixesTheCycleMakesLock001Disappear()
    {
        var editor = new EditorSession(Ledger);
        Assert.Single(await editor.CyclesShownInAsync(0));

        editor.ReplaceBody(0, "Flush", "{ lock (_accounts) { lock (_audit) { _count--; } } }");

        Assert.Empty(await editor.CyclesShownInAsync(0));
        Assert.Empty(await editor.CyclesInABuildAsync());
    }

    [Fact]
    public async Task AnEditThatReintroducesTheCycleBringsLock001Back()
    {
        var editor = new EditorSession(Ledger);
        editor.ReplaceBody(0, "Flush", "{ lock (_accounts) { lock (_audit) { _count--; } } }");
        Assert.Empty(await editor.CyclesShownInAsync(0));

        editor.ReplaceBody(0, "Flush", "{ lock (_audit) { _count -= 2; lock (_accounts) { _count--; } } }");

        var shown = Assert.Single(await editor.CyclesShownInAsync(0));
        Assert.Contains("Ledger.Transfer", shown.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("Ledger.Flush", shown.GetMessage(), StringComparison.Ordinal);
        Assert.Single(await editor.CyclesInABuildAsync());

        // Fixed and broken again, several times: each compilation answers for itself.
        for (var round = 0; round < 3; round++)
        {
            editor.ReplaceBody(0, "Flush", $"{{ lock (_accounts) {{ _count -= {round}; lock (_audit) {{ }} }} }}");
            Assert.Empty(await editor.CyclesShownInAsync(0));
            editor.ReplaceBody(0, "Flush", $"{{ lock (_audit) {{ _count -= {round}; lock (_accounts) {{ }} }} }}");
            Assert.Single(await editor.CyclesShownInAsync(0));
        }
    }

    private const string Orders = """
        public sealed class Orders
        {
            public readonly object Gate = new();
            private int _shipped;

            public void Ship(Stock stock)
            {
                lock (Gate) { lock (stock.Gate) { _shipped++; } }
            }

            public void Touch()
            {
                lock (Gate) { _shipped--; }
            }
        }
        """;

    private const string Stock = """
        public sealed class Stock
        {
            public readonly object Gate = new();
            private int _count;

            public void Recount(Orders orders)
            {
                lock (Gate) { _count = 0; }
            }
        }
        """;

    /// <summary>
    /// Stock.cs is edited, Orders.cs is not: the cycle shows in Orders.cs, whichever of the two files the
    /// compilation lists first, and in Stock.cs, with the same message: a cycle is reported in every file that holds
    /// one of its edges, in the editor as in a build.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnEditInAnotherFileThatClosesACycleShowsLock001InTheFirstFileAsWell(bool stockFirst)
    {
        var editor = stockFirst ? new EditorSession(Stock, Orders) : new EditorSession(Orders, Stock);
        int orders = stockFirst ? 1 : 0, stock = 1 - orders;
        Assert.Empty(await editor.CyclesShownInAsync(orders));
        Assert.Empty(await editor.CyclesShownInAsync(stock));

        // Only Stock.cs changes: Recount now takes Orders.Gate (through Orders.Touch) under Stock.Gate.
        editor.ReplaceBody(stock, "Recount", "{ lock (Gate) { _count = 0; orders.Touch(); } }");

        var inOrders = Assert.Single(await editor.CyclesShownInAsync(orders));
        var inStock = Assert.Single(await editor.CyclesShownInAsync(stock));
        Assert.Equal(inOrders.GetMessage(), inStock.GetMessage());
        var shown = new[] { inOrders, inStock }.Select(Describe).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal((await editor.CyclesInABuildAsync()).Select(Describe).OrderBy(s => s, StringComparer.Ordinal), shown);

        // And undoing it in Stock.cs clears it from Orders.cs too.
        editor.ReplaceBody(stock, "Recount", "{ lock (Gate) { _count = 0; } orders.Touch(); }");
        Assert.Empty(await editor.CyclesShownInAsync(orders));
        Assert.Empty(await editor.CyclesShownInAsync(stock));
        Assert.Empty(await editor.CyclesInABuildAsync());
    }

    private const string Shipping = """
        public sealed class Shipping
        {
            public readonly object Gate = new();
            private int _shipped;

            public void Ship(Warehouse warehouse)
            {
                lock (Gate) { warehouse.Refresh(); _shipped++; }
            }

            public void Touch()
            {
                lock (Gate) { _shipped--; }
            }
        }
        """;

    private const string Warehouse = """
        public sealed class Warehouse
        {
            public readonly object Gate = new();
            private int _count;

            public void Refresh()
            {
                _count++;
            }

            public void Recount(Shipping shipping)
            {
                lock (Gate) { shipping.Touch(); }
            }
        }
        """;

    /// <summary>
    /// The first file does not change at all: what changes is a callee in the other file, which now takes a lock, so
    /// the first file's unchanged body gains an edge and closes the cycle.
    /// </summary>
    [Fact]
    public async Task AnEditToACalleeInAnotherFileClosesACycleThroughTheFirstFilesUnchangedBody()
    {
        var editor = new EditorSession(Shipping, Warehouse);
        Assert.Empty(await editor.CyclesShownInAsync(0));
        Assert.Empty(await editor.CyclesShownInAsync(1));

        editor.ReplaceBody(1, "Refresh", "{ lock (Gate) { _count++; } }");

        var inShipping = Assert.Single(await editor.CyclesShownInAsync(0));
        Assert.Contains("Shipping.Ship", inShipping.GetMessage(), StringComparison.Ordinal);
        var shown = (await editor.CyclesShownInAsync(1)).Append(inShipping).Select(Describe).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal((await editor.CyclesInABuildAsync()).Select(Describe).OrderBy(s => s, StringComparer.Ordinal), shown);

        editor.ReplaceBody(1, "Refresh", "{ _count++; }");
        Assert.Empty(await editor.CyclesShownInAsync(0));
        Assert.Empty(await editor.CyclesShownInAsync(1));
        Assert.Empty(await editor.CyclesInABuildAsync());
    }

    private static string Describe(Diagnostic diagnostic) => $"{diagnostic.Location.GetLineSpan()}: {diagnostic.GetMessage()}";

    /// <summary>An editor's view of a few open documents: Test0.cs, Test1.cs, … (and the test global usings).</summary>
    internal sealed class EditorSession
    {
        public static readonly IReadOnlyDictionary<string, string> Live =
            new Dictionary<string, string> { [LockStateAnalyzer.CycleReportingProperty] = "live" };

        public EditorSession(params string[] documents) => Compilation = LockAnalysis.Compile(documents);

        public Compilation Compilation { get; private set; }

        public SyntaxTree Document(int index) => Compilation.SyntaxTrees.Single(t => t.FilePath == $"Test{index}.cs");

        /// <summary>Replaces the body of one method (by name) of one document, reparsing the tree incrementally.</summary>
        public void ReplaceBody(int document, string method, string body)
        {
            var tree = Document(document);
            var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == method);
            var span = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody ?? throw new InvalidOperationException($"{method} has no body");
            var text = tree.GetText();
            var edited = tree.WithChangedText(text.WithChanges(new TextChange(span.Span, body)));
            Compilation = Compilation.ReplaceSyntaxTree(tree, edited);
            Assert.Empty(Compilation.GetSemanticModel(edited).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        /// <summary>Replaces the whole text of one document (a change of its declarations, not only of a body).</summary>
        public void ReplaceDocument(int document, string text)
        {
            var tree = Document(document);
            var edited = tree.WithChangedText(SourceText.From(text));
            Compilation = Compilation.ReplaceSyntaxTree(tree, edited);
            Assert.Empty(Compilation.GetSemanticModel(edited).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        /// <summary>LOCK001 as the editor shows it in one document of the current compilation.</summary>
        public async Task<IReadOnlyList<Diagnostic>> CyclesShownInAsync(int document, ImmutableArray<DiagnosticAnalyzer> probes = default)
        {
            var diagnostics = await LockAnalysis.AnalyzeDocumentLikeAnEditorAsync(Compilation, Document(document), Live, probes);
            return diagnostics.Where(d => d.Id == "LOCK001").ToList();
        }

        /// <summary>LOCK001 in a build of the current compilation: the reference the editor must agree with.</summary>
        public async Task<IReadOnlyList<Diagnostic>> CyclesInABuildAsync() =>
            (await LockAnalysis.AnalyzeAsync(Compilation, LockTestSetup.BuildMode)).Where(d => d.Id == "LOCK001").ToList();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EditorMemoryCollection
{
    public const string Name = "Editor memory (runs alone)";
}

/// <summary>
/// One compilation per edit, as in an editor, 500 times: once analyzed and replaced, no compilation may be kept alive
/// (neither the editor's nor the one the analyzers were given, which Roslyn derives from it for each analysis), and the
/// managed heap after 500 edits is about what it was after 100. No timing is measured. Runs alone (its collection is
/// not parallelized) so that other tests' allocations do not count.
/// </summary>
[Collection(EditorMemoryCollection.Name)]
public sealed class EditorMemoryTests(ITestOutputHelper output)
{
    private const int Edits = 500;

    /// <summary>Compilations up to this edit must all be collected by the end (a bounded cache may keep the later ones).</summary>
    private const int Watched = 400;

    /// <summary>
    /// How much the managed heap may grow from edit 100 to edit 500. Keeping one compilation of this code per edit
    /// grows it by about 20 MB (measured with the analyzer's model table made strong); a flat run grows it by well
    /// under 1 MB.
    /// </summary>
    private const long Margin = 8L * 1024 * 1024;

    [Fact]
    public async Task FiveHundredEditsKeepNoOldCompilationAliveAndTheHeapFlat()
    {
        var editor = new EditorSessionTests.EditorSession(Ledger, Registry);
        var probe = new CompilationProbe();
        var probes = ImmutableArray.Create<DiagnosticAnalyzer>(probe);
        var watched = new List<WeakReference>();
        long afterFirstHundred = 0;
        for (var edit = 1; edit <= Edits; edit++)
        {
            // Even edits fix the cycle, odd ones bring it back: the analysis really changes with each compilation.
            editor.ReplaceBody(0, "Flush", edit % 2 == 0
                ? $"{{ lock (_accounts) {{ lock (_audit) {{ _count -= {edit}; }} }} }}"
                : $"{{ lock (_audit) {{ lock (_accounts) {{ _count -= {edit}; }} }} }}");
            probe.Seen.Clear();
            var shown = await editor.CyclesShownInAsync(0, probes);
            Assert.Equal(edit % 2, shown.Count);
            Assert.NotEmpty(probe.Seen);
            if (edit <= Watched)
            {
                watched.Add(new WeakReference(editor.Compilation));
                watched.AddRange(probe.Seen);
            }

            probe.Seen.Clear();
            if (edit == 100)
            {
                afterFirstHundred = Settle();
            }
        }

        var afterAll = Settle();
        var alive = watched.Count(w => w.IsAlive);
        output.WriteLine($"managed heap after edit 100: {afterFirstHundred / 1024} KiB, after edit {Edits}: {afterAll / 1024} KiB; {alive} of {watched.Count} watched compilations alive");
        Assert.True(alive == 0, $"{alive} of the {watched.Count} compilations of the first {Watched} edits are still alive after {Edits} edits");
        Assert.True(
            afterAll - afterFirstHundred < Margin,
            $"the managed heap grew by {(afterAll - afterFirstHundred) / 1024} KiB from edit 100 ({afterFirstHundred / 1024} KiB) to edit {Edits} ({afterAll / 1024} KiB)");
        GC.KeepAlive(editor);
    }

    private static long Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Remembers, weakly, every compilation the analyzers are given; reports nothing.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class CompilationProbe : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Never = new("LOCK901", "Probe", "never reported", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public List<WeakReference> Seen { get; } = new();

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                lock (Seen)
                {
                    Seen.Add(new WeakReference(start.Compilation));
                }

                start.RegisterSymbolAction(_ => { }, SymbolKind.NamedType);
            });
        }
    }

    private const string Ledger = """
        public sealed class Ledger
        {
            private readonly object _accounts = new(), _audit = new();
            private int _count;

            public void Transfer(Registry registry)
            {
                lock (_accounts) { lock (_audit) { _count++; registry.Note(_count); } }
            }

            public void Flush()
            {
                lock (_accounts) { lock (_audit) { _count--; } }
            }
        }
        """;

    private const string Registry = """
        public sealed class Registry
        {
            private readonly object _gate = new();
            private readonly List<int> _notes = new();

            public void Note(int value)
            {
                lock (_gate) { _notes.Add(value); }
            }
        }
        """;
}
