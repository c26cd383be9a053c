using System.Diagnostics;
using System.Text;

namespace LockContracts.Package.Tests;

internal sealed record ProcessResult(string CommandLine, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
{
    public string Describe() =>
        $"> {CommandLine}{Environment.NewLine}  (in {WorkingDirectory}; exit code {ExitCode}; {Elapsed.TotalSeconds:0.0} s){Environment.NewLine}{Output}";
}

/// <summary>Runs the dotnet CLI as a child process that sees a machine, not this test host.</summary>
internal static class DotNet
{
    private static readonly string[] BuildPropertiesFromEnvironment =
    {
        // MSBuild turns environment variables into properties; CI systems commonly set these.
        "Configuration", "Platform", "TargetFramework", "RuntimeIdentifier", "OutDir", "OutputPath",
        "BaseOutputPath", "BaseIntermediateOutputPath", "IntermediateOutputPath", "ArtifactsPath",
        "RestorePackagesPath", "NUGET_PACKAGES", "NUGET_FALLBACK_PACKAGES",
    };

    private static readonly string[] CliPreferencesToKeep = { "DOTNET_CLI_HOME", "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_CLI_UI_LANGUAGE", "DOTNET_NOLOGO" };

    public static string Executable { get; } = Locate();

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> and returns its combined output; kills the
    /// whole process tree and throws, with the output so far, if it outlives <paramref name="timeout"/>.
    /// </summary>
    public static ProcessResult Run(
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host runs inside `dotnet test`, which exports MSBuild's own location, SDK paths
        // and host settings; a child build that inherited them would run against the parent's
        // MSBuild instead of resolving the SDK the way a user's `dotnet build` does.
        foreach (var name in startInfo.Environment.Keys.Where(IsInheritedBuildSetting).ToList())
        {
            startInfo.Environment.Remove(name);
        }
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var commandLine = Executable + " " + string.Join(" ", arguments.Select(Quote));
        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
            }
        }
        string OutputSoFar()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException(
                $"Still running after {timeout.TotalSeconds:0} s, killed:{Environment.NewLine}> {commandLine}{Environment.NewLine}{OutputSoFar()}");
        }
        // The parameterless wait returns only once the redirected streams are drained.
        process.WaitForExit();
        return new ProcessResult(commandLine, workingDirectory, process.ExitCode, OutputSoFar(), stopwatch.Elapsed);
    }

    /// <summary>Escapes a value for an MSBuild <c>-p:</c> switch, where ';' and ',' separate properties.</summary>
    public static string EscapeProperty(string value) =>
        value.Replace("%", "%25").Replace(";", "%3B").Replace(",", "%2C").Replace("\"", "%22");

    private static bool IsInheritedBuildSetting(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("COREHOST_", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)
            && !CliPreferencesToKeep.Contains(name, StringComparer.OrdinalIgnoreCase))
        || BuildPropertiesFromEnvironment.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static string Locate()
    {
        // Prefer the dotnet that built and runs these tests over whichever one PATH finds first.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }
        return OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"') ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
}
