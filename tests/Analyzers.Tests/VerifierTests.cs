using System.Collections.Immutable;
using LockContracts.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace LockContracts.Analyzers.Tests;

/// <summary>The verifier is the judge of every other test; it is tested too.</summary>
public class VerifierTests
{
    [Fact]
    public void MarkupYieldsSpansOfTheCleanSource()
    {
        var (source, expected) = Markup.Parse("a {|LOCK101:bc|} d [|e|]", "LOCK002");
        Assert.Equal("a bc d e", source);
        Assert.Equal(new[] { new ExpectedDiagnostic("LOCK101", new TextSpan(2, 2)), new ExpectedDiagnostic("LOCK002", new TextSpan(7, 1)) }, expected);
    }

    [Fact]
    public void MarkupNests()
    {
        var (source, expected) = Markup.Parse("{|LOCK001:x{|LOCK002:y|}|}", null);
        Assert.Equal("xy", source);
        Assert.Contains(new ExpectedDiagnostic("LOCK001", new TextSpan(0, 2)), expected);
        Assert.Contains(new ExpectedDiagnostic("LOCK002", new TextSpan(1, 1)), expected);
    }

    [Theory]
    [InlineData("{|LOCK001:x")]
    [InlineData("x|}")]
    [InlineData("{|LOCK001:x|]")]
    [InlineData("[|x|]")]
    public void MalformedMarkupIsRejected(string markup)
    {
        Assert.Throws<FormatException>(() => Markup.Parse(markup, null));
    }

    [Fact]
    public async Task MissingDiagnosticFailsWithListing()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockVerifier.VerifyAsync("""
            class C { void M() { {|LOCK101:System.Console.WriteLine()|}; } }
            """));
        Assert.Contains("Expected:", failure.Message);
        Assert.Contains("LOCK101 at line 1", failure.Message);
    }

    [Fact]
    public async Task UnexpectedDiagnosticFailsAndIsShownUnderItsLine()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockVerifier.VerifyAsync("""
            class C
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                void M() { _gate.Wait(); }
            }
            """));
        Assert.Contains("LOCK102", failure.Message);
        Assert.Contains("^^^", failure.Message);
    }

    [Fact]
    public async Task CompilerErrorsFailUnlessAllowed()
    {
        const string broken = "class C { void M() { int x = ; } }";
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockVerifier.VerifyAsync(broken));
        Assert.Contains("does not compile", failure.Message);
        await LockVerifier.VerifyAsync(broken, allowCompilerErrors: true);
    }

    [Fact]
    public async Task AnalyzerExceptionsFail()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() => LockVerifier.VerifyAsync(
            "class C { void M() { } }", analyzers: ImmutableArray.Create<DiagnosticAnalyzer>(new ThrowingAnalyzer())));
        Assert.Contains("threw", failure.Message);
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
}
