using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// The runtime lock validator: assertions, the violation mode and event, the observed lock-order
    /// graph, and its reset for tests. Lock objects (<see cref="CheckedLock"/>,
    /// <see cref="CheckedReaderWriterLock"/>, <see cref="CheckedAsyncLock"/>) report to it on every
    /// acquisition; a lock-order cycle is reported the first time the edge that closes it is observed,
    /// whether or not the threads involved ever deadlock.
    /// </summary>
    public static class Lockdep
    {
        /// <summary>
        /// The <see cref="AppContext"/> switch that turns Lockdep off for the process, for example
        /// <c>&lt;RuntimeHostConfigurationOption Include="LockContracts.Lockdep.Disable" Value="true" /&gt;</c>.
        /// </summary>
        public const string DisableSwitchName = "LockContracts.Lockdep.Disable";

        /// <summary>The most lock classes (nesting subclasses included) a process may have.</summary>
        public const int MaxLockClasses = 8192;

        /// <summary>The most distinct dependencies (held class and mode → requested class and mode) recorded.</summary>
        public const int MaxDependencies = 65536;

        /// <summary>The most locks one thread (with its async flow) may hold at once.</summary>
        public const int MaxHeldLocks = 48;

        /// <summary>The number of nesting levels of one class (<see cref="CheckedLock.EnterNested(int)"/>).</summary>
        public const int MaxSubclasses = 8;

        private static readonly object s_collectorsSync = new();
        private static volatile LockdepMode s_mode = LockdepMode.Throw;
        private static ViolationCollector[] s_collectors = Array.Empty<ViolationCollector>();

        /// <summary>
        /// Raised for each violation found, the first time it is found (see <see cref="LockViolation"/>),
        /// on the thread that found it, before any exception is thrown. Handlers must not throw.
        /// </summary>
        public static event EventHandler<LockViolation>? ViolationDetected;

        /// <summary>
        /// Whether locks are validated. Starts true unless the <see cref="DisableSwitchName"/> switch is
        /// set. Disabled, a checked lock costs a flag test over the lock it wraps. Change it only while
        /// no checked lock is held, typically at start-up. With the switch set, Lockdep is off for the
        /// whole process: this stays false whatever is assigned, and a checked lock costs nothing over
        /// the lock it wraps but reaching it.
        /// </summary>
        public static bool Enabled
        {
            get => LockdepSwitch.Enabled;
            set => LockdepSwitch.Set(value);
        }

        /// <summary>Whether a violation throws (<see cref="LockdepMode.Throw"/>, the default) or is only reported.</summary>
        public static LockdepMode Mode
        {
            get => s_mode;
            set => s_mode = value;
        }

        /// <summary>
        /// Whether the stacks captured for new dependencies carry file names and line numbers. Off by
        /// default: reading symbols makes the first acquisition along each new path much slower. The
        /// stack of a violation itself always carries them.
        /// </summary>
        public static bool CaptureSourceLocations { get; set; }

        /// <summary>Checks that the current thread holds <paramref name="lockObject"/>; otherwise LOCK101.</summary>
        /// <param name="lockObject">The lock.</param>
        [AssertsHeld(On = "lockObject")]
        public static void AssertHeld(CheckedLock lockObject)
        {
            if (LockdepSwitch.Enabled && !lockObject.IsHeldByCurrentThread)
            {
                Validator.FailedAssertion(
                    "LOCK101", lockObject.Class, $"\"{lockObject.ClassName}\" must be held here, but this thread does not hold it.");
            }
        }

        /// <summary>Checks that the current thread holds <paramref name="lockObject"/> in any mode; otherwise LOCK101.</summary>
        /// <param name="lockObject">The lock.</param>
        [AssertsHeld(On = "lockObject", Shared = true)]
        public static void AssertHeld(CheckedReaderWriterLock lockObject) => AssertHeld(lockObject, exclusive: false);

        /// <summary>
        /// Checks that the current thread holds <paramref name="lockObject"/>: for write when
        /// <paramref name="exclusive"/> is true, in any mode otherwise; else LOCK101. The analyzer can only
        /// count this as a shared hold; use <see cref="AssertWriteHeld"/> where it must know it is exclusive.
        /// </summary>
        /// <param name="lockObject">The lock.</param>
        /// <param name="exclusive">True to require the write lock.</param>
        [AssertsHeld(On = "lockObject", Shared = true)]
        public static void AssertHeld(CheckedReaderWriterLock lockObject, bool exclusive)
        {
            if (!LockdepSwitch.Enabled)
            {
                return;
            }

            if (exclusive ? !lockObject.IsWriteLockHeld : !lockObject.IsHeldByCurrentThread)
            {
                var wanted = exclusive ? "held for write" : "held";
                var actual = lockObject.IsHeldByCurrentThread ? "holds it only for read" : "does not hold it";
                Validator.FailedAssertion(
                    "LOCK101", lockObject.Class, $"\"{lockObject.ClassName}\" must be {wanted} here, but this thread {actual}.");
            }
        }

        /// <summary>Checks that the current thread holds <paramref name="lockObject"/> for write; otherwise LOCK101.</summary>
        /// <param name="lockObject">The lock.</param>
        [AssertsHeld(On = "lockObject")]
        public static void AssertWriteHeld(CheckedReaderWriterLock lockObject) => AssertHeld(lockObject, exclusive: true);

        /// <summary>Checks that the current async flow holds <paramref name="lockObject"/>; otherwise LOCK101.</summary>
        /// <param name="lockObject">The lock.</param>
        [AssertsHeld(On = "lockObject")]
        public static void AssertHeld(CheckedAsyncLock lockObject)
        {
            if (LockdepSwitch.Enabled && !lockObject.IsHeldByCurrentFlow)
            {
                Validator.FailedAssertion(
                    "LOCK101", lockObject.Class, $"\"{lockObject.ClassName}\" must be held here, but this async flow does not hold it.");
            }
        }

        /// <summary>Checks that the current thread does not hold <paramref name="lockObject"/>; otherwise LOCK003.</summary>
        /// <param name="lockObject">The lock.</param>
        public static void AssertNotHeld(CheckedLock lockObject)
        {
            if (LockdepSwitch.Enabled && lockObject.IsHeldByCurrentThread)
            {
                Validator.FailedAssertion(
                    "LOCK003", lockObject.Class, $"\"{lockObject.ClassName}\" must not be held here (the code takes it itself), but this thread holds it.");
            }
        }

        /// <summary>Checks that the current thread does not hold <paramref name="lockObject"/> in any mode; otherwise LOCK003.</summary>
        /// <param name="lockObject">The lock.</param>
        public static void AssertNotHeld(CheckedReaderWriterLock lockObject)
        {
            if (LockdepSwitch.Enabled && lockObject.IsHeldByCurrentThread)
            {
                Validator.FailedAssertion(
                    "LOCK003", lockObject.Class, $"\"{lockObject.ClassName}\" must not be held here (the code takes it itself), but this thread holds it.");
            }
        }

        /// <summary>Checks that the current async flow does not hold <paramref name="lockObject"/>; otherwise LOCK003.</summary>
        /// <param name="lockObject">The lock.</param>
        public static void AssertNotHeld(CheckedAsyncLock lockObject)
        {
            if (LockdepSwitch.Enabled && lockObject.IsHeldByCurrentFlow)
            {
                Validator.FailedAssertion(
                    "LOCK003", lockObject.Class, $"\"{lockObject.ClassName}\" must not be held here (the code takes it itself), but this async flow holds it.");
            }
        }

        /// <summary>
        /// Checks that the current thread and async flow hold no checked lock (before a blocking call,
        /// a callback into unknown code, or the end of a request); otherwise LOCK003.
        /// </summary>
        public static void AssertNoLocksHeld()
        {
            if (!LockdepSwitch.Enabled)
            {
                return;
            }

            var held = HeldByCurrent();
            if (held.Count > 0)
            {
                Validator.LocksHeld(held);
            }
        }

        /// <summary>The classes of the checked locks the current thread and async flow hold, outermost first.</summary>
        /// <returns>Class names; a nesting level shows as <c>"Class/n"</c>.</returns>
        public static IReadOnlyList<string> HeldByCurrent()
        {
            var names = new List<string>();
            var flow = new List<string>();
            for (var node = FlowStack.LiveHead(); node is not null; node = node.Next)
            {
                if (!node.IsReleased)
                {
                    flow.Add(LockClass.ById(node.ClassId).Name);
                }
            }

            flow.Reverse();
            names.AddRange(flow);
            var state = ThreadLockState.CurrentOrNull;
            for (var i = 0; i < (state?.Count ?? 0); i++)
            {
                names.Add(LockClass.ById(state!.Held[i].ClassId).Name);
            }

            return names;
        }

        /// <summary>Every dependency observed since the last <see cref="Reset"/>, in the order first seen.</summary>
        /// <returns>A snapshot.</returns>
        public static IReadOnlyList<LockDependency> GetDependencies() => DependencyGraph.Snapshot();

        /// <summary>
        /// The observed lock-order graph: one node per lock class, one arrow per "requested while
        /// holding" pair, labelled with the modes when they are not both exclusive; arrows that closed a
        /// cycle (LOCK001) or nested one class unordered (LOCK004) are marked. Deterministic: nodes and
        /// arrows are sorted by name.
        /// </summary>
        /// <param name="format">DOT (Graphviz) or Mermaid.</param>
        /// <returns>The graph as text.</returns>
        public static string ExportGraph(LockGraphFormat format = LockGraphFormat.Dot)
        {
            var arrows = new SortedDictionary<(string From, string To), Arrow>(Comparer<(string From, string To)>.Create(
                (a, b) =>
                {
                    var byFrom = string.CompareOrdinal(a.From, b.From);
                    return byFrom != 0 ? byFrom : string.CompareOrdinal(a.To, b.To);
                }));
            foreach (var dependency in GetDependencies())
            {
                if (!arrows.TryGetValue((dependency.From, dependency.To), out var arrow))
                {
                    arrow = new Arrow();
                    arrows.Add((dependency.From, dependency.To), arrow);
                }

                if (dependency.FromMode != LockMode.Exclusive || dependency.ToMode != LockMode.Exclusive)
                {
                    arrow.Modes.Add($"{ModeName(dependency.FromMode)}->{ModeName(dependency.ToMode)}");
                }
                else
                {
                    arrow.Modes.Add("W->W");
                }

                arrow.ViolationId ??= dependency.ViolationId;
            }

            var nodes = arrows.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
            return format == LockGraphFormat.Mermaid ? Mermaid(nodes, arrows) : Dot(nodes, arrows);
        }

        /// <summary>
        /// Writes every dependency observed since the last <see cref="Reset"/> to <paramref name="path"/>
        /// as JSON, with the lock-class names the analyzer uses and the stack where each was first seen,
        /// for <c>lockcontracts compare-runtime --observed</c>, which checks them against the static graph.
        /// </summary>
        /// <param name="path">The file to write (replaced if it exists).</param>
        public static void ExportObservedOrder(string path) => ObservedOrderExport.Write(path, GetDependencies());

        /// <summary>
        /// Forgets every observed dependency and every report made, so each test starts from an empty
        /// graph. Lock objects, their classes, and the locks threads hold now are kept. Call it while no
        /// other thread is taking checked locks.
        /// </summary>
        public static void Reset() => DependencyGraph.Reset();

        /// <summary>
        /// Starts collecting every violation found on any thread until the returned collector is
        /// disposed, for a test: while a collector is open, violations do not throw where they are
        /// found (a re-entry that would hang for certain still does), and
        /// <see cref="ViolationCollector.AssertNone"/> fails the test at its end with all of them.
        /// Collectors may be nested or overlap; each gets every violation found while it is open.
        /// The <see cref="ViolationDetected"/> event is raised as usual.
        /// </summary>
        /// <returns>The collector; dispose it at the end of the test.</returns>
        /// <example>
        /// <code>
        /// using var violations = Lockdep.CollectViolations();
        /// RunTheWorkloadOnManyThreads();
        /// violations.AssertNone();
        /// </code>
        /// </example>
        public static ViolationCollector CollectViolations()
        {
            var collector = new ViolationCollector();
            lock (s_collectorsSync)
            {
                var grown = new ViolationCollector[s_collectors.Length + 1];
                s_collectors.CopyTo(grown, 0);
                grown[s_collectors.Length] = collector;
                Volatile.Write(ref s_collectors, grown);
            }

            return collector;
        }

        /// <summary>Whether a violation throws where it is found: Throw mode, and no collector open.</summary>
        internal static bool ThrowsOnViolation =>
            s_mode == LockdepMode.Throw && Volatile.Read(ref s_collectors).Length == 0;

        internal static void StopCollecting(ViolationCollector collector)
        {
            lock (s_collectorsSync)
            {
                var index = Array.IndexOf(s_collectors, collector);
                if (index < 0)
                {
                    return;
                }

                var shrunk = new ViolationCollector[s_collectors.Length - 1];
                Array.Copy(s_collectors, 0, shrunk, 0, index);
                Array.Copy(s_collectors, index + 1, shrunk, index, s_collectors.Length - index - 1);
                Volatile.Write(ref s_collectors, shrunk);
            }
        }

        internal static void Raise(LockViolation violation)
        {
            foreach (var collector in Volatile.Read(ref s_collectors))
            {
                collector.Add(violation);
            }

            ViolationDetected?.Invoke(null, violation);
        }

        private static string ModeName(LockMode mode) => mode switch
        {
            LockMode.Shared => "R",
            LockMode.Upgradeable => "U",
            _ => "W",
        };

        private static string Label(Arrow arrow)
        {
            var parts = new List<string>();
            if (arrow.ViolationId is not null)
            {
                parts.Add(arrow.ViolationId);
            }

            if (!(arrow.Modes.Count == 1 && arrow.Modes.Contains("W->W")))
            {
                parts.Add(string.Join(",", arrow.Modes));
            }

            return string.Join(" ", parts);
        }

        private static string Dot(List<string> nodes, SortedDictionary<(string From, string To), Arrow> arrows)
        {
            var text = new StringBuilder();
            text.Append("digraph lockdep {\n");
            text.Append("  rankdir=LR;\n");
            text.Append("  node [shape=box];\n");
            foreach (var node in nodes)
            {
                text.Append("  ").Append(DotId(node)).Append(";\n");
            }

            foreach (var pair in arrows)
            {
                text.Append("  ").Append(DotId(pair.Key.From)).Append(" -> ").Append(DotId(pair.Key.To));
                var attributes = new List<string>();
                var label = Label(pair.Value);
                if (label.Length > 0)
                {
                    attributes.Add("label=" + DotId(label));
                }

                if (pair.Value.ViolationId is not null)
                {
                    attributes.Add("color=red");
                }

                if (attributes.Count > 0)
                {
                    text.Append(" [").Append(string.Join(", ", attributes)).Append(']');
                }

                text.Append(";\n");
            }

            text.Append("}\n");
            return text.ToString();
        }

        private static string Mermaid(List<string> nodes, SortedDictionary<(string From, string To), Arrow> arrows)
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            var text = new StringBuilder();
            text.Append("flowchart LR\n");
            for (var i = 0; i < nodes.Count; i++)
            {
                var id = "n" + i.ToString(CultureInfo.InvariantCulture);
                ids.Add(nodes[i], id);
                text.Append("  ").Append(id).Append("[\"").Append(MermaidText(nodes[i])).Append("\"]\n");
            }

            var violating = new List<int>();
            var index = 0;
            foreach (var pair in arrows)
            {
                var label = Label(pair.Value);
                text.Append("  ").Append(ids[pair.Key.From]);
                text.Append(label.Length > 0 ? " -->|\"" + MermaidText(label) + "\"| " : " --> ");
                text.Append(ids[pair.Key.To]).Append('\n');
                if (pair.Value.ViolationId is not null)
                {
                    violating.Add(index);
                }

                index++;
            }

            foreach (var link in violating)
            {
                text.Append("  linkStyle ").Append(link.ToString(CultureInfo.InvariantCulture)).Append(" stroke:red\n");
            }

            return text.ToString();
        }

        private static string DotId(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string MermaidText(string text) => text.Replace("\"", "#quot;");

        private sealed class Arrow
        {
            public SortedSet<string> Modes { get; } = new(StringComparer.Ordinal);

            public string? ViolationId { get; set; }
        }
    }
}
