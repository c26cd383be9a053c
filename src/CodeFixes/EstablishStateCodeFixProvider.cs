using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockContracts.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.CodeFixes
{
    /// <summary>
    /// LOCK104: when exactly one method in the compilation establishes the missing state, inserts a
    /// call to it, on the same object, just before the call that requires it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EstablishStateCodeFixProvider)), Shared]
    public sealed class EstablishStateCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("LOCK104");

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(FixProperties.State, out var state) || state is null)
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var call = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (call is null || model.GetOperation(call, context.CancellationToken) is not IInvocationOperation invocation
                    || TargetExpression(invocation, state) is not { } target)
                {
                    continue;
                }

                var establishers = Establishers(model.Compilation, state, context.CancellationToken).Take(2).ToList();
                if (establishers.Count != 1 || CallTo(establishers[0].Method, establishers[0].On, target) is not { } establish)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Call '{establishers[0].Method.Name}' first to establish '{state}'",
                        c => InsertBeforeAsync(context.Document, call, establish, c),
                        equivalenceKey: "LOCK104:" + state),
                    diagnostic);
            }
        }

        /// <summary>The expression for the object whose state the called method requires.</summary>
        private static ExpressionSyntax? TargetExpression(IInvocationOperation invocation, string state)
        {
            foreach (var attribute in invocation.TargetMethod.GetAttributes())
            {
                if (attribute.AttributeClass?.Name != "RequiresStateAttribute"
                    || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value as string != state)
                {
                    continue;
                }

                var on = attribute.NamedArguments.Where(a => a.Key == "On").Select(a => a.Value.Value as string).FirstOrDefault() ?? "this";
                if (on == "this")
                {
                    return invocation.Instance?.Syntax as ExpressionSyntax;
                }

                return invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == on)?.Value.Syntax as ExpressionSyntax;
            }

            return null;
        }

        private static IEnumerable<(IMethodSymbol Method, string On)> Establishers(Compilation compilation, string state, CancellationToken cancellationToken)
        {
            foreach (var symbol in compilation.GetSymbolsWithName(_ => true, SymbolFilter.Member, cancellationToken))
            {
                if (symbol is not IMethodSymbol method)
                {
                    continue;
                }

                foreach (var attribute in method.GetAttributes())
                {
                    if (attribute.AttributeClass?.Name == "EstablishesStateAttribute"
                        && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value as string == state)
                    {
                        yield return (method, attribute.NamedArguments.Where(a => a.Key == "On").Select(a => a.Value.Value as string).FirstOrDefault() ?? "this");
                    }
                }
            }
        }

        /// <summary>A call to the establisher on <paramref name="target"/>, when every other parameter may be left out.</summary>
        private static ExpressionSyntax? CallTo(IMethodSymbol method, string on, ExpressionSyntax target)
        {
            var arguments = new List<ArgumentSyntax>();
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Name == on)
                {
                    arguments.Add(SyntaxFactory.Argument(target.WithoutTrivia()));
                }
                else if (!parameter.IsOptional)
                {
                    return null;
                }
            }

            ExpressionSyntax callee;
            if (on == "this" && !method.IsStatic)
            {
                callee = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target.WithoutTrivia(), SyntaxFactory.IdentifierName(method.Name));
            }
            else if (method.IsStatic && on != "this")
            {
                callee = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.IdentifierName(method.ContainingType.Name), SyntaxFactory.IdentifierName(method.Name));
            }
            else
            {
                return null;
            }

            return SyntaxFactory.InvocationExpression(callee, SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
        }

        private static async Task<Document> InsertBeforeAsync(Document document, InvocationExpressionSyntax call, ExpressionSyntax establish, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var statement = call.FirstAncestorOrSelf<StatementSyntax>();
            if (root is null || statement is null)
            {
                return document;
            }

            var inserted = ImportsEdit.Inserted(SyntaxFactory.ExpressionStatement(establish), statement.Parent);
            if (statement.Parent is BlockSyntax block)
            {
                return document.WithSyntaxRoot(root.ReplaceNode(block, block.WithStatements(block.Statements.Insert(block.Statements.IndexOf(statement), inserted))));
            }

            var wrapped = SyntaxFactory.Block(inserted, statement.WithoutLeadingTrivia()).WithLeadingTrivia(statement.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
            return document.WithSyntaxRoot(root.ReplaceNode(statement, wrapped));
        }
    }
}
