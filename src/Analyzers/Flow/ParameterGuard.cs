using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// An acquisition made only when a <c>bool</c> parameter of the method has a given value:
    /// <c>if (!lockHeld) await _gate.WaitAsync();</c> takes the lock only when the caller passes
    /// <c>false</c>. A call site that passes the other constant does not take it; one that passes its
    /// own parameter through keeps the guard on that parameter; any other argument keeps the
    /// acquisition unconditionally.
    /// </summary>
    internal sealed class ParameterGuard
    {
        public ParameterGuard(string parameter, bool value)
        {
            Parameter = parameter;
            Value = value;
        }

        public string Parameter { get; }

        public bool Value { get; }

        public override string ToString() => Parameter + "=" + (Value ? "true" : "false");

        /// <summary>What a call passes for the method's <c>bool</c> parameters: "true", "false", or "param:name" of the caller's own parameter.</summary>
        public static ImmutableArray<KeyValuePair<string, string>> BoolArguments(ImmutableArray<IArgumentOperation> arguments)
        {
            ImmutableArray<KeyValuePair<string, string>>.Builder? result = null;
            foreach (var argument in arguments)
            {
                if (argument.Parameter is not { Type.SpecialType: SpecialType.System_Boolean } parameter)
                {
                    continue;
                }

                var value = argument.Value;
                while (value is IConversionOperation { IsImplicit: true } conversion)
                {
                    value = conversion.Operand;
                }

                var passed = value.ConstantValue is { HasValue: true, Value: bool constant } ? (constant ? "true" : "false")
                    : value is IParameterReferenceOperation { Parameter.Type.SpecialType: SpecialType.System_Boolean } forwarded ? "param:" + forwarded.Parameter.Name
                    : null;
                if (passed is not null)
                {
                    (result ??= ImmutableArray.CreateBuilder<KeyValuePair<string, string>>()).Add(new KeyValuePair<string, string>(parameter.Name, passed));
                }
            }

            return result?.ToImmutable() ?? ImmutableArray<KeyValuePair<string, string>>.Empty;
        }

        /// <summary>
        /// The guard of an acquisition at <paramref name="location"/> in <paramref name="method"/>'s body:
        /// the nearest enclosing <c>if</c> whose condition is one of its <c>bool</c> parameters
        /// (<c>p</c>, <c>!p</c>, <c>p == false</c>, …), with the value that takes the branch.
        /// </summary>
        public static ParameterGuard? Of(IMethodSymbol method, Location location)
        {
            if (!location.IsInSource || !HasBoolParameter(method))
            {
                return null;
            }

            SyntaxNode? node = location.SourceTree!.GetRoot().FindNode(location.SourceSpan, getInnermostNodeForTie: true);
            for (var child = node; node is not null and not MemberDeclarationSyntax and not LocalFunctionStatementSyntax and not AnonymousFunctionExpressionSyntax; child = node, node = node.Parent)
            {
                if (node is IfStatementSyntax branch && Condition(branch.Condition, method) is var (parameter, value) && parameter is not null)
                {
                    if (child == branch.Statement)
                    {
                        return new ParameterGuard(parameter, value);
                    }

                    if (child == branch.Else)
                    {
                        return new ParameterGuard(parameter, !value);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The guard as seen from a call site: null when the acquisition happens whatever the caller
        /// knows (kept unconditionally), <see cref="Never"/> when the call passes the value that skips
        /// it, or a guard on the caller's own parameter.
        /// </summary>
        public ParameterGuard? AtCall(ImmutableArray<KeyValuePair<string, string>> boolArguments)
        {
            foreach (var argument in boolArguments)
            {
                if (argument.Key != Parameter)
                {
                    continue;
                }

                return argument.Value switch
                {
                    "true" => Value ? null : Never,
                    "false" => Value ? Never : null,
                    _ => new ParameterGuard(argument.Value.Substring("param:".Length), Value),
                };
            }

            return null;
        }

        /// <summary>The guard of an acquisition a call site rules out.</summary>
        public static readonly ParameterGuard Never = new(string.Empty, false);

        private static bool HasBoolParameter(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.SpecialType == SpecialType.System_Boolean && parameter.RefKind == RefKind.None)
                {
                    return true;
                }
            }

            return false;
        }

        private static (string? Parameter, bool Value) Condition(ExpressionSyntax condition, IMethodSymbol method)
        {
            switch (condition)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Condition(parenthesized.Expression, method);
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                    var (inner, value) = Condition(not.Operand, method);
                    return (inner, !value);
                case IdentifierNameSyntax identifier when IsBoolParameter(identifier.Identifier.ValueText, method):
                    return (identifier.Identifier.ValueText, true);
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression or (int)SyntaxKind.NotEqualsExpression } comparison
                    when comparison.Left is IdentifierNameSyntax name && IsBoolParameter(name.Identifier.ValueText, method)
                        && comparison.Right is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.TrueLiteralExpression or (int)SyntaxKind.FalseLiteralExpression } literal:
                    var equalsTrue = literal.IsKind(SyntaxKind.TrueLiteralExpression);
                    return (name.Identifier.ValueText, comparison.IsKind(SyntaxKind.EqualsExpression) ? equalsTrue : !equalsTrue);
                default:
                    return (null, false);
            }
        }

        private static bool IsBoolParameter(string name, IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Name == name && parameter.Type.SpecialType == SpecialType.System_Boolean && parameter.RefKind == RefKind.None)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
