using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockContracts.CodeFixes
{
    internal static class ImportsEdit
    {
        /// <summary>
        /// A statement ready to insert into <paramref name="block"/>: on its own line in a block laid out
        /// over lines, inline in a one-line block such as <c>lock (x) { Work(); }</c>.
        /// </summary>
        public static StatementSyntax Inserted(StatementSyntax statement, SyntaxNode? block)
        {
            var oneLine = block is BlockSyntax b
                && b.OpenBraceToken.GetLocation().GetLineSpan().StartLinePosition.Line == b.CloseBraceToken.GetLocation().GetLineSpan().StartLinePosition.Line;
            return statement.WithoutTrivia()
                .WithLeadingTrivia(oneLine ? SyntaxFactory.Space : SyntaxFactory.ElasticMarker)
                .WithTrailingTrivia(oneLine ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(NewLine(block)))
                .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
        }

        /// <summary>Adds <c>using <paramref name="ns"/>;</c> unless the file already imports it.</summary>
        public static SyntaxNode EnsureUsing(SyntaxNode root, string ns)
        {
            if (root is not CompilationUnitSyntax unit || unit.Usings.Any(u => u.Name?.ToString() == ns))
            {
                return root;
            }

            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).WithTrailingTrivia(NewLine(root));
            return unit.AddUsings(directive);
        }

        /// <summary>
        /// A line end like the document's own (the formatter keeps the text of a line end it is given, so a
        /// fixed CRLF would mix line ends in an LF file); CRLF when the document has no line end yet.
        /// </summary>
        private static SyntaxTrivia NewLine(SyntaxNode? node)
        {
            var root = node?.SyntaxTree.GetRoot() ?? node;
            var existing = root?.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ?? default;
            return existing.IsKind(SyntaxKind.EndOfLineTrivia)
                ? SyntaxFactory.ElasticEndOfLine(existing.ToString())
                : SyntaxFactory.ElasticCarriageReturnLineFeed;
        }
    }
}
