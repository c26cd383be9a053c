using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Analyzer.Benchmarks
{
    /// <summary>Registers for every operation block and does nothing: the floor any operation-based analyzer pays.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class EmptyOperationAnalyzer : DiagnosticAnalyzer
    {
        // The driver skips an analyzer none of whose diagnostics can be reported: it needs one, enabled, that it never reports.
        private static readonly DiagnosticDescriptor Never = new(
            "BENCH001", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public static ImmutableArray<DiagnosticAnalyzer> Set { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyOperationAnalyzer());

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationBlockAction(_ => { });
        }
    }
}
