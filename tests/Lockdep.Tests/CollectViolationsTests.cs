using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class CollectViolationsTests : LockdepTestBase
    {
        [Fact]
        public void AViolationOnAWorkerThreadIsCollectedInsteadOfThrownThere()
        {
            var a = new CheckedLock("Collect.A");
            var b = new CheckedLock("Collect.B");
            Exception? workerError = null;
            LockViolationsException failure;
            using (var violations = Lockdep.CollectViolations())
            {
                JoinAll(new[] { StartThread("forward", () => TakeInOrder(a, b)) });
                JoinAll(new[]
                {
                    StartThread("inverted", () =>
                    {
                        try
                        {
                            TakeInOrder(b, a);
                        }
                        catch (Exception e)
                        {
                            workerError = e;
                        }
                    }),
                });

                Assert.Null(workerError);
                var violation = Assert.Single(violations.Violations);
                Assert.Equal("LOCK001", violation.Id);
                failure = Assert.Throws<LockViolationsException>(violations.AssertNone);
            }

            Assert.Single(failure.Violations);
            Assert.Contains("1 lock violation was found", failure.Message);
            Assert.Contains("Collect.B -> Collect.A", failure.Message);
            Assert.Single(Violations); // the event is still raised
            Assert.Equal(LockdepMode.Throw, Lockdep.Mode);
        }

        [Fact]
        public void ViolationsThrowAgainOnceTheCollectorIsDisposed()
        {
            var a = new CheckedLock("Collect.A");
            var b = new CheckedLock("Collect.B");
            var collector = Lockdep.CollectViolations();
            a.Enter();
            a.Enter(); // LOCK003, collected: in Throw mode it would have thrown here
            a.Exit();
            a.Exit();
            collector.Dispose();
            Assert.Equal("LOCK003", Assert.Single(collector.Violations).Id);

            TakeInOrder(a, b);
            b.Enter();
            Assert.Throws<LockOrderViolationException>(() => a.Enter());
            b.Exit();
            Assert.Single(collector.Violations);
            AssertNoneHeld();
        }

        [Fact]
        public void NestedCollectorsEachGetWhatIsFoundWhileTheyAreOpen()
        {
            var a = new CheckedLock("Collect.A");
            var b = new CheckedLock("Collect.B");
            var c = new CheckedLock("Collect.C");
            using var outer = Lockdep.CollectViolations();
            using (var inner = Lockdep.CollectViolations())
            {
                TakeInOrder(a, b);
                TakeInOrder(b, a);
                Assert.Single(inner.Violations);
            }

            TakeInOrder(a, c);
            TakeInOrder(c, a);
            Assert.Equal(2, outer.Violations.Count);
            outer.AssertNoneThrowsWith("Collect.C -> Collect.A");
        }

        [Fact]
        public void ACollectorWithNothingFoundPasses()
        {
            var a = new CheckedLock("Collect.A");
            var b = new CheckedLock("Collect.B");
            using var violations = Lockdep.CollectViolations();
            Parallel.For(0, 8, _ => TakeInOrder(a, b));
            violations.AssertNone();
            Assert.Empty(violations.Violations);
        }

        [Fact]
        public async Task ReTakingAnAsyncLockInItsOwnFlowStillThrowsWhileCollecting()
        {
            using var gate = new CheckedAsyncLock("Collect.Gate");
            using var violations = Lockdep.CollectViolations();
            await gate.EnterAsync();
            var error = await Assert.ThrowsAsync<LockOrderViolationException>(() => gate.EnterAsync().AsTask());
            gate.Exit();
            Assert.Equal("LOCK003", error.Id);
            Assert.Single(violations.Violations);
        }

        [Fact]
        public void TheExampleInTheDocsIsTheOneTheseTestsRun()
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "docs", "lockdep.md")))
            {
                root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("docs/lockdep.md not found above the test binaries");
            }

            var docs = File.ReadAllText(Path.Combine(root, "docs", "lockdep.md")).Replace("\r\n", "\n");
            var source = File.ReadAllText(Path.Combine(root, "tests", "Lockdep.Tests", "DocsExample.cs")).Replace("\r\n", "\n");
            const string begin = "// docs/lockdep.md begin\n";
            const string end = "// docs/lockdep.md end\n";
            var start = source.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
            var region = source.Substring(start, source.IndexOf(end, start, StringComparison.Ordinal) - start);
            var lines = region.Split('\n').Select(l => l.TrimEnd()).ToList();
            var indent = lines.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
            var example = string.Join("\n", lines.Select(l => l.Length >= indent ? l.Substring(indent) : l)).Trim();
            Assert.Contains("```csharp\n" + example + "\n```", docs, StringComparison.Ordinal);
        }
    }

    internal static class CollectorAssertions
    {
        public static void AssertNoneThrowsWith(this ViolationCollector collector, string text) =>
            Assert.Contains(text, Assert.Throws<LockViolationsException>(collector.AssertNone).Message);
    }
}
