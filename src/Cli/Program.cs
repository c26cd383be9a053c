using System.CommandLine;
using LockContracts.Cli.Graph;
using LockContracts.Cli.Reports;
using LockContracts.Cli.Scanning;

namespace LockContracts.Cli;

/// <summary>
/// <c>lockcontracts scan PATH</c> and <c>lockcontracts compare-runtime --observed FILE PATH</c>.
/// Exit codes: 0 no error-severity finding; 1 at least one (or, for compare-runtime, an observed
/// edge the static graph lacks); 2 bad input; 3 the scanner itself failed.
/// </summary>
public static class Program
{
    public const int Clean = 0, Findings = 1, BadInput = 2, Failure = 3;

    public static async Task<int> Main(string[] args) => await RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("path") { Description = "A folder of .cs files, a .csproj, a .sln or a .slnx." };
        var defines = new Option<string[]>("--define", "-d") { Description = "A preprocessor symbol for folder scans (repeatable).", DefaultValueFactory = _ => Array.Empty<string>() };
        var implicitUsings = new Option<bool>("--implicit-usings") { Description = "For folder scans: add the SDK's default global usings (System, System.IO, System.Linq, …)." };
        var framework = new Option<string?>("--framework", "-f") { Description = "For projects and solutions: the target framework to load, as 'dotnet build -f' (default: each project's first)." };
        var properties = new Option<string[]>("--property", "-p") { Description = "For projects and solutions: an MSBuild property NAME=VALUE for restore and load, as 'dotnet build -p' (repeatable).", DefaultValueFactory = _ => Array.Empty<string>() };
        var noRestore = new Option<bool>("--no-restore") { Description = "Do not run 'dotnet restore' before loading a project or solution." };
        var format = new Option<string>("--format") { Description = "Report format.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "sarif", "json");
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the report to this file instead of standard output." };
        var graph = new Option<string[]>("--graph")
        {
            Description = "Write the lock-order graph: --graph dot|mermaid|html FILE.",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var cost = new Option<bool>("--cost")
        {
            Description = "Also time what the analyzer adds to a build: each project's compilation analyzed afresh with the analyzer and with an empty one that still has every body bound, in turns, wall clock.",
        };
        var costRounds = new Option<int?>("--cost-rounds")
        {
            Description = $"Rounds of each run for --cost, the fastest kept (default {CostMeasurement.DefaultRounds}, at most {CostMeasurement.MaxRounds}); more find a quieter moment on a busy machine. Implies --cost.",
        };
        var baseline = new Option<FileInfo?>("--baseline") { Description = "Report only findings not in this file; when it does not exist, write the current findings to it." };
        var updateBaseline = new Option<bool>("--update-baseline") { Description = "Rewrite the --baseline file with the current findings." };
        var observed = new Option<FileInfo>("--observed") { Description = "The observed order written by Lockdep.ExportObservedOrder.", Required = true };

        var scan = new Command("scan", "Run the LockContracts analyzer over a folder, project or solution, as a build would.")
        {
            path, defines, implicitUsings, framework, properties, noRestore, format, output, graph, baseline, updateBaseline, cost, costRounds,
        };
        scan.SetAction(async (parse, cancellationToken) =>
        {
            var progress = Progress(stderr);
            var result = await Scanner.ScanAsync(Request(parse), progress, cancellationToken).ConfigureAwait(false);
            progress(string.Empty);
            if (parse.GetValue(graph) is { Length: 2 } graphArgs)
            {
                var graphFormat = graphArgs[0].ToLowerInvariant();
                if (graphFormat is not ("dot" or "mermaid" or "html"))
                {
                    throw new BadInputException($"unknown graph format '{graphArgs[0]}' (expected dot, mermaid or html)");
                }

                await File.WriteAllTextAsync(graphArgs[1], GraphWriter.Render(result, graphFormat), cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(baseline) is { } baselineFile)
            {
                if (!baselineFile.Exists || parse.GetValue(updateBaseline))
                {
                    Baseline.Write(baselineFile.FullName, result.Findings);
                    result.Baselined = result.Findings.Count;
                    result.Findings = Array.Empty<Finding>();
                }
                else
                {
                    result.Findings = Baseline.Filter(baselineFile.FullName, result.Findings, out var baselined);
                    result.Baselined = baselined;
                }
            }

            var report = Reports.Reports.Render(result, parse.GetValue(format)!);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, report, cancellationToken).ConfigureAwait(false);
                await stdout.WriteAsync(Reports.Reports.Summary(result)).ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteAsync(report).ConfigureAwait(false);
            }

            return result.HasErrors ? Findings : Clean;
        });

        var compare = new Command("compare-runtime", "Check the lock orders the runtime validator observed against the static lock-order graph.")
        {
            path, observed, defines, implicitUsings, framework, properties, noRestore,
        };
        compare.SetAction(async (parse, cancellationToken) =>
        {
            var edges = RuntimeComparison.Read(parse.GetValue(observed)!.FullName);
            var progress = Progress(stderr);
            var result = await Scanner.ScanAsync(Request(parse), progress, cancellationToken).ConfigureAwait(false);
            progress(string.Empty);
            var comparison = RuntimeComparison.Compare(edges, result.Edges);
            await stdout.WriteAsync(comparison.Describe()).ConfigureAwait(false);
            return comparison.MissingFromStatic.Count > 0 ? Findings : Clean;
        });

        var root = new RootCommand("lockcontracts: the LockContracts analyzer over any folder, project or solution, and its lock-order graph.") { scan, compare };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync("lockcontracts: " + parsed.Errors[0].Message).ConfigureAwait(false);
            return BadInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (BadInputException e)
        {
            await stderr.WriteLineAsync("lockcontracts: " + FirstLine(e.Message)).ConfigureAwait(false);
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync("lockcontracts: " + FirstLine(e.Message)).ConfigureAwait(false);
            return BadInput;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"lockcontracts: the scan failed: {e.GetType().Name}: {FirstLine(e.Message)}").ConfigureAwait(false);
            return Failure;
        }

        ScanRequest Request(ParseResult parse) => new(
            parse.GetValue(path)!, parse.GetValue(defines) ?? Array.Empty<string>(), parse.GetValue(implicitUsings), !parse.GetValue(noRestore), parse.GetValue(framework), Properties(parse.GetValue(properties)),
            (parse.GetResult(cost) is not null && parse.GetValue(cost)) || parse.GetValue(costRounds) is not null, CostRounds(parse.GetValue(costRounds)));
    }

    private static int CostRounds(int? value) => value switch
    {
        null => CostMeasurement.DefaultRounds,
        >= 1 and <= CostMeasurement.MaxRounds => value.Value,
        _ => throw new BadInputException($"'--cost-rounds {value}' is not between 1 and {CostMeasurement.MaxRounds}"),
    };

    private static IReadOnlyDictionary<string, string> Properties(string[]? values)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values ?? Array.Empty<string>())
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new BadInputException($"'--property {value}' is not NAME=VALUE");
            }

            result[value[..equals].Trim()] = value[(equals + 1)..];
        }

        return result;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();

    /// <summary>On a terminal one line that updates in place; redirected, plain lines.</summary>
    private static Action<string> Progress(TextWriter stderr)
    {
        var live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var width = 0;
        return message =>
        {
            // An empty message ends the display: the line is cleared on a terminal, nothing is written otherwise.
            if (live)
            {
                var line = message.Length > 100 ? message[..100] : message;
                stderr.Write("\r" + line.PadRight(width) + (line.Length == 0 ? "\r" : string.Empty));
                width = line.Length;
            }
            else if (message.Length > 0)
            {
                stderr.WriteLine(message);
            }
        };
    }
}
