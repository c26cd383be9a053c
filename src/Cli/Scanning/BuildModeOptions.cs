using System.Diagnostics.CodeAnalysis;
using LockContracts.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Cli.Scanning;

/// <summary>
/// The project's analyzer options, with the one property a build sets: the scanner analyzes as a
/// build does (<c>LockContractsCycleReporting=build</c>), whatever the project says.
/// </summary>
internal sealed class BuildModeOptions : AnalyzerConfigOptionsProvider
{
    private readonly AnalyzerConfigOptionsProvider? _inner;

    public BuildModeOptions(AnalyzerConfigOptionsProvider? inner)
    {
        _inner = inner;
        GlobalOptions = new Global(inner?.GlobalOptions);
    }

    public override AnalyzerConfigOptions GlobalOptions { get; }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _inner?.GetOptions(tree) ?? Global.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _inner?.GetOptions(textFile) ?? Global.Empty;

    private sealed class Global : AnalyzerConfigOptions
    {
        public static readonly AnalyzerConfigOptions Empty = new Global(null);

        private readonly AnalyzerConfigOptions? _inner;

        public Global(AnalyzerConfigOptions? inner) => _inner = inner;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
        {
            if (!ReferenceEquals(this, Empty) && key == LockStateAnalyzer.CycleReportingProperty)
            {
                value = "build";
                return true;
            }

            if (_inner is not null)
            {
                return _inner.TryGetValue(key, out value);
            }

            value = null;
            return false;
        }
    }
}
