using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Contracts
{
    internal static class TypedConstantExtensions
    {
        /// <summary>
        /// The value of a scalar attribute argument, or null for an array, an error or a null:
        /// <see cref="TypedConstant.Value"/> throws on arrays, which erroneous code produces.
        /// </summary>
        public static object? ScalarValue(this TypedConstant constant) =>
            constant.Kind is TypedConstantKind.Array or TypedConstantKind.Error || constant.IsNull ? null : constant.Value;
    }
}
