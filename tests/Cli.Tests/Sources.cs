namespace LockContracts.Cli.Tests;

/// <summary>Small programs the tests scan.</summary>
internal static class Sources
{
    /// <summary>An AB-BA deadlock through a call, its two paths in two files.</summary>
    public const string LedgerTransfer = """
        using System.Collections.Generic;

        public class Ledger
        {
            internal readonly object Accounts = new();
            private readonly object _audit = new();
            private readonly List<string> _log = new();

            public void Transfer(string from, string to)
            {
                lock (Accounts)
                {
                    lock (_audit) { _log.Add(from + to); }
                }
            }

            public void FlushAudit(Auditor auditor)
            {
                lock (_audit)
                {
                    auditor.Snapshot(this);
                }
            }
        }
        """;

    public const string LedgerAuditor = """
        public class Auditor
        {
            public int Snapshot(Ledger ledger)
            {
                lock (ledger.Accounts) { return 1; }
            }
        }
        """;

    /// <summary>The same two classes taking the locks in one order.</summary>
    public const string LedgerAuditorFixed = """
        public class Auditor
        {
            public int Snapshot(Ledger ledger) => 1;
        }
        """;
}
