namespace LockContracts.Cli.Tests;

/// <summary>Projects and solutions, loaded with MSBuild as a build sees them.</summary>
public sealed class ProjectScanTests : IDisposable
{
    private readonly CliHarness _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task AProjectIsScannedWithItsEditorConfigSeverities()
    {
        var project = _files.Project("app", "App");
        _files.Write("app/Ledger.cs", Sources.LedgerTransfer);
        _files.Write("app/Auditor.cs", Sources.LedgerAuditor);

        var asError = await CliHarness.RunAsync("scan", project);
        _files.Write("app/.editorconfig", "root = true\n[*.cs]\ndotnet_diagnostic.LOCK001.severity = warning\n");
        var asWarning = await CliHarness.RunAsync("scan", project);

        Assert.Equal(1, asError.ExitCode);
        Assert.Contains("LOCK001 (error, 1)", asError.Output);
        Assert.Equal(0, asWarning.ExitCode);
        Assert.Contains("LOCK001 (warning, 1)", asWarning.Output);
        Assert.Contains("Ledger.cs:13", asWarning.Output);
    }

    [Fact]
    public async Task ACycleWhosePathsAreInTwoProjectsOfOneSolutionIsReported()
    {
        _files.Project("Core", "Core");
        _files.Write("Core/Registry.cs", """
            namespace Core;

            public interface IListener
            {
                void Changed();
            }

            public class Registry
            {
                private readonly object _gate = new();
                private readonly List<IListener> _listeners = new();

                public void Subscribe(IListener listener) { lock (_gate) { _listeners.Add(listener); } }

                public void Publish()
                {
                    lock (_gate)
                    {
                        foreach (var listener in _listeners) listener.Changed();
                    }
                }
            }
            """);
        _files.Project("App", "App", """<ItemGroup><ProjectReference Include="../Core/Core.csproj" /></ItemGroup>""");
        _files.Write("App/Service.cs", """
            using Core;

            namespace App;

            public class Service : IListener
            {
                private readonly object _state = new();
                private readonly Registry _registry = new();
                private int _version;

                public void Changed() { lock (_state) { _version++; } }

                public void Start()
                {
                    lock (_state)
                    {
                        _registry.Subscribe(this);
                    }
                }
            }
            """);
        var solution = _files.Write("Both.slnx", """
            <Solution>
              <Project Path="Core/Core.csproj" />
              <Project Path="App/App.csproj" />
            </Solution>
            """);

        var run = await CliHarness.RunAsync("scan", solution);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("LOCK001 (error, 1)", run.Output);
        Assert.Contains("App/Service.cs:17: Possible deadlock: Service.Start takes Service._state then, through Registry.Subscribe, Registry._gate (Service.cs:17 → Registry.cs:13)", run.Output);
        Assert.Contains("Registry.Publish takes Registry._gate then, through Service.Changed, Service._state (Registry.cs:19 → Service.cs:11)", run.Output);
        Assert.DoesNotContain("AD0001", run.Output);
        Assert.Contains("files:          2", run.Output);

        // Each project alone has no cycle: it takes both to close it.
        var core = await CliHarness.RunAsync("scan", Path.Combine(_files.Root, "Core", "Core.csproj"));
        Assert.Equal(0, core.ExitCode);
    }
}
