using System;
using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>One lock held at a program point.</summary>
    internal sealed class HeldLock : IEquatable<HeldLock>
    {
        /// <summary>Counts above this are all "several": it keeps the lattice finite for loops that nest a re-entrant lock.</summary>
        private const int MaxCount = 4;

        public HeldLock(LockIdentity identity, LockMode mode, int count, bool definite, Location location, IOperation? acquiredBy)
        {
            Identity = identity;
            Mode = mode;
            Count = Math.Min(count, MaxCount);
            Definite = definite;
            Location = location;
            AcquiredBy = acquiredBy;
        }

        public LockIdentity Identity { get; }

        public LockMode Mode { get; }

        /// <summary>How many times a re-entrant lock is entered.</summary>
        public int Count { get; }

        /// <summary>Held on every path to this point; otherwise only on some.</summary>
        public bool Definite { get; }

        /// <summary>Where it was taken.</summary>
        public Location Location { get; }

        /// <summary>The call or statement that took it, when it came from code rather than the method's own contract.</summary>
        public IOperation? AcquiredBy { get; }

        public HeldLock WithCount(int count) => new(Identity, Mode, count, Definite, Location, AcquiredBy);

        /// <summary>The same without the operation that took it, to keep past the analysis of its body.</summary>
        public HeldLock Detached() => AcquiredBy is null ? this : new(Identity, Mode, Count, Definite, Location, null);

        public HeldLock WithDefinite(bool definite) => definite == Definite ? this : new(Identity, Mode, Count, definite, Location, AcquiredBy);

        public bool Equals(HeldLock? other) =>
            other is not null && Identity.Equals(other.Identity) && Mode == other.Mode && Count == other.Count && Definite == other.Definite;

        public override bool Equals(object? obj) => Equals(obj as HeldLock);

        public override int GetHashCode() => Identity.GetHashCode() ^ ((int)Mode << 4) ^ Count;

        public bool SameLock(HeldLock other) => Identity.Equals(other.Identity) && Mode == other.Mode;
    }

    internal enum LinkKind
    {
        /// <summary>A boolean value that tells whether the lock is held (TryEnter's result, lockTaken).</summary>
        Condition,

        /// <summary>A scope value whose Dispose releases the lock (Lock.EnterScope()).</summary>
        Scope,
    }

    /// <summary>A value (local, flow capture or the result of an operation) tied to a lock.</summary>
    internal sealed class ValueLink : IEquatable<ValueLink>
    {
        public ValueLink(object key, LinkKind kind, HeldLock @lock, bool whenValue, bool alreadyApplied, bool fromBranch = false)
        {
            Key = key;
            Kind = kind;
            Lock = @lock;
            WhenValue = whenValue;
            AlreadyApplied = alreadyApplied;
            FromBranch = fromBranch;
        }

        /// <summary>
        /// The lock was taken on a path where a branch had decided the value: it says the lock is held only
        /// because the paths with the other value did not take it (see <see cref="LockState.Join"/>).
        /// </summary>
        public bool FromBranch { get; }

        /// <summary>An ILocalSymbol, a CaptureId, an IOperation (a value not yet stored anywhere) or a <see cref="ConditionKey"/>.</summary>
        public object Key { get; }

        public LinkKind Kind { get; }

        public HeldLock Lock { get; }

        /// <summary>For a condition: the value that means the lock is held.</summary>
        public bool WhenValue { get; }

        /// <summary>The lock was taken when the value was produced (Monitor.Enter(o, ref taken)); otherwise only if the value says so.</summary>
        public bool AlreadyApplied { get; }

        public bool IsTemporary => Key is IOperation;

        public ValueLink WithKey(object key) => new(key, Kind, Lock, WhenValue, AlreadyApplied, FromBranch);

        public bool Equals(ValueLink? other) =>
            other is not null && Equals(Key, other.Key) && Kind == other.Kind && Lock.SameLock(other.Lock)
            && WhenValue == other.WhenValue && AlreadyApplied == other.AlreadyApplied;

        public override bool Equals(object? obj) => Equals(obj as ValueLink);

        public override int GetHashCode() => Key.GetHashCode() ^ (int)Kind;
    }

    /// <summary>
    /// A read of a [MustRecheck] member of one object. Read with no relevant lock held, it is
    /// pending; once such a lock is taken it needs a recheck under that lock until the member of the
    /// same object is read again there. A read made under the lock needs a recheck again after the
    /// lock is temporarily released.
    /// </summary>
    internal sealed class ValueRead : IEquatable<ValueRead>
    {
        public ValueRead(ISymbol member, string owner, ImmutableArray<string> under, Location readAt, LockIdentity? @lock, bool needsRecheck, Location? since)
        {
            Member = member;
            Owner = owner;
            Under = under;
            ReadAt = readAt;
            Lock = @lock;
            NeedsRecheck = needsRecheck;
            Since = since;
        }

        public ISymbol Member { get; }

        /// <summary>The object's access path, such as <c>inode</c> or <c>page.Mapping</c>.</summary>
        public string Owner { get; }

        /// <summary>The lock classes under which it must be read again; empty means any lock.</summary>
        public ImmutableArray<string> Under { get; }

        public Location ReadAt { get; }

        /// <summary>The lock the read relates to; null for a read made before any such lock was taken.</summary>
        public LockIdentity? Lock { get; }

        public bool NeedsRecheck { get; }

        /// <summary>Where the lock was taken (or retaken) since the read.</summary>
        public Location? Since { get; }

        public bool Concerns(string? lockClass) => Under.IsEmpty || (lockClass is not null && Under.Contains(lockClass));

        public bool SameValue(ValueRead other) => SymbolEqualityComparer.Default.Equals(Member, other.Member) && Owner == other.Owner;

        public bool Equals(ValueRead? other) =>
            other is not null && SameValue(other) && Equals(Lock, other.Lock) && NeedsRecheck == other.NeedsRecheck
            && ReadAt == other.ReadAt && Since == other.Since;

        public override bool Equals(object? obj) => Equals(obj as ValueRead);

        public override int GetHashCode() => Owner.GetHashCode() ^ ReadAt.GetHashCode();
    }

    /// <summary>A protocol state of one object ([EstablishesState]), ended by releasing <see cref="EndsWith"/>.</summary>
    internal sealed class ProtocolState : IEquatable<ProtocolState>
    {
        public ProtocolState(string name, string owner, LockIdentity? endsWith, Location establishedAt)
        {
            Name = name;
            Owner = owner;
            EndsWith = endsWith;
            EstablishedAt = establishedAt;
        }

        public string Name { get; }

        public string Owner { get; }

        public LockIdentity? EndsWith { get; }

        public Location EstablishedAt { get; }

        public bool Same(ProtocolState other) => Name == other.Name && Owner == other.Owner;

        public bool Equals(ProtocolState? other) => other is not null && Same(other) && Equals(EndsWith, other.EndsWith);

        public override bool Equals(object? obj) => Equals(obj as ProtocolState);

        public override int GetHashCode() => Name.GetHashCode() ^ Owner.GetHashCode();
    }

    /// <summary>
    /// A condition a branch tests that can be recognized when it is tested again: a comparison or null
    /// test of constants, locals, parameters and member paths (<c>state &gt; 0</c>, <c>a == b</c>, the
    /// null test of <c>_m?.WaitOne()</c>). It stops being known once the method writes one of the
    /// variables or members it reads.
    /// </summary>
    internal sealed class ConditionKey : IEquatable<ConditionKey>
    {
        public ConditionKey(string text, ImmutableArray<ISymbol> dependsOn, string? left = null, string? right = null)
        {
            Text = text;
            DependsOn = dependsOn;
            Left = left;
            Right = right;
        }

        public string Text { get; }

        /// <summary>The locals, parameters, fields and properties the condition reads.</summary>
        public ImmutableArray<ISymbol> DependsOn { get; }

        /// <summary>For the reference equality of two paths (<c>a == b</c>): the two paths; otherwise null.</summary>
        public string? Left { get; }

        public string? Right { get; }

        public bool Reads(ISymbol symbol) => DependsOn.Contains(symbol, SymbolEqualityComparer.Default);

        /// <summary>For a null test, the path tested (<c>p:this._box.File</c>); otherwise null.</summary>
        public string? NullOf => Text.StartsWith("null(", StringComparison.Ordinal) ? Text.Substring(5, Text.Length - 6) : null;

        public bool Equals(ConditionKey? other) => other is not null && Text == other.Text;

        public override bool Equals(object? obj) => Equals(obj as ConditionKey);

        public override int GetHashCode() => Text.GetHashCode();

        public override string ToString() => Text;
    }

    /// <summary>
    /// A boolean parameter or local, or a recognizable condition (<see cref="ConditionKey"/>), whose value is
    /// known on this path because a branch tested it.
    /// </summary>
    internal readonly struct KnownValue : IEquatable<KnownValue>
    {
        public KnownValue(object key, bool value)
        {
            Key = key;
            Value = value;
        }

        /// <summary>An <see cref="ISymbol"/> or a <see cref="ConditionKey"/>.</summary>
        public object Key { get; }

        public bool Value { get; }

        public bool Equals(KnownValue other) => SameKey(Key, other.Key) && Value == other.Value;

        public override bool Equals(object? obj) => obj is KnownValue other && Equals(other);

        public override int GetHashCode() => (Key is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : Key.GetHashCode()) ^ (Value ? 1 : 0);

        public static bool SameKey(object a, object b) =>
            a is ISymbol x && b is ISymbol y ? SymbolEqualityComparer.Default.Equals(x, y) : Equals(a, b);

        /// <summary>True when writing <paramref name="symbol"/> changes what this says.</summary>
        public bool IsChangedBy(ISymbol symbol) =>
            Key is ConditionKey condition ? condition.Reads(symbol) : SymbolEqualityComparer.Default.Equals(Key as ISymbol, symbol);
    }

    /// <summary>The lock state at a program point: locks held (must and may), values tied to locks, and booleans known on this path.</summary>
    internal sealed class LockState : IEquatable<LockState>
    {
        public static readonly LockState Empty = new(
            ImmutableArray<HeldLock>.Empty, ImmutableArray<ValueLink>.Empty, ImmutableArray<KnownValue>.Empty,
            ImmutableArray<ValueRead>.Empty, ImmutableArray<ProtocolState>.Empty);

        public LockState(
            ImmutableArray<HeldLock> held, ImmutableArray<ValueLink> links, ImmutableArray<KnownValue> known,
            ImmutableArray<ValueRead> reads, ImmutableArray<ProtocolState> states)
        {
            Held = held;
            Links = links;
            Known = known;
            Reads = reads;
            States = states;
        }

        /// <summary>In acquisition order, outermost first.</summary>
        public ImmutableArray<HeldLock> Held { get; }

        public ImmutableArray<ValueLink> Links { get; }

        /// <summary>
        /// Booleans a branch has decided on this path. A lock taken while one is known is tied to
        /// it, so <c>if (flag) Enter(); ... if (flag) Exit();</c> balances.
        /// </summary>
        public ImmutableArray<KnownValue> Known { get; }

        /// <summary>Reads of [MustRecheck] members that are pending or await a recheck (union at joins).</summary>
        public ImmutableArray<ValueRead> Reads { get; }

        /// <summary>Protocol states that hold on every path here (intersection at joins).</summary>
        public ImmutableArray<ProtocolState> States { get; }

        public LockState WithHeld(ImmutableArray<HeldLock> held) => new(held, Links, Known, Reads, States);

        public LockState WithLinks(ImmutableArray<ValueLink> links) => new(Held, links, Known, Reads, States);

        public LockState WithReads(ImmutableArray<ValueRead> reads) => new(Held, Links, Known, reads, States);

        public LockState WithStates(ImmutableArray<ProtocolState> states) => new(Held, Links, Known, Reads, states);

        /// <summary>True when a write to a variable or member may change what this state knows (<see cref="WithoutKnown"/>).</summary>
        public bool HasConditions => !Known.IsEmpty || Links.Any(l => l.Key is ConditionKey);

        /// <summary>What a branch on this path decided about <paramref name="key"/>; null when nothing.</summary>
        public bool? KnownValueOf(object key)
        {
            foreach (var known in Known)
            {
                if (KnownValue.SameKey(known.Key, key))
                {
                    return known.Value;
                }
            }

            // A null receiver makes every access through it null: `_box?.File?.WaitOne()` on a null `_box`.
            if (key is ConditionKey { NullOf: { } path })
            {
                foreach (var known in Known)
                {
                    if (known.Value && known.Key is ConditionKey { NullOf: { } prefix } && path.StartsWith(prefix + ".", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            return null;
        }

        public LockState WithKnown(object key, bool value) =>
            new(Held, Links, Known.RemoveAll(k => KnownValue.SameKey(k.Key, key)).Add(new KnownValue(key, value)), Reads, States);

        /// <summary>
        /// Forgets what branches said about <paramref name="variable"/> and about the conditions that read it, once it
        /// is written: the locks tied to such a condition are no longer tied to a later test of it.
        /// </summary>
        public LockState WithoutKnown(ISymbol variable)
        {
            var state = this;
            foreach (var known in Known)
            {
                if (known.IsChangedBy(variable))
                {
                    state = new(Held, Links, Known.RemoveAll(k => k.IsChangedBy(variable)), Reads, States);
                    break;
                }
            }

            foreach (var link in state.Links)
            {
                if (link.Key is ConditionKey condition && condition.Reads(variable))
                {
                    return state.WithLinks(state.Links.RemoveAll(l => l.Key is ConditionKey c && c.Reads(variable)));
                }
            }

            return state;
        }

        /// <summary>The index of the most recently taken entry for this lock in a compatible mode, or -1.</summary>
        public int FindHeld(LockIdentity identity, LockMode? mode, bool exactInstance)
        {
            for (var i = Held.Length - 1; i >= 0; i--)
            {
                var held = Held[i];
                if ((mode is null || held.Mode == mode)
                    && (exactInstance ? held.Identity.Equals(identity) : held.Identity.Matches(identity)))
                {
                    return i;
                }
            }

            return -1;
        }

        public ImmutableArray<ValueLink> FindLinks(object key, LinkKind kind)
        {
            var result = ImmutableArray<ValueLink>.Empty;
            foreach (var link in Links)
            {
                if (link.Kind == kind && Equals(link.Key, key))
                {
                    result = result.Add(link);
                }
            }

            return result;
        }

        public LockState WithoutLink(ValueLink link) => WithLinks(Links.Remove(link));

        /// <summary>Drops the links that say a lock is already held, once it no longer is.</summary>
        public LockState WithoutLinksTo(HeldLock released)
        {
            var any = false;
            foreach (var link in Links)
            {
                any |= link.AlreadyApplied && link.Lock.SameLock(released);
            }

            return any ? WithLinks(Links.RemoveAll(l => l.AlreadyApplied && l.Lock.SameLock(released))) : this;
        }

        public LockState WithLink(ValueLink link)
        {
            var links = Links;
            for (var i = 0; i < links.Length; i++)
            {
                if (links[i].Kind == link.Kind && Equals(links[i].Key, link.Key) && links[i].Lock.SameLock(link.Lock))
                {
                    return WithLinks(links.SetItem(i, link));
                }
            }

            return WithLinks(links.Add(link));
        }

        /// <summary>Drops the rechecks still owed: on an exceptional path the values they guard are never used.</summary>
        public LockState WithoutPendingRechecks() =>
            Reads.Any(r => r.NeedsRecheck) ? WithReads(Reads.RemoveAll(r => r.NeedsRecheck)) : this;

        /// <summary>
        /// For a handler: drops the links made by a branch this path is still inside. They are there to decide
        /// the lock again after the paths of that branch meet; an exception leaves the branch with whatever it
        /// released or took since, and the handler's other paths may have decided the same value without the lock.
        /// </summary>
        public LockState WithoutLinksOfBranchesDecided()
        {
            var any = false;
            foreach (var link in Links)
            {
                any |= link.FromBranch && KnownValueOf(link.Key) is not null;
            }

            return any ? WithLinks(Links.RemoveAll(l => l.FromBranch && KnownValueOf(l.Key) is not null)) : this;
        }

        public LockState WithoutTemporaryLinks()
        {
            var any = false;
            foreach (var link in Links)
            {
                any |= link.IsTemporary;
            }

            return any ? WithLinks(Links.RemoveAll(l => l.IsTemporary)) : this;
        }

        /// <summary>
        /// Where paths meet: a lock is definitely held only if it is on every path with the same
        /// count; anything held on one path only is kept as "maybe held".
        /// </summary>
        public static LockState Join(LockState first, LockState second)
        {
            if (ReferenceEquals(first, second))
            {
                return first;
            }

            var held = ImmutableArray.CreateBuilder<HeldLock>(first.Held.Length + second.Held.Length);
            foreach (var a in first.Held)
            {
                var match = FindSame(second.Held, a);
                if (match is null)
                {
                    held.Add(a.WithDefinite(false));
                }
                else
                {
                    var definite = a.Definite && match.Definite && a.Count == match.Count;
                    held.Add(a.Count >= match.Count ? a.WithDefinite(definite) : match.WithDefinite(definite));
                }
            }

            foreach (var b in second.Held)
            {
                if (FindSame(first.Held, b) is null)
                {
                    held.Add(b.WithDefinite(false));
                }
            }

            // A link made by a branch (`if (c) Enter(g); … if (c) Exit(g);`) holds where it meets the path that
            // took the other side of that branch; where it meets any other path (one that released the lock
            // since, or a loop's entry that holds it whatever the value), the value says nothing about the lock.
            var links = first.Links.RemoveAll(l => l.FromBranch && !second.Links.Contains(l) && !TookTheOtherSide(second, l));
            foreach (var link in second.Links)
            {
                if (!links.Contains(link) && !(link.FromBranch && !first.Links.Contains(link) && !TookTheOtherSide(first, link)))
                {
                    links = links.Add(link);
                }
            }

            var known = first.Known;
            foreach (var value in first.Known)
            {
                if (second.KnownValueOf(value.Key) != value.Value)
                {
                    known = known.Remove(value);
                }
            }

            foreach (var value in second.Known)
            {
                if (!known.Contains(value) && first.KnownValueOf(value.Key) == value.Value)
                {
                    known = known.Add(value);
                }
            }

            var reads = first.Reads;
            foreach (var read in second.Reads)
            {
                if (!reads.Contains(read))
                {
                    reads = reads.Add(read);
                }
            }

            var states = first.States.RemoveAll(a => !second.States.Any(b => b.Same(a)));
            return new LockState(held.ToImmutable(), links, known, reads, states);
        }

        /// <summary>
        /// True when <paramref name="other"/>, a path without <paramref name="link"/>, took the other side of the
        /// branch that made it and holds the lock in no way (not even through a flag a try-acquisition set):
        /// only then does the value still say whether the lock is held.
        /// </summary>
        private static bool TookTheOtherSide(LockState other, ValueLink link) =>
            other.KnownValueOf(link.Key) == !link.WhenValue && other.FindHeld(link.Lock.Identity, link.Lock.Mode, exactInstance: true) < 0
            && !other.Links.Any(l => l.Lock.SameLock(link.Lock));

        private static HeldLock? FindSame(ImmutableArray<HeldLock> held, HeldLock candidate)
        {
            foreach (var h in held)
            {
                if (h.SameLock(candidate))
                {
                    return h;
                }
            }

            return null;
        }

        public bool Equals(LockState? other)
        {
            if (other is null || other.Held.Length != Held.Length || other.Links.Length != Links.Length || other.Known.Length != Known.Length
                || other.Reads.Length != Reads.Length || other.States.Length != States.Length)
            {
                return false;
            }

            foreach (var r in Reads)
            {
                if (!other.Reads.Contains(r))
                {
                    return false;
                }
            }

            foreach (var st in States)
            {
                if (!other.States.Contains(st))
                {
                    return false;
                }
            }

            foreach (var k in Known)
            {
                if (!other.Known.Contains(k))
                {
                    return false;
                }
            }

            foreach (var h in Held)
            {
                if (!other.Held.Contains(h))
                {
                    return false;
                }
            }

            foreach (var l in Links)
            {
                if (!other.Links.Contains(l))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as LockState);

        public override int GetHashCode() => Held.Length ^ (Links.Length << 8);
    }
}
