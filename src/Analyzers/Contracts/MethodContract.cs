using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Contracts
{
    internal enum LockMode
    {
        Exclusive,
        Shared,
        Upgradeable,
    }

    internal enum ClaimKind
    {
        Acquires,
        Releases,
        TryAcquires,
        RequiresHeld,
        Excludes,
        AssertsHeld,
        TemporarilyReleases,
    }

    /// <summary>One lock attribute on a method: what it does to which lock of which target.</summary>
    internal sealed class LockClaim
    {
        public LockClaim(ClaimKind kind, string? name, string on, LockMode mode, bool whenReturns, AttributeData attribute, bool nested = false)
        {
            Nested = nested;
            Kind = kind;
            Name = name;
            On = on;
            Mode = mode;
            WhenReturns = whenReturns;
            Attribute = attribute;
        }

        public ClaimKind Kind { get; }

        /// <summary>The lock class, or null for "the target object is itself the lock".</summary>
        public string? Name { get; }

        /// <summary><c>"this"</c>, a parameter name, or <c>"return"</c>.</summary>
        public string On { get; }

        public LockMode Mode { get; }

        public bool WhenReturns { get; }

        /// <summary>[Acquires(Nested = true)]: the caller gives the nesting level, which orders the instances.</summary>
        public bool Nested { get; }

        public AttributeData Attribute { get; }

        public bool IsOnThis => On == "this";

        public bool IsOnReturn => On == "return";

        /// <summary>A nameless claim on <c>this</c>: the method is part of a lock type's own implementation.</summary>
        public bool IsSelfLock => Name is null && IsOnThis;

        public Location? GetLocation() => Attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();
    }

    /// <summary>[EstablishesState] or [RequiresState]: a protocol state of one object.</summary>
    internal sealed class StateClaim
    {
        public StateClaim(bool establishes, string state, string on, string? validWhileHeld, AttributeData attribute)
        {
            Establishes = establishes;
            State = state;
            On = on;
            ValidWhileHeld = validWhileHeld;
            Attribute = attribute;
        }

        public bool Establishes { get; }

        public string State { get; }

        public string On { get; }

        /// <summary>The lock class of the same object whose release ends the state; null when it lasts until the method returns.</summary>
        public string? ValidWhileHeld { get; }

        public AttributeData Attribute { get; }

        public Location? GetLocation() => Attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();
    }

    /// <summary>The lock contract of one method, read from its attributes (or the member it overrides or implements).</summary>
    internal sealed class MethodContract
    {
        public static readonly MethodContract Empty = new(ImmutableArray<LockClaim>.Empty, noAnalysis: false);

        public MethodContract(ImmutableArray<LockClaim> claims, bool noAnalysis, ImmutableArray<StateClaim> states = default)
        {
            Claims = claims;
            NoAnalysis = noAnalysis;
            States = states.IsDefault ? ImmutableArray<StateClaim>.Empty : states;
            foreach (var claim in claims)
            {
                if (claim.IsSelfLock && claim.Kind is ClaimKind.Acquires or ClaimKind.Releases or ClaimKind.TryAcquires)
                {
                    IsLockImplementation = true;
                }

            }
        }

        public ImmutableArray<LockClaim> Claims { get; }

        public ImmutableArray<StateClaim> States { get; }

        /// <summary>[NoLockAnalysis]: the body is trusted and not analyzed.</summary>
        public bool NoAnalysis { get; }

        /// <summary>
        /// The method implements a lock type's own acquire or release: its body manipulates the
        /// underlying primitive, so the balance of what it leaves held is its contract, not a bug.
        /// </summary>
        public bool IsLockImplementation { get; }

        public bool IsEmpty => Claims.IsEmpty && States.IsEmpty && !NoAnalysis;
    }
}
