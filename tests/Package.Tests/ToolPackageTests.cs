using Xunit;

namespace LockContracts.Package.Tests;

/// <summary>The scanner as a .NET tool: packed from nuget/LockContracts.Cli, installed from a folder feed, run.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly string _root = Directory.CreateTempSubdirectory("LockContracts.Tool.Tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void TheToolInstallsFromAFolderFeedAndScans()
    {
        var toolProject = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(BuildSettings.PackingProject)!, "..", "LockContracts.Cli", "LockContracts.Cli.csproj"));
        var feed = Path.Combine(_root, "feed");
        var pack = DotNet.Run(
            new[] { "pack", toolProject, "--configuration", BuildSettings.Configuration, "--no-build", "--output", feed, "-tl:off", "-v:minimal" },
            _root, Timeout);
        Assert.True(pack.ExitCode == 0, pack.Describe());

        // Its own package folder, so that nothing cached from an earlier build of the same version is installed instead.
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") };
        var tools = Path.Combine(_root, "tools");
        var install = DotNet.Run(new[] { "tool", "install", "LockContracts.Cli", "--tool-path", tools, "--add-source", feed }, _root, Timeout, isolated);
        Assert.True(install.ExitCode == 0, install.Describe());
        Assert.Contains("lockcontracts", install.Output);

        var source = Path.Combine(_root, "src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "Queue.cs"), """
            public class Queue
            {
                private readonly object _a = new();
                private readonly object _b = new();
                public void One() { lock (_a) { lock (_b) { } } }
                public void Two() { lock (_b) { lock (_a) { } } }
            }
            """);
        var scan = RunTool(Path.Combine(tools, "lockcontracts"), "scan", source);
        Assert.True(scan.ExitCode == 1, scan.Output);
        Assert.Contains("LOCK001 (error, 1)", scan.Output);
        Assert.Contains("Queue.One takes Queue._a then Queue._b", scan.Output);

        var bad = RunTool(Path.Combine(tools, "lockcontracts"), "scan", Path.Combine(_root, "nowhere"));
        Assert.Equal(2, bad.ExitCode);
    }

    private static (int ExitCode, string Output) RunTool(string tool, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(Timeout), "the tool did not finish");
        return (process.ExitCode, output + error.Result);
    }
}
