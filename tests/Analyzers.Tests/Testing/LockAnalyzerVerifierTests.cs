namespace LockContracts.Analyzers.Tests.Testing;
