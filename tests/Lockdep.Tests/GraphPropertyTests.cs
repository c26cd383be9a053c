using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class GraphPropertyTests : LockdepTestBase
    {
        [Fact]
        public void RandomOrdersFromManyThreadsKeepTheGraphSound()
        {
            Lockdep.Mode = LockdepMode.Report;
            var names = Enumerable.Range(0, 7).Select(i => "Random.C" + i).ToArray();
            var workers = Enumerable.Range(0, 8).Select(t => StartThread("random" + t, () =>
            {
                // Each thread's own instances: any order is safe to run, and the classes still collide.
                var locks = names.Select(n => new CheckedLock(n)).ToArray();
                var random = new Random(1000 + t);
                for (var i = 0; i < 300; i++)
                {
                    var chain = locks.OrderBy(_ => random.Next()).Take(random.Next(2, 4)).ToArray();
                    foreach (var l in chain)
                    {
                        l.Enter();
                    }

                    foreach (var l in Enumerable.Reverse(chain))
                    {
                        l.Exit();
                    }
                }
            })).ToList();
            JoinAll(workers);

            var dependencies = Lockdep.GetDependencies();
            var accepted = dependencies.Where(d => d.ViolationId is null).Select(d => (d.From, d.To)).ToList();
            var closing = dependencies.Where(d => d.ViolationId == "LOCK001").ToList();

            // The edges kept in the graph have no cycle: every cycle was caught when it closed.
            Assert.True(IsAcyclic(names, accepted), "the accepted dependencies contain a cycle");

            // Every edge reported as closing a cycle really does close one over the accepted edges.
            Assert.NotEmpty(closing);
            foreach (var edge in closing)
            {
                Assert.True(Reaches(accepted, edge.To, edge.From), $"{edge} was reported but closes no cycle");
            }

            // Each report is a real cycle of observed dependencies, and no cycle is reported twice.
            var reports = Violations.Where(v => v.Id == "LOCK001").ToList();
            Assert.NotEmpty(reports);
            var all = dependencies.Select(d => (d.From, d.To)).ToHashSet();
            foreach (var report in reports)
            {
                for (var i = 0; i < report.Classes.Count; i++)
                {
                    Assert.Contains((report.Classes[i], report.Classes[(i + 1) % report.Classes.Count]), all);
                }
            }

            var canonical = reports.Select(r => Canonical(r.Classes)).ToList();
            Assert.Equal(canonical.Count, canonical.Distinct().Count());
            Assert.DoesNotContain(Violations, v => v.Id != "LOCK001");
        }

        private static bool IsAcyclic(IReadOnlyList<string> nodes, List<(string From, string To)> edges)
        {
            var indegree = nodes.ToDictionary(n => n, _ => 0);
            foreach (var (_, to) in edges)
            {
                indegree[to]++;
            }

            var ready = new Queue<string>(indegree.Where(p => p.Value == 0).Select(p => p.Key));
            var seen = 0;
            while (ready.Count > 0)
            {
                var node = ready.Dequeue();
                seen++;
                foreach (var (from, to) in edges)
                {
                    if (from == node && --indegree[to] == 0)
                    {
                        ready.Enqueue(to);
                    }
                }
            }

            return seen == nodes.Count;
        }

        private static bool Reaches(List<(string From, string To)> edges, string start, string goal)
        {
            var seen = new HashSet<string> { start };
            var pending = new Stack<string>();
            pending.Push(start);
            while (pending.Count > 0)
            {
                var node = pending.Pop();
                if (node == goal)
                {
                    return true;
                }

                foreach (var (from, to) in edges)
                {
                    if (from == node && seen.Add(to))
                    {
                        pending.Push(to);
                    }
                }
            }

            return false;
        }

        private static string Canonical(IReadOnlyList<string> cycle) =>
            Enumerable.Range(0, cycle.Count)
                .Select(start => string.Join("|", Enumerable.Range(0, cycle.Count).Select(i => cycle[(start + i) % cycle.Count])))
                .OrderBy(s => s, StringComparer.Ordinal)
                .First();
    }
}
