namespace LockContracts.Cli.Tests;

/// <summary>The baseline (adopting the analyzer on existing code), bad input, and the runtime order compared with the static one.</summary>
public sealed class AdoptionTests : IDisposable
{
    private readonly CliHarness _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task ABaselineHidesKnownFindingsAcrossUnrelatedEditsAndStillReportsNewOnes()
    {
        var src = Path.Combine(_files.Root, "src");
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditor);
        var baseline = Path.Combine(_files.Root, "locks.baseline.json");

        var first = await CliHarness.RunAsync("scan", src, "--baseline", baseline);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("in baseline:    1", first.Output);
        Assert.Contains("LOCK001|Ledger.Transfer(string, string)|Possible deadlock: Ledger.Transfer takes Ledger.Accounts then Ledger._audit", File.ReadAllText(baseline));

        // Lines move: the finding is still the known one.
        _files.Write("src/Ledger.cs", "// a comment\n// and another\n" + Sources.LedgerTransfer);
        var moved = await CliHarness.RunAsync("scan", src, "--baseline", baseline);
        Assert.Equal(0, moved.ExitCode);
        Assert.Contains("findings:       none", moved.Output);

        // A new cycle is new.
        _files.Write("src/Queue.cs", """
            public class Queue
            {
                private readonly object _a = new();
                private readonly object _b = new();
                public void One() { lock (_a) { lock (_b) { } } }
                public void Two() { lock (_b) { lock (_a) { } } }
            }
            """);
        var added = await CliHarness.RunAsync("scan", src, "--baseline", baseline);
        Assert.Equal(1, added.ExitCode);
        Assert.Contains("LOCK001 (error, 1)", added.Output);
        Assert.Contains("Queue.One takes Queue._a then Queue._b", added.Output);
        Assert.DoesNotContain("Ledger.Transfer takes", added.Output);

        var updated = await CliHarness.RunAsync("scan", src, "--baseline", baseline, "--update-baseline");
        Assert.Equal(0, updated.ExitCode);
        Assert.Contains("in baseline:    2", updated.Output);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("not-csharp")]
    [InlineData("does-not-restore")]
    [InlineData("unknown-option")]
    [InlineData("bad-format")]
    [InlineData("bad-baseline")]
    [InlineData("bad-observed")]
    [InlineData("bad-cost-rounds")]
    [InlineData("non-numeric-cost-rounds")]
    public async Task BadInputIsOneLineAndExitCodeTwo(string kind)
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        var src = Path.Combine(_files.Root, "src");
        var args = kind switch
        {
            "missing" => new[] { "scan", Path.Combine(_files.Root, "nowhere") },
            "not-csharp" => new[] { "scan", _files.Write("notes.txt", "hello") },
            "does-not-restore" => new[] { "scan", _files.Project("bad", "Bad", """<ItemGroup><PackageReference Include="LockContracts.No.Such.Package" Version="9.9.9" /></ItemGroup>""") },
            "unknown-option" => new[] { "scan", src, "--frobnicate" },
            "bad-format" => new[] { "scan", src, "--format", "xml" },
            "bad-baseline" => new[] { "scan", src, "--baseline", _files.Write("b.json", "{ not json") },
            "bad-cost-rounds" => new[] { "scan", src, "--cost-rounds", "0" },
            "non-numeric-cost-rounds" => new[] { "scan", src, "--cost-rounds", "many" },
            _ => new[] { "compare-runtime", "--observed", _files.Write("o.json", "{\"format\":\"something else\"}"), src },
        };

        var run = await CliHarness.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("lockcontracts:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public async Task TheRuntimeOrderIsCheckedAgainstTheStaticGraph()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditorFixed);
        var observed = Path.Combine(_files.Root, "observed.json");
        Lockdep.Lockdep.Reset();
        try
        {
            // The static graph has Ledger.Accounts → Ledger._audit. The run also takes Cache.Gate → Ledger.Accounts,
            // a path the analysis cannot see (here: because the source is not in the scanned folder).
            var accounts = new Lockdep.CheckedLock("Ledger.Accounts");
            var cache = new Lockdep.CheckedLock("Cache.Gate");
            using (cache.EnterScope())
            using (accounts.EnterScope())
            {
            }

            Lockdep.Lockdep.ExportObservedOrder(observed);
        }
        finally
        {
            Lockdep.Lockdep.Reset();
        }

        var run = await CliHarness.RunAsync("compare-runtime", "--observed", observed, Path.Combine(_files.Root, "src"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Observed at run time but not in the static graph (1): paths the analysis cannot see\n  Cache.Gate -> Ledger.Accounts\n", run.Output);
        Assert.Contains(nameof(TheRuntimeOrderIsCheckedAgainstTheStaticGraph), run.Output);
        Assert.Contains("In the static graph but never observed (1): paths no run exercised\n  Ledger.Accounts -> Ledger._audit  (Ledger.cs:13:", run.Output);
    }

    [Fact]
    public async Task ARuntimeOrderTheStaticGraphHasExitsZero()
    {
        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        var observed = _files.Write("observed.json", """
            {"format":"lockcontracts-observed-order/1","edges":[
              {"from":"Ledger.Accounts","fromMode":"Exclusive","to":"Ledger._audit","toMode":"Exclusive","thread":"#1","stack":""},
              {"from":"Ledger.Accounts","fromMode":"Exclusive","to":"Ledger.Accounts/1","toMode":"Exclusive","thread":"#1","stack":""}]}
            """);

        var run = await CliHarness.RunAsync("compare-runtime", "--observed", observed, Path.Combine(_files.Root, "src"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Summary: 1 observed edges, 1 static edges, 0 observed edges missing from the static graph, 0 static edges never observed", run.Output);
    }
}
