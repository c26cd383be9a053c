using Xunit;

namespace LockContracts.Lockdep.Tests
{
    public sealed class GraphExportTests : LockdepTestBase
    {
        [Fact]
        public void DotExportOfAKnownProgram()
        {
            RunKnownProgram();

            const string expected = """
                digraph lockdep {
                  rankdir=LR;
                  node [shape=box];
                  "Graph.A";
                  "Graph.B";
                  "Graph.C";
                  "Graph.A" -> "Graph.B";
                  "Graph.A" -> "Graph.C" [label="W->R"];
                  "Graph.B" -> "Graph.C" [label="U->R,W->R"];
                  "Graph.C" -> "Graph.A" [label="LOCK001", color=red];
                }

                """;
            Assert.Equal(expected.ReplaceLineEndings("\n"), Lockdep.ExportGraph(LockGraphFormat.Dot));
        }

        [Fact]
        public void MermaidExportOfAKnownProgram()
        {
            RunKnownProgram();

            const string expected = """
                flowchart LR
                  n0["Graph.A"]
                  n1["Graph.B"]
                  n2["Graph.C"]
                  n0 --> n1
                  n0 -->|"W->R"| n2
                  n1 -->|"U->R,W->R"| n2
                  n2 -->|"LOCK001"| n0
                  linkStyle 3 stroke:red

                """;
            Assert.Equal(expected.ReplaceLineEndings("\n"), Lockdep.ExportGraph(LockGraphFormat.Mermaid));
        }

        [Fact]
        public void EmptyGraphExportsAnEmptyDiagram()
        {
            Assert.Equal("digraph lockdep {\n  rankdir=LR;\n  node [shape=box];\n}\n", Lockdep.ExportGraph());
            Assert.Equal("flowchart LR\n", Lockdep.ExportGraph(LockGraphFormat.Mermaid));
        }

        [Fact]
        public void NamesWithQuotesAreEscaped()
        {
            var a = new CheckedLock("Graph.\"Quoted\"");
            var b = new CheckedLock("Graph.Plain");
            TakeInOrder(a, b);

            Assert.Contains("\"Graph.\\\"Quoted\\\"\" -> \"Graph.Plain\";", Lockdep.ExportGraph());
            Assert.Contains("n0[\"Graph.#quot;Quoted#quot;\"]", Lockdep.ExportGraph(LockGraphFormat.Mermaid));
        }

        private static void RunKnownProgram()
        {
            Lockdep.Mode = LockdepMode.Report;
            var a = new CheckedLock("Graph.A");
            var b = new CheckedReaderWriterLock("Graph.B");
            var c = new CheckedReaderWriterLock("Graph.C");

            a.Enter();
            b.EnterWrite();
            b.ExitWrite();
            a.Exit();

            b.EnterWrite();
            c.EnterRead();
            c.ExitRead();
            b.ExitWrite();

            b.EnterUpgradeableRead();
            c.EnterRead();
            c.ExitRead();
            b.ExitUpgradeableRead();

            a.Enter();
            c.EnterRead();
            c.ExitRead();
            a.Exit();

            c.EnterWrite();
            a.Enter();
            a.Exit();
            c.ExitWrite();
        }
    }
}
