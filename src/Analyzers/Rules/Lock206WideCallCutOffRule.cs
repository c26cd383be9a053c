using System.Globalization;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK206: a call made under a lock that reaches, here or through the calls it makes, a virtual or interface call
    /// with more bodies than the dispatch bound (<see cref="CallGraph.DefaultDispatchTargets"/>): none of them is
    /// followed, and the call says so.
    /// </summary>
    internal sealed class Lock206WideCallCutOffRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.WideCallCutOff;

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            foreach (var acquisition in call.Acquisitions)
            {
                if (LockSummaries.WideCallOf(acquisition) is not var (bodies, bound) || acquisition.Path.Last is not { } wide)
                {
                    continue;
                }

                var (where, additional) = ReachedFrom(acquisition, wide);
                reporter.Report(
                    Descriptor, call.Location, additional, null, wide.Name, where,
                    bodies.ToString(CultureInfo.InvariantCulture), bound.ToString(CultureInfo.InvariantCulture));
                return;
            }
        }
    }
}
