using LockContracts.Analyzers.Tests.Testing;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

public class Lock001LockOrderCycleTests
{
    /// <summary>Checks the source as the editor and as a build analyze it (the verifier requires both to agree).</summary>
    private static Task<ImmutableArray<Diagnostic>> Verify(string source, params DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, "LOCK001", expected: expected);

    /// <summary>
    /// The cycle reported at <c>{|#0:…|}</c>, with the first step of each other path as an additional location,
    /// <c>{|#1:…|}</c> to <c>{|#n:…|}</c>.
    /// </summary>
    private static DiagnosticResult Cycle(int otherPaths = 1) =>
        Enumerable.Range(0, otherPaths + 1).Aggregate(LockAnalyzerVerifier.Diagnostic("LOCK001"), (cycle, marker) => cycle.WithLocation(marker));

    /// <summary>The report of a cycle on the edge at the first marker, with the other edges' markers in cycle order.</summary>
    private static DiagnosticResult CycleAt(params int[] markers) =>
        markers.Aggregate(LockAnalyzerVerifier.Diagnostic("LOCK001"), (cycle, marker) => cycle.WithLocation(marker));

    private static int LineOf(string source, string text)
    {
        var clean = LockAnalysis.WithoutMarkup(source);
        var index = clean.IndexOf(text, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{text}' is not in the source");
        return clean.Take(index).Count(c => c == '\n') + 1;
    }

    private const string Ledger = """
        class Ledger
        {
            readonly object _accounts = new();
            readonly object _audit = new();
            readonly List<string> _log = new();
            readonly Dictionary<string, decimal> _balances = new();

            public void Transfer(string from, string to, decimal amount)
            {
                lock (_accounts)
                {
                    _balances[from] -= amount;
                    _balances[to] += amount;
                    lock ({|#0:_audit|}) { _log.Add($"{from}->{to}"); }
                }
            }

            public void FlushAudit()
            {
                lock (_audit)
                {
                    var snapshot = {|#1:Snapshot()|};
                    _log.Add(snapshot.Count.ToString());
                }
            }

            Dictionary<string, decimal> Snapshot()
            {
                lock (_accounts) { return new Dictionary<string, decimal>(_balances); }
            }
        }
        """;

    [Fact]
    public async Task BothPathsAreShownInTheMessage()
    {
        var diagnostic = Assert.Single(await Verify(Ledger, Cycle()));
        var transfer = LineOf(Ledger, "lock (_audit) { _log.Add");
        var call = LineOf(Ledger, "var snapshot = Snapshot();");
        var snapshot = LineOf(Ledger, "lock (_accounts) { return");
        Assert.Equal(
            $"Possible deadlock: Ledger.Transfer takes Ledger._accounts then Ledger._audit (Test0.cs:{transfer}); " +
            $"Ledger.FlushAudit takes Ledger._audit then, through Ledger.Snapshot, Ledger._accounts (Test0.cs:{call} → {snapshot})",
            diagnostic.GetMessage());
        var other = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal(call, other.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public async Task ShowsLiveWhenTheEditorAnalyzesOnlyTheMethodWithTheFirstEdge()
    {
        var source = LockAnalysis.WithoutMarkup(Ledger);
        var compilation = LockAnalysis.Compile(source);
        var tree = compilation.SyntaxTrees.First();
        var transfer = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "Transfer");
        var diagnostics = await LockAnalysis.AnalyzeSpanLikeAnEditorAsync(compilation, tree, transfer.Span);
        Assert.Equal("LOCK001", Assert.Single(diagnostics, d => d.Id.StartsWith("LOCK", StringComparison.Ordinal)).Id);

        var flush = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "FlushAudit");
        Assert.DoesNotContain(await LockAnalysis.AnalyzeSpanLikeAnEditorAsync(compilation, tree, flush.Span), d => d.Id == "LOCK001");
    }

    [Fact]
    public async Task InABuildTheCycleIsReportedAtCompilationEndNotPerMethod()
    {
        var source = LockAnalysis.WithoutMarkup(Ledger);
        var compilation = LockAnalysis.Compile(source);
        var tree = compilation.SyntaxTrees.First();
        var perMethod = await LockAnalysis.AnalyzeSpanLikeAnEditorAsync(compilation, tree, tree.GetRoot().FullSpan, LockTestSetup.BuildMode);
        Assert.DoesNotContain(perMethod, d => d.Id == "LOCK001");
        var wholeBuild = await LockAnalysis.AnalyzeAsync(compilation, globalOptions: LockTestSetup.BuildMode);
        Assert.Single(wholeBuild, d => d.Id == "LOCK001");
    }

    [Fact]
    public Task TwoClassesTakeTwoLocksInOppositeOrders() => Verify("""
        class Orders
        {
            public readonly object Gate = new();
            public void Ship(Stock stock) { lock (Gate) { lock ({|#0:stock.Gate|}) { } } }
        }
        class Stock
        {
            public readonly object Gate = new();
            public void Recount(Orders orders) { lock (Gate) { lock ({|#1:orders.Gate|}) { } } }
        }
        """, Cycle());

    [Fact]
    public async Task ThreeLockCycleHasEveryEdgeAsALocation()
    {
        var diagnostic = Assert.Single(await Verify("""
            class C
            {
                readonly object _a = new(), _b = new(), _c = new();
                void AB() { lock (_a) { lock ({|#0:_b|}) { } } }
                void BC() { lock (_b) { lock ({|#1:_c|}) { } } }
                void CA() { lock (_c) { lock ({|#2:_a|}) { } } }
            }
            """, Cycle(otherPaths: 2)));
        Assert.Equal(2, diagnostic.AdditionalLocations.Count);
        Assert.Contains("C.AB takes C._a then C._b", diagnostic.GetMessage());
        Assert.Contains("C.BC takes C._b then C._c", diagnostic.GetMessage());
        Assert.Contains("C.CA takes C._c then C._a", diagnostic.GetMessage());
    }

    [Fact]
    public async Task FourLockCycle()
    {
        var diagnostic = Assert.Single(await Verify("""
            class C
            {
                readonly object _a = new(), _b = new(), _c = new(), _d = new();
                void AB() { lock (_a) { lock ({|#0:_b|}) { } } }
                void BC() { lock (_b) { lock ({|#1:_c|}) { } } }
                void CD() { lock (_c) { lock ({|#2:_d|}) { } } }
                void DA() { lock (_d) { lock ({|#3:_a|}) { } } }
            }
            """, Cycle(otherPaths: 3)));
        Assert.Equal(3, diagnostic.AdditionalLocations.Count);
    }

    [Fact]
    public Task CycleAcrossFilesIsReportedOnceAtTheFirstSite() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { lock ({|#0:_b|}) { } } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
            void Three() { lock (_b) { lock (_a) { } } }
        }
        """, Cycle());

    [Fact]
    public async Task CycleWhoseTwoPathsAreInTwoFilesIsReportedInBoth()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(new[]
        {
            """
            class Orders
            {
                public readonly object Gate = new();
                public void Ship(Stock stock) { lock (Gate) { lock ({|#0:stock.Gate|}) { } } }
            }
            """,
            """
            class Stock
            {
                public readonly object Gate = new();
                public void Recount(Orders orders) { lock (Gate) { lock ({|#1:orders.Gate|}) { } } }
            }
            """,
        }, "LOCK001", expected: new[] { CycleAt(0, 1), CycleAt(1, 0) });
        Assert.Equal(2, diagnostics.Length);
        Assert.Equal("Test1.cs", Path.GetFileName(diagnostics.Single(d => d.Location.SourceTree!.FilePath.EndsWith("Test0.cs", StringComparison.Ordinal)).AdditionalLocations[0].GetLineSpan().Path));

        // One cycle, one message, wherever it is shown.
        Assert.All(diagnostics, d => Assert.Equal(
            "Possible deadlock: Orders.Ship takes Orders.Gate then Stock.Gate (Test0.cs:4); Stock.Recount takes Stock.Gate then Orders.Gate (Test1.cs:4)",
            d.GetMessage()));
    }

    [Fact]
    public async Task CycleOverTwoFilesHasAdditionalLocationsInBoth()
    {
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync(new[]
        {
            """
            partial class C
            {
                readonly object _a = new(), _b = new(), _c = new();
                void AB() { lock (_a) { lock ({|#0:_b|}) { } } }
                void CA() { lock (_c) { lock ({|#2:_a|}) { } } }
            }
            """,
            """
            partial class C
            {
                void BC() { lock (_b) { lock ({|#1:_c|}) { } } }
            }
            """,
        }, "LOCK001", expected: new[] { CycleAt(0, 1, 2), CycleAt(1, 2, 0) });
        var inFirst = diagnostics.Single(d => d.Location.SourceTree!.FilePath.EndsWith("Test0.cs", StringComparison.Ordinal));
        Assert.Equal(
            new[] { "Test0.cs", "Test1.cs" },
            inFirst.AdditionalLocations.Select(l => Path.GetFileName(l.GetLineSpan().Path)).OrderBy(f => f, StringComparer.Ordinal));
    }

    [Fact]
    public Task ThroughTwoLevelsOfCalls() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { {|#0:Middle()|}; } }
            void Middle() => Inner();
            void Inner() { lock (_b) { } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
        }
        """, Cycle());

    [Fact]
    public Task LoggerCallingBackIntoItsSinkUnderItsLock() => Verify("""
        interface ISink { void Write(string line); }
        class Logger
        {
            readonly object _gate = new();
            readonly List<ISink> _sinks = new();
            public void Log(string line)
            {
                lock (_gate)
                {
                    // The sink's owner may be another logger: two loggers' gates nested, besides the cycle.
                    foreach (var sink in _sinks) {|LOCK004:{|#0:sink.Write(line)|}|};
                }
            }
            public int Count() { lock (_gate) { return _sinks.Count; } }
        }
        class FileSink : ISink
        {
            readonly object _file = new();
            readonly Logger _owner;
            public FileSink(Logger owner) => _owner = owner;
            public void Write(string line)
            {
                lock (_file) { if ({|#1:_owner.Count()|} > 10) Console.WriteLine(line); }
            }
        }
        """, Cycle());

    [Fact]
    public Task CacheWhoseEvictionCallbackTakesTheOwnersLock() => Verify("""
        class Cache
        {
            readonly object _gate = new();
            readonly Action<string> _onEvict;
            readonly Dictionary<string, string> _items = new();
            public Cache(Action<string> onEvict) => _onEvict = onEvict;
            public void Evict(string key)
            {
                lock (_gate)
                {
                    _items.Remove(key);
                    {|#0:_onEvict(key)|};
                }
            }
            public void Put(string key, string value) { lock (_gate) { _items[key] = value; } }
        }
        class Session
        {
            readonly object _sync = new();
            readonly Cache _cache;
            readonly HashSet<string> _open = new();
            public Session() => _cache = new Cache(key => { lock (_sync) { _open.Remove(key); } });
            public void Open(string key) { lock (_sync) { _open.Add(key); {|#1:_cache.Put(key, key)|}; } }
        }
        """, Cycle());

    [Fact]
    public Task EventRaisedUnderALockWhoseHandlerTakesAnother() => Verify("""
        class Account
        {
            readonly object _gate = new();
            decimal _balance;
            public event EventHandler? Changed;
            public void Deposit(decimal amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                    {|#0:Changed?.Invoke(this, EventArgs.Empty)|};
                }
            }
            public decimal Balance { get { lock (_gate) { return _balance; } } }
        }
        class Dashboard
        {
            readonly object _view = new();
            decimal _shown;
            public Dashboard(Account account)
            {
                account.Changed += OnChanged;
                void Refresh() { lock (_view) { _shown = {|#1:account.Balance|}; } }
                Refresh();
            }
            void OnChanged(object? sender, EventArgs e) { lock (_view) { _shown = 0; } }
            public void Render(Account account) { lock (_view) { _shown = account.Balance; } }
        }
        """, Cycle());

    [Fact]
    public Task CollectionLockAndItemLockInBothOrders() => Verify("""
        class Item
        {
            public readonly object Sync = new();
            public Basket? Owner;
            public void Discard() { lock (Sync) { {|#0:Owner?.Remove(this)|}; } }
        }
        class Basket
        {
            readonly object _items = new();
            readonly List<Item> _list = new();
            public void Remove(Item item) { lock (_items) { _list.Remove(item); } }
            public void Clear()
            {
                lock (_items)
                {
                    foreach (var item in _list) lock ({|#1:item.Sync|}) { item.Owner = null; }
                }
            }
        }
        """, Cycle());

    [Fact]
    public Task ThroughAVirtualOverride() => Verify("""
        abstract class Store
        {
            protected readonly object Gate = new();
            public void Save() { lock (Gate) { {|#0:Flush()|}; } }
            protected abstract void Flush();
        }
        class Journal : Store
        {
            static readonly object Disk = new();
            protected override void Flush() { lock (Disk) { } }
            public void Rotate() { lock (Disk) { {|#1:Save()|}; } }
        }
        """, Cycle());

    [Fact]
    public Task ThroughAPropertyGetterAndAConstructor() => Verify("""
        class Registry
        {
            public static readonly object Gate = new();
            public static int Count { get { lock (Gate) { return 0; } } }
        }
        class Widget
        {
            static readonly object Created = new();
            public Widget() { lock (Created) { } }
            static void A() { lock (Created) { _ = {|#0:Registry.Count|}; } }
            static void B() { lock (Registry.Gate) { _ = {|#1:new Widget()|}; } }
        }
        """, Cycle());

    [Fact]
    public Task ThroughALambdaRunInPlace() => Verify("""
        using System.Linq;
        class C
        {
            readonly object _a = new(), _b = new();
            readonly List<int> _items = new();
            void One() { lock (_a) { {|#0:_items.ForEach(i => { lock (_b) { } })|}; } }
            void Two() { lock (_b) { _ = {|#1:_items.Any(i => { lock (_a) { return true; } })|}; } }
        }
        """, Cycle());

    [Fact]
    public Task LambdaStoredToRunLaterIsNotNested() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { Task.Run(() => { lock (_b) { } }); } }
            void Two() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task TryAcquisitionAddsNoEdge() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { if (Monitor.TryEnter(_b)) Monitor.Exit(_b); } }
            void Two() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task ConsistentOrderEverywhereIsSilent() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new(), _c = new();
            void One() { lock (_a) { lock (_b) { lock (_c) { } } } }
            void Two() { lock (_a) { Inner(); } }
            void Inner() { lock (_c) { } }
            void Three() { lock (_b) { lock (_c) { } } }
        }
        """);

    [Fact]
    public Task ReleasedBeforeTheCallAddsNoEdge() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { } TakeB(); }
            void TakeB() { lock (_b) { } }
            void Two() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task DeclaredOrderMakesTheReverseALock002Instead() => LockAnalyzerVerifier.VerifyAsync("""
        [assembly: LockOrder("C._a", "C._b")]
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { lock (_b) { } } }
            void Two() { lock (_b) { lock ({|LOCK002:_a|}) { } } }
        }
        """);

    [Fact]
    public Task InstancesOfOneClassAreLock004NotACycle() => LockAnalyzerVerifier.VerifyAsync("""
        class Account
        {
            public readonly object Gate = new();
            static void Move(Account a, Account b) { lock (a.Gate) { lock ({|LOCK004:b.Gate|}) { } } }
        }
        """);

    [Fact]
    public Task LocksWhoseOriginCannotBeNamedAddNoEdge() => Verify("""
        class C
        {
            void One(object a, object b) { lock (a) { lock (b) { } } }
            void Two(object a, object b) { lock (b) { lock (a) { } } }
        }
        """);

    [Fact]
    public Task MutualRecursionTerminates() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            public void One(int n) { lock (_a) { {|#0:Ping(n)|}; } }
            void Ping(int n) { if (n > 0) Pong(n - 1); }
            void Pong(int n) { if (n > 0) Ping(n - 1); lock (_b) { } }
            void Two() { lock (_b) { {|#1:One(1)|}; } }
        }
        """, Cycle());

    [Fact]
    public Task SemaphoreAndReaderWriterLockCycle() => Verify("""
        class Index
        {
            readonly SemaphoreSlim _writer = new(1, 1);
            readonly ReaderWriterLockSlim _map = new();
            async Task RebuildAsync()
            {
                await _writer.WaitAsync();
                try { {|#0:_map.EnterWriteLock()|}; _map.ExitWriteLock(); }
                finally { _writer.Release(); }
            }
            void Lookup()
            {
                _map.EnterReadLock();
                try { {|#1:_writer.Wait()|}; _writer.Release(); }
                finally { _map.ExitReadLock(); }
            }
        }
        """, Cycle());

    [Fact]
    public async Task ContractsFromAReferencedAssemblyContributeEdges()
    {
        var library = await LockAnalysis.CompileLibraryAsync("""
            public sealed class Journal
            {
                [Lock("Journal.Gate")] public readonly object Gate = new();
                [Acquires("Journal.Gate")] [NoLockAnalysis] public void Begin() => Monitor.Enter(Gate);
                [Releases("Journal.Gate")] [NoLockAnalysis] public void End() => Monitor.Exit(Gate);
            }
            """, "JournalLibrary");
        await LockAnalyzerVerifier.VerifyAsync("""
            class Store
            {
                readonly object _sync = new();
                void One(Journal journal) { lock (_sync) { {|#0:journal.Begin()|}; journal.End(); } }
                void Two(Journal journal) { journal.Begin(); try { lock ({|#1:_sync|}) { } } finally { journal.End(); } }
            }
            """, "LOCK001", expected: new[] { Cycle() }, references: new[] { library });
    }

    /// <summary>
    /// The live graph is bounded (LockContractsLiveCycleLimit): above the bound the editor shows no
    /// cycle, and says so with LOCK203 on each method that takes one lock while holding another; at
    /// or below it, it shows the cycle; a build reports the cycle either way.
    /// </summary>
    [Theory]
    [InlineData("live", "1", false)]
    [InlineData("live", "2", true)]
    [InlineData("live", "0", true)]
    [InlineData("build", "1", true)]
    public async Task TheLiveGraphIsBoundedByAnOption(string mode, string limit, bool shown)
    {
        var options = new Dictionary<string, string>
        {
            [Analyzers.Rules.LockStateAnalyzer.CycleReportingProperty] = mode,
            [Analyzers.Rules.LockStateAnalyzer.LiveLimitProperty] = limit,
        };
        var diagnostics = await LockAnalyzerVerifier.VerifyAsync("""
            class Ledger
            {
                readonly object _accounts = new(), _audit = new();
                void Transfer() { lock (_accounts) { lock ({|#0:_audit|}) { } } }
                void Flush() { lock (_audit) { lock ({|#1:_accounts|}) { } } }
            }
            """, globalOptions: options, expected: shown
                ? new[] { Cycle() }
                : new[] { LockAnalyzerVerifier.Diagnostic("LOCK203").WithLocation(0), LockAnalyzerVerifier.Diagnostic("LOCK203").WithLocation(1) });
        if (!shown)
        {
            Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
            Assert.All(diagnostics, d => Assert.Contains("more than 1 method bodies mention a lock", d.GetMessage(), StringComparison.Ordinal));
            Assert.All(diagnostics, d => Assert.Contains("<LockContractsLiveCycleLimit>0</LockContractsLiveCycleLimit>", d.GetMessage(), StringComparison.Ordinal));
        }
    }

    /// <summary>A bounded live graph says nothing where no method takes one lock while holding another: there was no order to check.</summary>
    [Fact]
    public Task TheLiveBoundIsSilentWhereNoOrderIsTaken() => LockAnalyzerVerifier.VerifyAsync("""
        class Ledger
        {
            readonly object _accounts = new(), _audit = new();
            void Transfer() { lock (_accounts) { } }
            void Flush() { lock (_audit) { } }
        }
        """, globalOptions: new Dictionary<string, string>
        {
            [Analyzers.Rules.LockStateAnalyzer.CycleReportingProperty] = "live",
            [Analyzers.Rules.LockStateAnalyzer.LiveLimitProperty] = "1",
        });

    /// <summary>
    /// Generated code is not analyzed, so a build never sees its bodies bound for the analyzer: the
    /// summary of a generated method is read from its own binding, and its lock still counts.
    /// </summary>
    [Fact]
    public Task GeneratedMethodsStillContributeTheirLocks() => Verify("""
        [System.CodeDom.Compiler.GeneratedCode("tool", "1.0")]
        static class Generated
        {
            public static readonly object Gate = new();
            public static void Refresh() { lock (Gate) { } }
        }
        class Owner
        {
            readonly object _sync = new();
            void One() { lock (_sync) { {|#0:Generated.Refresh()|}; } }
            void Two() { lock (Generated.Gate) { lock ({|#1:_sync|}) { } } }
        }
        """, Cycle());

    [Fact]
    public Task ThreadingLockAndStaticLocks() => LockAnalyzerVerifier.VerifyAsync("""
        static class Config
        {
            static readonly Lock Gate = new();
            public static void Reload() { using (Gate.EnterScope()) { {|#0:Cache.Clear()|}; } }
            public static void Touch() { lock (Gate) { } }
        }
        static class Cache
        {
            static readonly object Sync = new();
            public static void Clear() { lock (Sync) { } }
            public static void Warm() { lock (Sync) { {|#1:Config.Touch()|}; } }
        }
        """, "LOCK001", referenceAssemblies: LockTestSetup.Net100, expected: new[] { Cycle() });

    [Fact]
    public Task ParallelLoopUnderALockWaitsForItsWorkers() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            void One(int[] items) { lock (_a) { {|#0:Parallel.ForEach(items, i => { lock (_b) { } })|}; } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
        }
        """, Cycle());

    [Fact]
    public Task ConcurrentDictionaryFactoryRunsInPlace() => Verify("""
        class C
        {
            readonly object _a = new(), _b = new();
            readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _map = new();
            void One() { lock (_a) { {|#0:_map.GetOrAdd(1, k => { lock (_b) { return k; } })|}; } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
        }
        """, Cycle());

    [Fact]
    public Task DelegateFieldAssignedALambdaDirectly() => Verify("""
        class Timer
        {
            readonly object _gate = new();
            readonly object _state = new();
            Action? _tick;
            public Timer() { _tick = () => { lock (_state) { } }; }
            void Fire() { lock (_gate) { {|#0:_tick?.Invoke()|}; } }
            void Reset() { lock (_state) { lock ({|#1:_gate|}) { } } }
        }
        """, Cycle());
}
