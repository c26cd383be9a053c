using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK204: a call made under a lock whose summary stopped at <see cref="LockSummaries.MethodsPerSummary"/>
    /// methods: what lies past the bound is not checked, and the call says so.
    /// </summary>
    internal sealed class Lock204SummaryCutOffRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.SummaryCutOff;

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            foreach (var acquisition in call.Acquisitions)
            {
                if (LockSummaries.IsCutOff(acquisition) && acquisition.Path.Last is { } cut)
                {
                    reporter.Report(Descriptor, call.Location, null, null, acquisition.Display.Substring(LockSummaries.CutOffDisplay.Length), cut.Name);
                    return;
                }
            }
        }
    }
}
