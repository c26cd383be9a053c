// Language features used by the analyzer that netstandard2.0 does not declare.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
