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

namespace LockContracts.CodeFixes
{
    /// <summary>
    /// LOCK101: pushes the obligation to the callers by adding the missing [RequiresHeld] to the
    /// enclosing method, when the lock belongs to <c>this</c>, a static member or a parameter.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRequiresHeldCodeFixProvider)), Shared]
    public sealed class AddRequiresHeldCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("LOCK101");

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
                if (!diagnostic.Properties.TryGetValue(FixProperties.LockClass, out var lockClass) || lockClass is null
                    || !diagnostic.Properties.TryGetValue(FixProperties.Owner, out var owner) || owner is null)
                {
                    continue;
                }

                var method = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
                if (method is null || TargetOf(method, owner) is not { } on)
                {
                    continue;
                }

                var shared = diagnostic.Properties.TryGetValue(FixProperties.Shared, out var s) && s == "true";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Require '{lockClass}' held by callers of this method",
                        c => AddAttributeAsync(context.Document, method, lockClass, on, shared, c),
                        equivalenceKey: "LOCK101:" + lockClass + ":" + on),
                    diagnostic);
            }
        }

        /// <summary>The attribute's On for an owner path: "this" (default), a parameter, or null when callers cannot name it.</summary>
        private static string? TargetOf(BaseMethodDeclarationSyntax method, string owner)
        {
            if (owner == "this" || owner.StartsWith("static:", System.StringComparison.Ordinal))
            {
                return "this";
            }

            return method.ParameterList.Parameters.Any(p => p.Identifier.ValueText == owner) ? owner : null;
        }

        private static async Task<Document> AddAttributeAsync(
            Document document, BaseMethodDeclarationSyntax method, string lockClass, string on, bool shared, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var arguments = SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(lockClass))),
            });
            if (shared)
            {
                arguments = arguments.Add(Named("Shared", SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression)));
            }

            if (on != "this")
            {
                arguments = arguments.Add(Named("On", SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(on))));
            }

            var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("RequiresHeld"), SyntaxFactory.AttributeArgumentList(arguments))));
            var updated = method.WithAttributeLists(method.AttributeLists.Add(attribute.WithAdditionalAnnotations(Formatter.Annotation)));
            if (method.AttributeLists.Count == 0)
            {
                // Keep the method's leading trivia (indentation, comments) in front of the new attribute.
                updated = updated.WithoutLeadingTrivia()
                    .WithAttributeLists(SyntaxFactory.SingletonList(attribute.WithLeadingTrivia(method.GetLeadingTrivia())))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            }

            var newRoot = root.ReplaceNode(method, updated);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var visible = model is not null && !model.LookupNamespacesAndTypes(method.SpanStart, name: "RequiresHeldAttribute").IsEmpty;
            return document.WithSyntaxRoot(visible ? newRoot : ImportsEdit.EnsureUsing(newRoot, "LockContracts"));
        }

        private static AttributeArgumentSyntax Named(string name, ExpressionSyntax value) =>
            SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals(name), null, value);
    }
}
