using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace LockContracts.CodeFixes
{
    /// <summary>
    /// LOCK103: copies the guard that used the stale value (<c>if (…) return …;</c>) into the critical
    /// section, right after the acquisition, so the decision is made again on a fresh read.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RecheckGuardCodeFixProvider)), Shared]
    public sealed class RecheckGuardCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("LOCK103");

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (diagnostic.AdditionalLocations.Count == 0 || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree)
                {
                    continue;
                }

                var read = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
                var acquisition = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (GuardOf(read) is not { } guard || guard.SpanStart >= acquisition.SpanStart || InsertionPoint(acquisition) is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Check the guard again under the lock",
                        c => CopyGuardAsync(context.Document, guard, acquisition, c),
                        equivalenceKey: "LOCK103:recheck"),
                    diagnostic);
            }
        }

        /// <summary>The <c>if</c> whose condition made the read and whose body only leaves (return, throw, break, continue).</summary>
        private static IfStatementSyntax? GuardOf(SyntaxNode read)
        {
            var guard = read.FirstAncestorOrSelf<IfStatementSyntax>();
            if (guard is null || guard.Else is not null || !guard.Condition.Span.Contains(read.Span))
            {
                return null;
            }

            var body = guard.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : guard.Statement;
            return body is ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax ? guard : null;
        }

        /// <summary>Where the copy goes: the first statement of the locked body (lock, using, or the try after an Enter call).</summary>
        private static (SyntaxNode Container, int Index)? InsertionPoint(SyntaxNode acquisition)
        {
            foreach (var ancestor in acquisition.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case LockStatementSyntax @lock when @lock.Expression.Span.Contains(acquisition.Span):
                        return (@lock, 0);
                    case UsingStatementSyntax @using when @using.Statement.SpanStart > acquisition.SpanStart:
                        return (@using, 0);
                    case StatementSyntax statement when statement.Parent is BlockSyntax block:
                        var index = block.Statements.IndexOf(statement);
                        if (index + 1 < block.Statements.Count && block.Statements[index + 1] is TryStatementSyntax { Finally: not null } @try)
                        {
                            return (@try.Block, 0);
                        }

                        return (block, index + 1);
                    case MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        private static async Task<Document> CopyGuardAsync(Document document, IfStatementSyntax guard, SyntaxNode acquisition, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || InsertionPoint(acquisition) is not { } point)
            {
                return document;
            }

            SyntaxNode replacement = point.Container switch
            {
                LockStatementSyntax @lock => @lock.WithStatement(Prepend(@lock.Statement, ImportsEdit.Inserted(guard, @lock.Statement))),
                UsingStatementSyntax @using => @using.WithStatement(Prepend(@using.Statement, ImportsEdit.Inserted(guard, @using.Statement))),
                BlockSyntax block => block.WithStatements(block.Statements.Insert(point.Index, ImportsEdit.Inserted(guard, block))),
                _ => point.Container,
            };
            return document.WithSyntaxRoot(root.ReplaceNode(point.Container, replacement));
        }

        private static BlockSyntax Prepend(StatementSyntax body, StatementSyntax first) =>
            body is BlockSyntax block
                ? block.WithStatements(block.Statements.Insert(0, first))
                : SyntaxFactory.Block(first, body.WithoutLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
    }
}
