using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// Every lock object gets a class: a parameter or local of one of the program's classes is that class,
/// a foreach variable over a member's elements is that member's element class; an object-typed value
/// with no origin stays unnamed. The real deadlock shapes that needed it, and the silent twins.
/// </summary>
public class LockIdentityTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, expected: expected);

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Cycle() => LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1);

    [Fact]
    public Task ALockOnAParameterIsTheClassOfItsType() => Verify("""
        class Activation
        {
            readonly object _state = new();
            public void Deactivate() { lock (this) { lock ({|#0:_state|}) { } } }
            public void Touch(Catalog catalog) { lock (_state) { {|#1:catalog.Recover(this)|}; } }
        }
        class Catalog
        {
            public void Recover(Activation activation) { lock (activation) { } }
        }
        """, Cycle());

    [Fact]
    public Task ALockOnAnObjectParameterStaysUnnamed() => Verify("""
        class Activation
        {
            readonly object _state = new();
            public void Deactivate() { lock (this) { lock (_state) { } } }
            public void Touch(Catalog catalog) { lock (_state) { catalog.Recover(this); } }
        }
        class Catalog
        {
            public void Recover(object activation) { lock (activation) { } }
        }
        """);

    [Fact]
    public Task ALockOnAForeachVariableIsTheElementClassOfTheField() => Verify("""
        class Muxer
        {
            readonly object _sync = new();
            readonly List<Queue<int>> _queues = new();
            public void Flush() { foreach (var queue in _queues) { lock (queue) { lock ({|#0:_sync|}) { } } } }
            public void Drain() { lock (_sync) { foreach (var queue in _queues) { lock ({|#1:queue|}) { } } } }
        }
        """, Cycle());

    [Fact]
    public Task ForeachElementsTakenInOneOrderAreSilent() => Verify("""
        class Muxer
        {
            readonly object _sync = new();
            readonly List<Queue<int>> _queues = new();
            public void Flush() { foreach (var queue in _queues) { lock (queue) { lock (_sync) { } } } }
            public void Drain() { foreach (var queue in _queues) { lock (queue) { lock (_sync) { } } } }
        }
        """);

    [Fact]
    public Task ALockOnALocalFromAFactoryIsTheClassOfItsType() => Verify("""
        class ResultBox { public static ResultBox Get() => new(); }
        class Muxer
        {
            readonly object _sync = new();
            public void Complete() { var box = ResultBox.Get(); lock (box) { lock ({|#0:_sync|}) { } } }
            public void Cancel() { lock (_sync) { var box = ResultBox.Get(); lock ({|#1:box|}) { } } }
        }
        """, Cycle());

    [Fact]
    public Task TwoParametersOfOneClassNestedAreUnorderedInstances() => LockAnalyzerVerifier.VerifyAsync("""
        class Account
        {
            public decimal Balance;
            public static void Transfer(Account from, Account to, decimal amount)
            {
                lock (from) { lock ([|to|]) { from.Balance -= amount; to.Balance += amount; } }
            }
        }
        """, "LOCK004");

    [Fact]
    public Task TwoObjectParametersNestedStaySilent() => Verify("""
        class Account
        {
            public static void Transfer(object from, object to) { lock (from) { lock (to) { } } }
        }
        """);
}
