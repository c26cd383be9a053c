namespace LockContracts.ReferenceMm.Tests;

/// <summary>Each seed's bug, put back into code written against the model, is reported by the analyzer where the bug is.</summary>
public class VariantAnalysisTests
{
    [Theory]
    [InlineData("Seed000UnlockedDaxFault.cs")]
    [InlineData("Seed001EvictWithoutBreakingLayouts.cs")]
    [InlineData("Seed002HugetlbFaultWithoutRecheck.cs")]
    [InlineData("Seed003DestructiveInvalidation.cs")]
    [InlineData("Seed004SharedSourceDedupe.cs")]
    public Task TheAnalyzerReportsTheSeedsBugWhereItIs(string variantFile) =>
        Variant.Load(variantFile).AssertAnalyzerReportsMarkersAsync();
}
