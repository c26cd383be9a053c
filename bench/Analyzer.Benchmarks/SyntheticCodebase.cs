using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace LockContracts.Analyzer.Benchmarks
{
    /// <summary>
    /// A seeded, synthetic C# program shaped like ordinary service code: most classes and methods
    /// never lock; the ones that do nest their own locks in one order, call into "lower" classes
    /// while holding a lock (order edges that follow one global order), call a module interface
    /// under a lock (virtual dispatch to every implementation), and use [RequiresHeld] helpers.
    /// A handful of planted defects (two-class cycles, helpers called without their lock) prove
    /// the analyzer really ran over it.
    /// </summary>
    public sealed class SyntheticCodebase
    {
        /// <summary>Classes of one module share a namespace, an interface and a [LockOrder]; calls go to the next few dozen classes, as layers do.</summary>
        private const int ClassesPerModule = 20;
        private const int PeerWindow = 40;
        private const int PeersPerClass = 3;
        private const int TargetLinesPerFile = 200;

        private SyntheticCodebase(ImmutableArray<(string Path, string Text)> files, int lines, ClassSpec[] classes, int methods, int lockingMethods)
        {
            Files = files;
            Lines = lines;
            Classes = classes.Length;
            LockingClasses = classes.Count(c => c.HasLocks);
            Methods = methods;
            LockingMethods = lockingMethods;
            PlantedCycles = classes.Count(c => c.Back is not null);
            PlantedUnheldCalls = classes.Count(c => c.CallsHelperUnheld);
        }

        public ImmutableArray<(string Path, string Text)> Files { get; }

        /// <summary>Physical lines over all files, blank lines included, as <c>wc -l</c> counts them.</summary>
        public int Lines { get; }

        public int Classes { get; }

        public int LockingClasses { get; }

        public int Methods { get; }

        /// <summary>Methods whose body takes, or is declared to need, a lock.</summary>
        public int LockingMethods { get; }

        public int PlantedCycles { get; }

        public int PlantedUnheldCalls { get; }

        /// <param name="targetLines">About how many lines to produce; the result is within a few percent.</param>
        /// <param name="lockingClassShare">Share of classes that own locks; the rest never lock.</param>
        public static SyntheticCodebase Generate(int targetLines, int seed = 20261122, double lockingClassShare = 0.4)
        {
            // The size of a class depends on the random draws, so size a first attempt and rescale once.
            var classCount = Math.Max(ClassesPerModule, targetLines / 120);
            var attempt = Build(classCount, seed, lockingClassShare);
            classCount = Math.Max(ClassesPerModule, (int)Math.Round(classCount * (double)targetLines / attempt.Lines));
            return Build(classCount, seed, lockingClassShare);
        }

        private static SyntheticCodebase Build(int classCount, int seed, double lockingClassShare)
        {
            var random = new Random(seed);
            var classes = new ClassSpec[classCount];
            for (var i = 0; i < classCount; i++)
            {
                var hasLocks = random.NextDouble() < lockingClassShare;
                classes[i] = new ClassSpec(i)
                {
                    HasLocks = hasLocks,
                    HasReaderWriter = hasLocks && random.NextDouble() < 0.5,
                    HasSemaphore = hasLocks && random.NextDouble() < 0.35,
                    HasState = hasLocks && random.NextDouble() < 0.4,
                };
            }

            foreach (var spec in classes)
            {
                var last = Math.Min(classCount - 1, spec.Index + PeerWindow);
                var candidates = Enumerable.Range(spec.Index + 1, Math.Max(0, last - spec.Index)).ToList();
                for (var k = 0; k < PeersPerClass && candidates.Count > 0; k++)
                {
                    var pick = random.Next(candidates.Count);
                    spec.Peers.Add(candidates[pick]);
                    candidates.RemoveAt(pick);
                }

                spec.LockingPeer = spec.Peers.Where(p => classes[p].HasLocks).Cast<int?>().FirstOrDefault();
                spec.Seed = random.Next();
            }

            // A handful of defects, so that the diagnostics show the analyzer ran: a forward edge whose
            // target also takes its lock and then calls back, and a [RequiresHeld] helper called bare.
            var lines = classCount * 120;
            var cycles = 1 + lines / 25_000;
            var unheld = 1 + lines / 50_000;
            var lockingWithPeer = classes.Where(c => c.HasLocks && c.LockingPeer is not null).ToList();
            for (var planted = 0; planted < cycles && lockingWithPeer.Count > 0; planted++)
            {
                var from = lockingWithPeer[random.Next(lockingWithPeer.Count)];
                var to = classes[from.LockingPeer!.Value];
                if (from.Forward is null && from.Back is null && to.Back is null && to.Forward is null)
                {
                    from.Forward = to.Index;
                    to.Back = from.Index;
                }
            }

            var withState = classes.Where(c => c.HasState).ToList();
            for (var planted = 0; planted < unheld && withState.Count > 0; planted++)
            {
                withState[random.Next(withState.Count)].CallsHelperUnheld = true;
            }

            var files = ImmutableArray.CreateBuilder<(string, string)>();
            var totalLines = 0;
            var methods = 0;
            var lockingMethods = 0;
            var file = new CodeWriter();
            var fileIndex = 0;
            var fileModule = -1;

            void Flush()
            {
                if (file.Lines == 0)
                {
                    return;
                }

                file.Line("}");
                files.Add(($"M{fileModule}/File{fileIndex}.cs", file.ToString()));
                totalLines += file.Lines;
                fileIndex++;
                file = new CodeWriter();
            }

            foreach (var spec in classes)
            {
                var module = spec.Index / ClassesPerModule;
                if (module != fileModule || file.Lines >= TargetLinesPerFile)
                {
                    Flush();
                    fileModule = module;
                    WriteFileHeader(file, module);
                    if (spec.Index % ClassesPerModule == 0)
                    {
                        WriteModuleDeclarations(file, classes, module);
                    }
                }

                var (classMethods, classLocking) = WriteClass(file, spec, classes);
                methods += classMethods;
                lockingMethods += classLocking;
            }

            Flush();
            return new SyntheticCodebase(files.ToImmutable(), totalLines, classes, methods, lockingMethods);
        }

        private static void WriteFileHeader(CodeWriter w, int module)
        {
            w.Line("using System;");
            w.Line("using System.Collections.Generic;");
            w.Line("using System.Globalization;");
            w.Line("using System.Linq;");
            w.Line("using System.Text;");
            w.Line("using System.Threading;");
            w.Line("using LockContracts;");
            w.Line();
        }

        private static void WriteModuleDeclarations(CodeWriter w, ClassSpec[] classes, int module)
        {
            var states = classes.Skip(module * ClassesPerModule).Take(ClassesPerModule).Where(c => c.HasState).ToList();
            if (states.Count >= 2)
            {
                w.Line("[assembly: LockOrder(" + string.Join(", ", states.Select(c => $"\"C{c.Index}.State\"")) + ")]");
                w.Line();
            }

            w.Line($"namespace Synth.M{module}");
            w.Line("{");
            w.InNamespace = true;
            w.Line($"    public interface IHandler{module}");
            w.Line("    {");
            w.Line("        int Handle(int value);");
            w.Line("    }");
            w.Line();
        }

        private static string TypeName(int index) => $"global::Synth.M{index / ClassesPerModule}.C{index}";

        private static (int Methods, int Locking) WriteClass(CodeWriter w, ClassSpec c, ClassSpec[] classes)
        {
            if (w.Lines > 0 && !w.InNamespace)
            {
                w.Line($"namespace Synth.M{c.Index / ClassesPerModule}");
                w.Line("{");
            }

            w.InNamespace = true;
            var random = new Random(c.Seed);
            var module = c.Index / ClassesPerModule;
            var methods = 0;
            var locking = 0;

            w.Line($"    public sealed class C{c.Index} : IHandler{module}");
            w.Line("    {");
            if (c.HasState)
            {
                w.Line($"        [Lock(\"C{c.Index}.State\")]");
                w.Line("        private readonly object _state = new();");
            }

            if (c.HasLocks)
            {
                w.Line("        private readonly object _gate = new();");
            }

            if (c.HasReaderWriter)
            {
                w.Line("        private readonly ReaderWriterLockSlim _rw = new();");
            }

            if (c.HasSemaphore)
            {
                w.Line("        private readonly SemaphoreSlim _sem = new(1, 1);");
            }

            w.Line("        private readonly Dictionary<int, string> _cache = new();");
            w.Line("        private readonly List<int> _items = new();");
            w.Line($"        private readonly IHandler{module} _handler;");
            for (var p = 0; p < c.Peers.Count; p++)
            {
                w.Line($"        private readonly {TypeName(c.Peers[p])} _p{p};");
            }

            if (c.Back is { } back)
            {
                w.Line($"        private readonly {TypeName(back)} _back;");
            }

            w.Line("        private int _count;");
            if (c.HasLocks)
            {
                w.Line("        private long _total;");
            }

            w.Line();

            var parameters = c.Peers.Select((p, k) => $"{TypeName(p)} p{k}").Prepend($"IHandler{module} handler");
            if (c.Back is { } b)
            {
                parameters = parameters.Append($"{TypeName(b)} back");
            }

            w.Line($"        public C{c.Index}({string.Join(", ", parameters)})");
            w.Line("        {");
            w.Line("            _handler = handler;");
            for (var p = 0; p < c.Peers.Count; p++)
            {
                w.Line($"            _p{p} = p{p};");
            }

            if (c.Back is not null)
            {
                w.Line("            _back = back;");
            }

            w.Line("        }");
            w.Line();
            w.Line("        public int Count => _count;");
            w.Line();
            w.Line("        public void Reset(int start) => _count = start;");
            w.Line();

            // Plain methods: arithmetic, strings, collections; some call the same method on a peer.
            for (var k = 0; k < 3; k++)
            {
                w.Line($"        public int Compute{k}(int x)");
                w.Line("        {");
                w.Line("            var acc = x;");
                w.Line($"            for (var i = 0; i < {8 + random.Next(24)}; i++)");
                w.Line("            {");
                w.Line($"                acc = unchecked(acc * {random.Next(3, 97)} + i) ^ (acc >> {random.Next(1, 7)});");
                w.Line($"                if ((acc & {random.Next(3, 15)}) == 0)");
                w.Line("                {");
                w.Line("                    acc += _count;");
                w.Line("                }");
                w.Line("            }");
                w.Line();
                var calls = new List<string>();
                if (c.Peers.Count > 0 && random.NextDouble() < 0.6)
                {
                    calls.Add($"_p{random.Next(c.Peers.Count)}.Compute{random.Next(3)}(acc)");
                }

                if (c.Peers.Count > 0 && random.NextDouble() < 0.25)
                {
                    calls.Add($"_p{random.Next(c.Peers.Count)}.Classify(acc)");
                }

                w.Line("            return acc" + string.Concat(calls.Select(s => " + " + s)) + ";");
                w.Line("        }");
                w.Line();
                methods++;
            }

            w.Line("        public string Describe(string name, int n)");
            w.Line("        {");
            w.Line("            var builder = new StringBuilder();");
            w.Line("            builder.Append(name).Append(':').Append(n.ToString(CultureInfo.InvariantCulture));");
            w.Line($"            foreach (var item in _items.Take({2 + random.Next(6)}))");
            w.Line("            {");
            w.Line("                builder.Append(',').Append(item.ToString(CultureInfo.InvariantCulture));");
            w.Line("            }");
            w.Line();
            w.Line(c.Peers.Count > 0 && random.NextDouble() < 0.5
                ? $"            return builder.Append('/').Append(_p{random.Next(c.Peers.Count)}.Compute0(n)).ToString().ToUpperInvariant();"
                : "            return builder.ToString().ToUpperInvariant();");
            w.Line("        }");
            w.Line();
            w.Line("        public List<int> Select(IEnumerable<int> values, int threshold)");
            w.Line("        {");
            w.Line($"            return values.Where(v => v > threshold).Select(v => v * {random.Next(2, 9)} + _count).OrderBy(v => v).ToList();");
            w.Line("        }");
            w.Line();
            w.Line("        public bool TryLookup(int key, out string value)");
            w.Line("        {");
            w.Line("            if (_cache.TryGetValue(key, out var found))");
            w.Line("            {");
            w.Line("                value = found;");
            w.Line("                return true;");
            w.Line("            }");
            w.Line();
            w.Line("            value = string.Empty;");
            w.Line("            return false;");
            w.Line("        }");
            w.Line();
            w.Line("        public int Classify(int value) => value switch");
            w.Line("        {");
            w.Line($"            < 0 => -{random.Next(1, 9)},");
            w.Line($"            0 => {random.Next(10)},");
            w.Line($"            < {random.Next(50, 500)} => value / {random.Next(2, 7)},");
            w.Line("            _ => value % 97,");
            w.Line("        };");
            w.Line();
            w.Line("        public int Handle(int value)");
            w.Line("        {");
            w.Line("            var key = Classify(value);");
            w.Line("            return TryLookup(key, out var text) ? text.Length : Compute0(key);");
            w.Line("        }");
            w.Line();
            methods += 6;

            if (!c.HasLocks)
            {
                w.Line("    }");
                w.Line();
                return (methods, locking);
            }

            w.Line("        public void Touch()");
            w.Line("        {");
            w.Line("            lock (_gate)");
            w.Line("            {");
            w.Line("                _count++;");
            w.Line("                _total += _count;");
            w.Line("            }");
            w.Line("        }");
            w.Line();
            methods++;
            locking++;

            // Holding our lock while calling down: an order edge this class -> the peer, in the global order.
            w.Line("        public void Propagate(int v)");
            w.Line("        {");
            w.Line("            lock (_gate)");
            w.Line("            {");
            w.Line("                _total += v;");
            if (c.LockingPeer is { } lockingPeer)
            {
                w.Line($"                _p{c.Peers.IndexOf(lockingPeer)}.Touch();");
            }

            if (c.Peers.Count > 0)
            {
                w.Line($"                _count += _p{random.Next(c.Peers.Count)}.Compute{random.Next(3)}(v);");
            }

            w.Line("            }");
            w.Line("        }");
            w.Line();
            methods++;
            locking++;

            if (c.LockingPeer is { } cascadePeer && random.NextDouble() < 0.5)
            {
                w.Line("        public void Cascade(int v)");
                w.Line("        {");
                w.Line("            lock (_gate)");
                w.Line("            {");
                w.Line($"                _p{c.Peers.IndexOf(cascadePeer)}.Propagate(v + _count);");
                w.Line("            }");
                w.Line("        }");
                w.Line();
                methods++;
                locking++;
            }

            w.Line("        public void Store(int key, string value)");
            w.Line("        {");
            w.Line("            lock (_gate)");
            w.Line("            {");
            if (c.HasReaderWriter)
            {
                w.Line("                _rw.EnterWriteLock();");
                w.Line("                try");
                w.Line("                {");
                w.Line("                    _cache[key] = value;");
                w.Line("                    _count++;");
                w.Line("                }");
                w.Line("                finally");
                w.Line("                {");
                w.Line("                    _rw.ExitWriteLock();");
                w.Line("                }");
            }
            else
            {
                w.Line("                _cache[key] = value;");
                w.Line("                _count++;");
            }

            w.Line("            }");
            w.Line("        }");
            w.Line();
            methods++;
            locking++;

            w.Line("        public int Snapshot()");
            w.Line("        {");
            if (c.HasReaderWriter)
            {
                w.Line("            _rw.EnterReadLock();");
                w.Line("            try");
                w.Line("            {");
                w.Line("                return _cache.Count + _count;");
                w.Line("            }");
                w.Line("            finally");
                w.Line("            {");
                w.Line("                _rw.ExitReadLock();");
                w.Line("            }");
            }
            else
            {
                w.Line("            lock (_gate)");
                w.Line("            {");
                w.Line("                return _cache.Count + _count;");
                w.Line("            }");
            }

            w.Line("        }");
            w.Line();
            methods++;
            locking++;

            if (c.HasSemaphore)
            {
                w.Line("        public int Drain()");
                w.Line("        {");
                w.Line("            _sem.Wait();");
                w.Line("            try");
                w.Line("            {");
                w.Line("                var drained = _items.Count;");
                w.Line("                _items.Clear();");
                w.Line("                return drained;");
                w.Line("            }");
                w.Line("            finally");
                w.Line("            {");
                w.Line("                _sem.Release();");
                w.Line("            }");
                w.Line("        }");
                w.Line();
                methods++;
                locking++;
            }

            // A call through the module's interface under the lock: every implementation is a possible target.
            w.Line("        public void Notify(int v)");
            w.Line("        {");
            w.Line("            lock (_gate)");
            w.Line("            {");
            w.Line("                _count += _handler.Handle(v);");
            w.Line("            }");
            w.Line("        }");
            w.Line();
            methods++;
            locking++;

            if (c.HasState)
            {
                w.Line($"        [RequiresHeld(\"C{c.Index}.State\")]");
                w.Line("        private void ApplyLocked(int delta)");
                w.Line("        {");
                w.Line("            _total += delta;");
                w.Line("            _items.Add(delta);");
                w.Line("        }");
                w.Line();
                w.Line("        public void Apply(int delta)");
                w.Line("        {");
                w.Line("            lock (_state)");
                w.Line("            {");
                w.Line("                ApplyLocked(delta);");
                w.Line("                ApplyLocked(-delta / 2);");
                w.Line("            }");
                w.Line("        }");
                w.Line();
                methods += 2;
                locking += 2;
                if (c.CallsHelperUnheld)
                {
                    w.Line("        public void ApplyUnlocked(int delta) => ApplyLocked(delta);");
                    w.Line();
                    methods++;
                    locking++;
                }
            }

            if (c.Forward is { } forward)
            {
                w.Line("        public void Forward()");
                w.Line("        {");
                w.Line("            lock (_gate)");
                w.Line("            {");
                w.Line($"                _p{c.Peers.IndexOf(forward)}.Touch();");
                w.Line("            }");
                w.Line("        }");
                w.Line();
                methods++;
                locking++;
            }

            if (c.Back is not null)
            {
                w.Line("        public void Backfill()");
                w.Line("        {");
                w.Line("            lock (_gate)");
                w.Line("            {");
                w.Line("                _back.Touch();");
                w.Line("            }");
                w.Line("        }");
                w.Line();
                methods++;
                locking++;
            }

            w.Line("    }");
            w.Line();
            return (methods, locking);
        }

        private sealed class ClassSpec
        {
            public ClassSpec(int index) => Index = index;

            public int Index { get; }

            public bool HasLocks { get; init; }

            public bool HasReaderWriter { get; init; }

            public bool HasSemaphore { get; init; }

            public bool HasState { get; init; }

            public List<int> Peers { get; } = new();

            public int? LockingPeer { get; set; }

            public int Seed { get; set; }

            public int? Forward { get; set; }

            public int? Back { get; set; }

            public bool CallsHelperUnheld { get; set; }
        }

        private sealed class CodeWriter
        {
            private readonly StringBuilder _text = new();

            public int Lines { get; private set; }

            public bool InNamespace { get; set; }

            public void Line(string text = "")
            {
                _text.Append(text).Append('\n');
                Lines++;
            }

            public override string ToString() => _text.ToString();
        }
    }
}
