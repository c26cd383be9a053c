using System.Collections.Generic;
using System.Globalization;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK205: a call made under a lock that invokes, here or through the calls it makes, a delegate whose functions
    /// were followed only up to a <see cref="DelegateFlow"/> bound: the locks the functions past it take are not
    /// checked, and the call says so.
    /// </summary>
    internal sealed class Lock205DelegateFlowCutOffRule : MethodRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.DelegateFlowCutOff;

        public override void OnCall(MethodReporter reporter, LockedCall call)
        {
            foreach (var acquisition in call.Acquisitions)
            {
                if (LockSummaries.DelegateCutOf(acquisition) is not { } bounds || acquisition.Path.Last is not { } invocation)
                {
                    continue;
                }

                var (where, additional) = ReachedFrom(acquisition, invocation);
                reporter.Report(Descriptor, call.Location, additional, null, invocation.Name, where, Describe(bounds));
                return;
            }
        }

        /// <summary>
        /// The bounds, in words, with their values: all three whichever was reached. Which of the candidates and
        /// work bounds a question reaches can depend on the questions asked before it in the compilation, so naming
        /// one would let the editor and a build say different things (docs/rules/LOCK205.md).
        /// </summary>
        internal static string Describe(DelegateBound bounds) =>
            "one of the delegate-flow bounds (" + Number(DelegateFlow.MaxDepth) + " steps back: a parameter to the arguments passed for it, a member to what is assigned to it, a call to what it returns; "
            + Number(DelegateFlow.MaxFunctions) + " candidate functions; " + Number(DelegateFlow.MaxWork) + " members, parameters, assignments and call sites read)";

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
