namespace LockContracts.Package.Tests;

/// <summary>The code the throwaway consumer projects compile.</summary>
internal static class ConsumerSources
{
    /// <summary>Text of the line where LOCK002 belongs in <see cref="Violations"/>.</summary>
    public const string AgainstOrderLine = "lock (account.Gate)";

    /// <summary>Text of the line where LOCK001 belongs in <see cref="Violations"/> (the cycle's first edge).</summary>
    public const string CycleLine = "public void Append() { lock (_log) { lock (_index)";

    /// <summary>Text of the line where LOCK101 belongs in <see cref="Violations"/>.</summary>
    public const string UnheldCallLine = "AddToTotal(-_total)";

    private const string UnlockedReset =
        "    public void Reset() => AddToTotal(-_total); // LOCK101: Ledger.Gate is not held";

    private const string ViolationsTemplate = """
        using LockContracts;

        [assembly: LockOrder("Account.Gate", "Ledger.Gate")]

        public sealed class Account
        {
            [Lock("Account.Gate")] public readonly object Gate = new();
            public decimal Balance;
        }

        public sealed class Ledger
        {
            [Lock("Ledger.Gate")] private readonly object _gate = new();
            private decimal _total;

            [RequiresHeld("Ledger.Gate")] private void AddToTotal(decimal amount) => _total += amount;

            public void Post(Account account, decimal amount)
            {
                lock (_gate)
                {
                    lock (account.Gate) // LOCK002: Account.Gate is taken while Ledger.Gate is held
                    {
                        account.Balance += amount;
                    }
                    AddToTotal(amount);
                }
            }

        RESET
        }

        public sealed class Journal
        {
            private readonly object _log = new();
            private readonly object _index = new();
            public void Append() { lock (_log) { lock (_index) { } } } // LOCK001: _log then _index here, the other way in Reindex
            public void Reindex() { lock (_index) { lock (_log) { } } }
        }

        """;

    /// <summary>Breaks the declared order once (LOCK002), calls a [RequiresHeld] method without its lock once (LOCK101), and takes two locks in both orders (LOCK001).</summary>
    public static string Violations { get; } = ViolationsTemplate.Replace("RESET", UnlockedReset);

    /// <summary><see cref="Violations"/> with the LOCK101 call wrapped in <c>#pragma warning disable LOCK101</c>.</summary>
    public static string ViolationsWithPragma { get; } = ViolationsTemplate.Replace(
        "RESET",
        "#pragma warning disable LOCK101 // nothing else can see the ledger yet\n" + UnlockedReset + "\n#pragma warning restore LOCK101");

    /// <summary>The same ledger written correctly: the declared order is followed and every call holds its lock.</summary>
    public const string Clean = """
        using LockContracts;

        [assembly: LockOrder("Account.Gate", "Ledger.Gate")]

        public sealed class Account
        {
            [Lock("Account.Gate")] public readonly object Gate = new();
            public decimal Balance;
        }

        public sealed class Ledger
        {
            [Lock("Ledger.Gate")] private readonly object _gate = new();
            private decimal _total;

            [RequiresHeld("Ledger.Gate")] private void AddToTotal(decimal amount) => _total += amount;

            public void Post(Account account, decimal amount)
            {
                lock (account.Gate)
                {
                    lock (_gate)
                    {
                        account.Balance += amount;
                        AddToTotal(amount);
                    }
                }
            }

            public void Reset()
            {
                lock (_gate)
                {
                    AddToTotal(-_total);
                }
            }
        }

        """;

    /// <summary>Text of the line where LOCK002 belongs in <see cref="UsesLockdep"/>, when the analyzer is there to see it.</summary>
    public const string LockdepAgainstOrderLine = "using (inode.Lock.EnterScope())";

    /// <summary>
    /// Code written against the runtime validator as its README shows: locks named with [Lock] and
    /// a declared order, and one acquisition against that order, which the analyzer (when a project
    /// references it) reads through the contracts on CheckedLock's methods.
    /// </summary>
    public const string UsesLockdep = """
        using LockContracts;
        using LockContracts.Lockdep;

        [assembly: LockOrder("Inode.Lock", "Page.Lock")]

        public sealed class Inode
        {
            [Lock("Inode.Lock")] public readonly CheckedLock Lock = new("Inode.Lock");
        }

        public sealed class Page
        {
            [Lock("Page.Lock")] public readonly CheckedLock Lock = new("Page.Lock");
            public bool Dirty;

            public void MarkDirty(Inode inode)
            {
                using (Lock.EnterScope())
                {
                    using (inode.Lock.EnterScope()) // LOCK002: Inode.Lock comes before Page.Lock
                    {
                        Dirty = true;
                    }
                }
            }
        }

        """;
}
