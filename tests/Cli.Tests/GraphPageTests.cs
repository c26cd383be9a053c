using System.Globalization;
using Xunit.Abstractions;

namespace LockContracts.Cli.Tests;

/// <summary>The HTML graph in a real browser: it draws, it needs no network, and clicking an edge shows its evidence.</summary>
public sealed class GraphPageTests : IDisposable
{
    private readonly CliHarness _files = new();
    private readonly ITestOutputHelper _output;

    public GraphPageTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _files.Dispose();

    [SkippableFact]
    public async Task ClickingAnEdgeShowsItsEvidence()
    {
        var chromium = HeadlessChromium.Find(out var reason);
        Skip.If(chromium is null, reason);

        _files.Write("src/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("src/Auditor.cs", Sources.LedgerAuditor);
        var page = Path.Combine(_files.Root, "graph.html");
        var run = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "src"), "--graph", "html", page);
        Assert.Equal(1, run.ExitCode);
        var html = File.ReadAllText(page);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html);

        await using var browser = await HeadlessChromium.StartAsync(chromium!, 1280, 720);
        await browser.NavigateAsync(new Uri(page).AbsoluteUri);

        Assert.Equal("2", await browser.EvaluateAsync("document.querySelectorAll('#graph .node').length"));
        Assert.Equal("2", await browser.EvaluateAsync("document.querySelectorAll('#graph path.edge.cycle').length"));
        Assert.Equal("Click an edge.", await browser.EvaluateAsync("document.getElementById('evidence').textContent"));

        // The middle of the edge Ledger._audit → Ledger.Accounts, as the page drew it, clicked with the mouse.
        var index = await browser.EvaluateAsync("String(graph.edges.findIndex(e => e.from === 'Ledger._audit'))");
        var point = await browser.EvaluateAsync(
            $"(() => {{ const p = document.querySelector('path.hit[data-edge=\"{index}\"]'); const m = p.getPointAtLength(p.getTotalLength() / 2);" +
            " const r = p.ownerSVGElement.getBoundingClientRect(); return (r.left + m.x) + ',' + (r.top + m.y); })()");
        var xy = point!.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        await browser.ClickAsync(xy[0], xy[1]);

        var evidence = await browser.EvaluateAsync("document.getElementById('evidence').textContent");
        _output.WriteLine(evidence);
        Assert.StartsWith("Ledger._audit  →  Ledger.Accounts\non a lock-order cycle (LOCK001)\nin Ledger.FlushAudit\nat Ledger.cs:21", evidence);
        Assert.Contains("call path: Ledger.cs:21 → Auditor.cs:5", evidence);
        Assert.Contains("Ledger.FlushAudit takes Ledger._audit then, through Auditor.Snapshot, Ledger.Accounts", evidence);
        Assert.Equal("1", await browser.EvaluateAsync("document.querySelectorAll('#edges tr.selected').length"));

        var screenshot = await browser.ScreenshotAsync();
        Assert.True(screenshot.Length > 1000 && screenshot[1] == (byte)'P' && screenshot[2] == (byte)'N' && screenshot[3] == (byte)'G');
    }
}
