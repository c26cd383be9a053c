using System.Text.Json;

namespace LockContracts.Cli.Tests;

public sealed class FolderScanTests : IDisposable
{
    private readonly CliHarness _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task ACycleAcrossTwoFilesIsReportedWithBothPathsAndFailsTheScan()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Audit/Auditor.cs", Sources.LedgerAuditor);

        var run = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("LOCK001 (error, 1): Lock-order cycle: possible deadlock", run.Output);
        Assert.Contains("Ledger.cs:13: Possible deadlock: Ledger.Transfer takes Ledger.Accounts then Ledger._audit", run.Output);
        Assert.Contains("Ledger.FlushAudit takes Ledger._audit then, through Auditor.Snapshot, Ledger.Accounts (Ledger.cs:21 → Auditor.cs:5)", run.Output);
        Assert.Contains("files:          2", run.Output);
        Assert.Contains("compile errors: 0", run.Output);
        Assert.Contains("findings:       LOCK001 1", run.Output);
        Assert.Matches(@"analyzer time:  \d+\.\d\d s", run.Output);
        Assert.Matches(@"peak memory:    \d+ MB", run.Output);

        // Redirected, progress is plain lines on standard error, never in the report.
        Assert.Contains("analyzing 2 files\n", run.Error);
        Assert.DoesNotContain("\r", run.Error);
        Assert.DoesNotContain("analyzing", run.Output);
    }

    [Fact]
    public async Task TheFixedTwinIsCleanAndExitsZero()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditorFixed);

        var run = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("findings:       none", run.Output);
        Assert.Contains("order edges: 1 observed, 0 declared", run.Output);
    }

    /// <summary>
    /// The census of dispatch: calls on an interface with 33 implementations, each taking a lock, are over the default
    /// bound (32), and the one made under a lock says so (LOCK206); one on an
    /// interface with one implementation runs one body, one on a sealed class is not dispatched at all (not counted),
    /// and <c>ToString</c> on an <c>object</c> is a universal member.
    /// </summary>
    [Fact]
    public async Task TheScanCountsCallsFollowedIntoNoSourceCode()
    {
        var steps = string.Join("\n", Enumerable.Range(0, 33).Select(i => $"public sealed class Step{i} : IStep {{ private readonly object _sync = new(); public void Run() {{ lock (_sync) {{ }} }} public override string ToString() => \"{i}\"; }}"));
        _files.Write("src/Steps.cs", "public interface IStep { void Run(); }\npublic interface ISolo { void Run(); }\npublic sealed class Solo : ISolo { public void Run() { } }\n" + steps);
        _files.Write("src/Driver.cs", """
            public sealed class Driver
            {
                private readonly object _gate = new();
                public void Go(IStep step, Step3 three, ISolo solo, object any)
                {
                    lock (_gate) { step.Run(); }
                    step.Run();
                    three.Run();
                    solo.Run();
                    _ = any.ToString();
                }
            }
            """);

        var run = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--format", "json");
        var census = Assert.Single(run.Json().RootElement.GetProperty("summary").GetProperty("dispatch").EnumerateArray());

        Assert.Equal(4, census.GetProperty("calls").GetInt32());
        Assert.Equal(1, census.GetProperty("universal").GetInt32());
        Assert.Equal(2, census.GetProperty("overBound").GetInt32());
        Assert.Equal(32, census.GetProperty("bound").GetInt32());
        Assert.Equal(1, census.GetProperty("byCandidates").GetProperty("1").GetInt32());
        Assert.Equal(2, census.GetProperty("byCandidates").GetProperty("33-64").GetInt32());
        var finding = Assert.Single(run.Json().RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("LOCK206", finding.GetProperty("id").GetString());

        var text = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"));
        Assert.Contains("1 universal members on object or their library interface, followed into none; 2 with more candidate bodies than the bound (32), followed unless", text.Output);
    }

    [Fact]
    public async Task CompileErrorsAreCountedAndTheRestIsStillAnalyzed()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditor);
        _files.Write("src/Broken.cs", "public class Broken { public Missing M() => new Missing(); }");

        var run = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("compile errors: 2", run.Output);
        Assert.Contains("LOCK001", run.Output);
    }

    [Fact]
    public async Task DefinesAndImplicitUsingsMakeASourceFolderBind()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer.Replace("using System.Collections.Generic;", string.Empty));
        _files.Write("src/Auditor.cs", "#if WITH_AUDIT\n" + Sources.LedgerAuditor + "\n#else\n" + Sources.LedgerAuditorFixed + "\n#endif\n");

        var plain = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--format", "json");
        var bound = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--format", "json", "--implicit-usings", "--define", "WITH_AUDIT");

        Assert.Equal(0, plain.ExitCode);
        Assert.True(plain.Json().RootElement.GetProperty("summary").GetProperty("compileErrors").GetInt32() > 0, plain.ToString());
        Assert.Equal(1, bound.ExitCode);
        var summary = bound.Json().RootElement.GetProperty("summary");
        Assert.Equal(0, summary.GetProperty("compileErrors").GetInt32());
        Assert.Equal(1, summary.GetProperty("counts").GetProperty("LOCK001").GetInt32());
    }

    [Fact]
    public async Task JsonAndSarifCarryTheFindingsAndTheirRelatedLocations()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditor);
        var sarifFile = Path.Combine(_files.Root, "out.sarif");

        var json = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--format", "json");
        var sarif = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--format", "sarif", "--out", sarifFile);

        var finding = Assert.Single(json.Json().RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("LOCK001", finding.GetProperty("id").GetString());
        Assert.Equal("Ledger.cs", finding.GetProperty("file").GetString());
        Assert.Equal("Ledger.Transfer(string, string)", finding.GetProperty("member").GetString());
        Assert.Equal(["Ledger.cs:21"], finding.GetProperty("additionalLocations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, json.Json().RootElement.GetProperty("edges").GetArrayLength());

        Assert.Equal(1, sarif.ExitCode);
        Assert.Contains("Summary", sarif.Output);
        using var document = JsonDocument.Parse(File.ReadAllText(sarifFile));
        var run = Assert.Single(document.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("lockcontracts", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var result = Assert.Single(run.GetProperty("results").EnumerateArray());
        Assert.Equal("LOCK001", result.GetProperty("ruleId").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        Assert.Equal(13, result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(1, result.GetProperty("relatedLocations").GetArrayLength());
    }

    [Fact]
    public async Task TheGraphIsWrittenAsDotAndMermaidWithTheCycleInRed()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditor);
        _files.Write("src/Order.cs", """
            using LockContracts;
            [assembly: LockOrder("Queue.Gate", "Ledger.Accounts")]
            public class Queue
            {
                [Lock("Queue.Gate")] private readonly object _gate = new();
                public void Drain(Ledger ledger) { lock (_gate) { lock (ledger.Accounts) { } } }
            }
            """);
        var dot = Path.Combine(_files.Root, "graph.dot");
        var mermaid = Path.Combine(_files.Root, "graph.mmd");

        await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--graph", "dot", dot);
        await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--graph", "mermaid", mermaid);

        var dotText = File.ReadAllText(dot);
        Assert.Contains("\"Ledger.Accounts\" -> \"Ledger._audit\" [label=\"Ledger.Transfer (Ledger.cs:13)\"", dotText);
        Assert.Matches("\"Ledger._audit\" -> \"Ledger.Accounts\" \\[[^\\]]*color=red", dotText);
        Assert.Matches("\"Queue.Gate\" -> \"Ledger.Accounts\" \\[label=\"Queue.Drain[^\\]]*\\]", dotText);
        Assert.DoesNotMatch("\"Queue.Gate\" -> \"Ledger.Accounts\" \\[[^\\]]*color=red", dotText);
        Assert.Contains("\"Queue.Gate\" -> \"Ledger.Accounts\" [style=dashed", dotText);

        var mermaidText = File.ReadAllText(mermaid);
        Assert.StartsWith("flowchart LR", mermaidText);
        Assert.Contains("-.->|declared|", mermaidText);
        Assert.Matches(@"linkStyle \d+,\d+ stroke:red", mermaidText);
    }
}

/// <summary>Allocations are counted for the whole process: the cost test runs while no other test does.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CostMeasurementCollection
{
    public const string Name = "Cost measurement (runs alone)";
}

[Collection(CostMeasurementCollection.Name)]
public sealed class CostScanTests : IDisposable
{
    private readonly CliHarness _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task CostTimesTheAnalyzerAgainstAnEmptyOneOnlyWhenAsked()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditorFixed);

        var plain = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"));
        var timed = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--cost", "--format", "json");

        Assert.DoesNotContain("cost (", plain.Output);
        var cost = Assert.Single(timed.Json().RootElement.GetProperty("summary").GetProperty("cost").EnumerateArray());
        var empty = cost.GetProperty("emptyAnalyzerSeconds").GetDouble();
        var analyzer = cost.GetProperty("analyzerSeconds").GetDouble();
        Assert.True(empty > 0, "the empty analyzer binds every body, which takes time");
        Assert.True(analyzer > 0);
        Assert.True(double.IsFinite(cost.GetProperty("added").GetDouble()));
        Assert.True(cost.GetProperty("emptyAnalyzerAllocatedBytes").GetInt64() > 0);
        Assert.True(cost.GetProperty("analyzerAllocatedBytes").GetInt64() > cost.GetProperty("emptyAnalyzerAllocatedBytes").GetInt64() / 2);
        Assert.True(cost.GetProperty("emptyAnalyzerCpuSeconds").GetDouble() > 0, "binding takes CPU time");
        Assert.True(cost.GetProperty("analyzerCpuSeconds").GetDouble() > 0);
        Assert.True(cost.GetProperty("heldBeforeBytes").GetInt64() > 0, "the loaded project is on the heap");
        Assert.True(cost.GetProperty("emptyAnalyzerPeakGrowthBytes").GetInt64() > 0, "binding every body grows the heap");
        Assert.True(cost.GetProperty("analyzerPeakGrowthBytes").GetInt64() > 0);
        Assert.True(cost.GetProperty("peakRatio").GetDouble() > 0);
        Assert.True(cost.GetProperty("compilePeakGrowthBytes").GetInt64() > 0, "emitting grows the heap");
        Assert.True(cost.GetProperty("buildPeakRatio").GetDouble() > 1, "the analyzer's growth is added to the compile's");
        Assert.True(cost.GetProperty("compileSeconds").GetDouble() > 0, "emitting the compilation takes time");
        Assert.True(cost.GetProperty("addedToBuild").GetDouble() < cost.GetProperty("added").GetDouble() || cost.GetProperty("added").GetDouble() <= 0,
            "the same difference, over a larger time");
        Assert.Contains("timing ", timed.Error);

        // Whether the analyzers timed are a shipped (optimized) build is said, and a Debug build is flagged in the text.
        var optimized = LockContracts.Cli.Scanning.CostMeasurement.IsOptimized(typeof(LockContracts.Analyzers.Rules.LockStateAnalyzer).Assembly);
        Assert.Equal(optimized, cost.GetProperty("analyzersOptimized").GetBoolean());
        var text = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--cost");
        Assert.Equal(!optimized, text.Output.Contains("built without optimizations", StringComparison.Ordinal));
        Assert.Equal(5, cost.GetProperty("rounds").GetInt32());
    }

    [Fact]
    public async Task CostRoundsSetsHowManyRoundsOfEachRunAndImpliesCost()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);

        var run = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--cost-rounds", "2", "--format", "json");

        var cost = Assert.Single(run.Json().RootElement.GetProperty("summary").GetProperty("cost").EnumerateArray());
        Assert.Equal(2, cost.GetProperty("rounds").GetInt32());
        Assert.True(cost.GetProperty("analyzerSeconds").GetDouble() > 0);
        var text = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--cost-rounds", "3");
        Assert.Contains("fastest of 3 rounds each", text.Output);
    }

    [Fact]
    public void CostTellsAnAssemblyCompiledWithoutOptimizationsFromAnOptimizedOne()
    {
        static System.Reflection.Assembly Compiled(Microsoft.CodeAnalysis.OptimizationLevel level)
        {
            var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
                "Probe" + level, new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("public static class Probe { }") },
                new[] { Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
                new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, optimizationLevel: level));
            using var image = new MemoryStream();
            Assert.True(compilation.Emit(image).Success);
            return System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(image.ToArray()));
        }

        Assert.False(LockContracts.Cli.Scanning.CostMeasurement.IsOptimized(Compiled(Microsoft.CodeAnalysis.OptimizationLevel.Debug)));
        Assert.True(LockContracts.Cli.Scanning.CostMeasurement.IsOptimized(Compiled(Microsoft.CodeAnalysis.OptimizationLevel.Release)));
        Assert.True(LockContracts.Cli.Scanning.CostMeasurement.IsOptimized(typeof(object).Assembly));
    }
}
