using System.Collections.Immutable;
using LockContracts.Analyzers.Rules;
using LockContracts.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit.Sdk;

namespace LockContracts.Analyzers.Tests.Testing;

/// <summary>The verifier is the judge of every other test: what it adds to the framework is tested too.</summary>
public class LockAnalyzerVerifierTests
{
    private const string Unbalanced = """
        class C
        {
            readonly SemaphoreSlim _gate = new(1, 1);
            void M() { _gate.Wait(); }
        }
        """;

    [Fact]
    public async Task MarkedDiagnosticsAreReturnedForFurtherAssertions()
    {
        var reported = await LockAnalyzerVerifier.VerifyAsync(Unbalanced.Replace("_gate.Wait()", "[|_gate.Wait()|]"), "LOCK102");
        Assert.Equal("LOCK102", Assert.Single(reported).Id);
    }

    [Fact]
    public async Task MissingDiagnosticFails()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync("""
            class C { void M() { {|LOCK101:System.Console.WriteLine()|}; } }
            """));
    }

    [Fact]
    public async Task UnexpectedDiagnosticFails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync(Unbalanced));
        Assert.Contains("LOCK102", failure.Message);
    }

    [Fact]
    public async Task BracketsStandForTheDefaultIdOnly()
    {
        var marked = Unbalanced.Replace("_gate.Wait()", "[|_gate.Wait()|]");
        await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync(marked, "LOCK101"));
        await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync(marked));
    }

    [Theory]
    [InlineData("{|LOCK102:_gate.Wait()")]
    [InlineData("_gate.Wait()|}")]
    [InlineData("[|_gate.Wait()|]")]
    public async Task MalformedMarkupIsRejected(string marked)
    {
        // The last one is well formed, but this case has no default id for [|…|].
        await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync(Unbalanced.Replace("_gate.Wait()", marked)));
    }

    [Fact]
    public async Task CompilerErrorsFailUnlessAllowed()
    {
        const string broken = "class C { void M() { int x = ; } }";
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync(broken));
        Assert.Contains("CS1525", failure.Message);
        await LockAnalyzerVerifier.VerifyAsync(broken, allowCompilerErrors: true);
    }

    [Fact]
    public async Task AnalyzerExceptionsFail()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockAnalyzerVerifier.VerifyAsync(
            "class C { void M() { } }", analyzers: ImmutableArray.Create<DiagnosticAnalyzer>(new ThrowingAnalyzer())));
        Assert.Contains("boom", failure.Message);
    }

    [Fact]
    public async Task EditorAndBuildMustReportTheSameMessages()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockAnalyzerVerifier.VerifyAsync(
            "class {|LOCK900:C|} { }", analyzers: ImmutableArray.Create<DiagnosticAnalyzer>(new ModeProbe(showMode: true))));
        Assert.Contains("The editor's analysis and the build's differ", failure.Message);
        Assert.Contains("reported in mode build", failure.Message);

        await LockAnalyzerVerifier.VerifyAsync("class {|LOCK900:C|} { }", analyzers: ImmutableArray.Create<DiagnosticAnalyzer>(new ModeProbe(showMode: false)));
    }

    [Fact]
    public async Task TheBuildRunSetsTheCycleReportingProperty()
    {
        // Pinning the mode runs the case once, with the property as given.
        var options = new Dictionary<string, string>(LockTestSetup.BuildMode);
        var reported = await LockAnalyzerVerifier.VerifyAsync(
            "class {|LOCK900:C|} { }", analyzers: ImmutableArray.Create<DiagnosticAnalyzer>(new ModeProbe(showMode: true)), globalOptions: options);
        Assert.Contains("reported in mode build", Assert.Single(reported).GetMessage());
    }

    private const string Cycle = """
        class C
        {
            readonly object _a = new(), _b = new();
            void One() { lock (_a) { lock ({|#0:_b|}) { } } }
            void Two() { lock (_b) { lock ({|#1:_a|}) { } } }
        }
        """;

    [Fact]
    public async Task Lock001MustBeExpectedWithItsAdditionalLocations()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockAnalyzerVerifier.VerifyAsync(
            Cycle.Replace("{|#0:_b|}", "[|_b|]").Replace("{|#1:_a|}", "_a"), "LOCK001"));
        Assert.Contains("additional location", failure.Message);

        await LockAnalyzerVerifier.VerifyAsync(Cycle, expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) });
    }

    [Fact]
    public async Task AWrongAdditionalLocationFails()
    {
        var misplaced = Cycle.Replace("lock ({|#1:_a|})", "{|#1:lock|} (_a)");
        await Assert.ThrowsAnyAsync<Exception>(() => LockAnalyzerVerifier.VerifyAsync(
            misplaced, expected: new[] { LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1) }));
    }

    [Fact]
    public async Task AFixThatDoesNotGiveTheFixedSourceFails()
    {
        const string source = """
            class Cache
            {
                readonly object _sync = new();
                int _count;
                [RequiresHeld("Cache._sync")] void Bump() => _count++;
                void A() => {|LOCK101:Bump()|};
            }
            """;
        await Assert.ThrowsAnyAsync<Exception>(() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyFixAsync(source, source.Replace("{|LOCK101:Bump()|}", "Bump()")));
        await Assert.ThrowsAnyAsync<Exception>(() => LockCodeFixVerifier<AddRequiresHeldCodeFixProvider>.VerifyNoFixAsync(source));
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.SelfDeadlock);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationBlockAction(_ => throw new InvalidOperationException("boom"));
        }
    }

    /// <summary>Reports each class; with <c>showMode</c> its message names the cycle-reporting mode it saw.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ModeProbe(bool showMode) : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Probe = new("LOCK900", "Probe", "{0}", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Probe);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(
                symbol =>
                {
                    symbol.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(LockStateAnalyzer.CycleReportingProperty, out var mode);
                    var message = showMode ? $"reported in mode {mode ?? "live"}" : "reported";
                    symbol.ReportDiagnostic(Diagnostic.Create(Probe, symbol.Symbol.Locations[0], message));
                },
                SymbolKind.NamedType);
        }
    }
}
