using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Flow
{
    internal enum EffectKind
    {
        Acquire,
        TryAcquire,
        Release,
        RequireHeld,
        Exclude,
        AssertHeld,
        TemporarilyRelease,
        EstablishState,
        RequireState,
    }

    /// <summary>What one operation does to one lock: the common language of BCL primitives and contracts.</summary>
    internal sealed class LockEffect
    {
        public LockEffect(EffectKind kind, LockIdentity @lock, LockMode mode, IOperation site, string operationName)
        {
            Kind = kind;
            Lock = @lock;
            Mode = mode;
            Site = site;
            OperationName = operationName;
        }

        public EffectKind Kind { get; }

        public LockIdentity Lock { get; }

        /// <summary>The mode taken or required; for a release, the mode released (see <see cref="AnyMode"/>).</summary>
        public LockMode Mode { get; }

        /// <summary>A release that ends whatever mode the lock is held in (a contract's [Releases]).</summary>
        public bool AnyMode { get; init; }

        /// <summary>For <see cref="EffectKind.RequireHeld"/>: a shared holder is enough.</summary>
        public bool SharedSuffices { get; init; }

        /// <summary>For a try-acquire: the result that means the lock was taken.</summary>
        public bool WhenReturns { get; init; } = true;

        /// <summary>The ref bool that reports whether the lock was taken (a local or a flow capture), if any.</summary>
        public object? TakenFlag { get; init; }

        /// <summary>The call returns a scope whose Dispose releases the lock.</summary>
        public bool ReturnsScope { get; init; }

        /// <summary>The call whose contract acquires several locks: their order among themselves is decided there.</summary>
        public bool OrderedByCallee { get; init; }

        /// <summary>An [Acquires(Nested = true)] call: the caller's explicit nesting level orders this instance.</summary>
        public bool ExplicitNesting { get; init; }

        /// <summary>For a state effect: the state's name and whose it is; <see cref="Lock"/> is the lock whose release ends it, if any.</summary>
        public string? StateName { get; init; }

        public string? StateOwner { get; init; }

        public bool StateEndsWithLock { get; init; }

        public IOperation Site { get; }

        /// <summary>The member being called, for messages ("Ledger.AddToTotal", "Monitor.Enter").</summary>
        public string OperationName { get; }

        public Location Location => LockEffectResolver.CallLocation(Site);
    }
}
