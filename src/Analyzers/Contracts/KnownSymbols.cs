using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Contracts
{
    /// <summary>The attribute and BCL types the analysis needs, resolved once per compilation.</summary>
    internal sealed class KnownSymbols
    {
        public KnownSymbols(Compilation compilation)
        {
            // A search by metadata name looks through every reference (a .NET project has well over a
            // hundred): the contract attributes are looked for where they live instead.
            var contracts = ContractsLookup(compilation);
            LockAttribute = contracts("LockContracts.LockAttribute");
            LockOrderAttribute = contracts("LockContracts.LockOrderAttribute");
            AcquiredBeforeAttribute = contracts("LockContracts.AcquiredBeforeAttribute");
            AcquiredAfterAttribute = contracts("LockContracts.AcquiredAfterAttribute");
            AcquiresAttribute = contracts("LockContracts.AcquiresAttribute");
            ReleasesAttribute = contracts("LockContracts.ReleasesAttribute");
            TryAcquiresAttribute = contracts("LockContracts.TryAcquiresAttribute");
            RequiresHeldAttribute = contracts("LockContracts.RequiresHeldAttribute");
            ExcludesAttribute = contracts("LockContracts.ExcludesAttribute");
            AssertsHeldAttribute = contracts("LockContracts.AssertsHeldAttribute");
            TemporarilyReleasesAttribute = contracts("LockContracts.TemporarilyReleasesAttribute");
            NoLockAnalysisAttribute = contracts("LockContracts.NoLockAnalysisAttribute");
            MustRecheckAttribute = contracts("LockContracts.MustRecheckAttribute");
            EstablishesStateAttribute = contracts("LockContracts.EstablishesStateAttribute");
            RequiresStateAttribute = contracts("LockContracts.RequiresStateAttribute");

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

        /// <summary>
        /// Where the contract attributes are: this assembly, when it declares them, or the
        /// LockContracts.Annotations reference. Anywhere else (one search says whether they exist at
        /// all), a search over every reference, as for any type.
        /// </summary>
        private static System.Func<string, INamedTypeSymbol?> ContractsLookup(Compilation compilation)
        {
            const string Probe = "LockContracts.LockAttribute";
            if (compilation.Assembly.GetTypeByMetadataName(Probe) is not null)
            {
                return name => compilation.Assembly.GetTypeByMetadataName(name);
            }

            foreach (var reference in compilation.References)
            {
                if (compilation.GetAssemblyOrModuleSymbol(reference) is IAssemblySymbol { Name: "LockContracts.Annotations" } annotations
                    && annotations.GetTypeByMetadataName(Probe) is not null)
                {
                    return name => annotations.GetTypeByMetadataName(name);
                }
            }

            return compilation.GetTypeByMetadataName(Probe) is null ? _ => null : name => compilation.GetTypeByMetadataName(name);
        }
    }
}
