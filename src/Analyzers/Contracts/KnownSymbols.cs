using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Contracts
{
    /// <summary>The attribute and BCL types the analysis needs, resolved once per compilation.</summary>
    internal sealed class KnownSymbols
    {
        public KnownSymbols(Compilation compilation)
        {
            LockAttribute = Get(compilation, "LockContracts.LockAttribute");
            LockOrderAttribute = Get(compilation, "LockContracts.LockOrderAttribute");
            AcquiredBeforeAttribute = Get(compilation, "LockContracts.AcquiredBeforeAttribute");
            AcquiredAfterAttribute = Get(compilation, "LockContracts.AcquiredAfterAttribute");
            AcquiresAttribute = Get(compilation, "LockContracts.AcquiresAttribute");
            ReleasesAttribute = Get(compilation, "LockContracts.ReleasesAttribute");
            TryAcquiresAttribute = Get(compilation, "LockContracts.TryAcquiresAttribute");
            RequiresHeldAttribute = Get(compilation, "LockContracts.RequiresHeldAttribute");
            ExcludesAttribute = Get(compilation, "LockContracts.ExcludesAttribute");
            AssertsHeldAttribute = Get(compilation, "LockContracts.AssertsHeldAttribute");
            TemporarilyReleasesAttribute = Get(compilation, "LockContracts.TemporarilyReleasesAttribute");
            NoLockAnalysisAttribute = Get(compilation, "LockContracts.NoLockAnalysisAttribute");
            MustRecheckAttribute = Get(compilation, "LockContracts.MustRecheckAttribute");
            EstablishesStateAttribute = Get(compilation, "LockContracts.EstablishesStateAttribute");
            RequiresStateAttribute = Get(compilation, "LockContracts.RequiresStateAttribute");

            Monitor = Get(compilation, "System.Threading.Monitor");
            ThreadingLock = Get(compilation, "System.Threading.Lock");
            ReaderWriterLockSlim = Get(compilation, "System.Threading.ReaderWriterLockSlim");
            SemaphoreSlim = Get(compilation, "System.Threading.SemaphoreSlim");
            Mutex = Get(compilation, "System.Threading.Mutex");
            SpinLock = Get(compilation, "System.Threading.SpinLock");
        }

        public INamedTypeSymbol? LockAttribute { get; }
        public INamedTypeSymbol? LockOrderAttribute { get; }
        public INamedTypeSymbol? AcquiredBeforeAttribute { get; }
        public INamedTypeSymbol? AcquiredAfterAttribute { get; }
        public INamedTypeSymbol? AcquiresAttribute { get; }
        public INamedTypeSymbol? ReleasesAttribute { get; }
        public INamedTypeSymbol? TryAcquiresAttribute { get; }
        public INamedTypeSymbol? RequiresHeldAttribute { get; }
        public INamedTypeSymbol? ExcludesAttribute { get; }
        public INamedTypeSymbol? AssertsHeldAttribute { get; }
        public INamedTypeSymbol? TemporarilyReleasesAttribute { get; }
        public INamedTypeSymbol? NoLockAnalysisAttribute { get; }
        public INamedTypeSymbol? MustRecheckAttribute { get; }
        public INamedTypeSymbol? EstablishesStateAttribute { get; }
        public INamedTypeSymbol? RequiresStateAttribute { get; }

        public INamedTypeSymbol? Monitor { get; }
        public INamedTypeSymbol? ThreadingLock { get; }
        public INamedTypeSymbol? ReaderWriterLockSlim { get; }
        public INamedTypeSymbol? SemaphoreSlim { get; }
        public INamedTypeSymbol? Mutex { get; }
        public INamedTypeSymbol? SpinLock { get; }

        /// <summary>True when the compilation can see the contract attributes at all.</summary>
        public bool HasAnnotations => LockAttribute is not null || AcquiresAttribute is not null || RequiresHeldAttribute is not null;

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
            type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

        public static bool IsOrDerives(ITypeSymbol? type, INamedTypeSymbol? expected)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (Is(t, expected))
                {
                    return true;
                }
            }

            return false;
        }

        private static INamedTypeSymbol? Get(Compilation compilation, string metadataName) =>
            compilation.GetTypeByMetadataName(metadataName);
    }
}
