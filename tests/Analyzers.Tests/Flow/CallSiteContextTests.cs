using LockContracts.Analyzers.Flow;
using LockContracts.Analyzers.Tests.Testing;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// One level of call-site context (Flow/CallGraph): a helper that calls a member of its parameter, or
/// invokes a delegate parameter, runs what each call site passes, not what every caller passes. Each
/// shape in a version that is reported and one that stays silent; then the uncertain mark on call
/// steps resolved through wide dispatch or delegate flow with more than one candidate.
/// </summary>
public class CallSiteContextTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, expected: expected);

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Cycle() => LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1);

    /// <summary>Pool holds its lock while it calls into Cache (#0); Cache's SAVE body is the other half.</summary>
    private const string Program = """
        interface IResource { void Release(); }
        class Pool : IResource
        {
            readonly object _b = new();
            public void Release() { lock (_b) { } }
            public void Use(Cache cache) { lock (_b) { {|#0:cache.Touch()|}; } }
        }
        class Buffer : IResource
        {
            public void Release() { }
        }
        class Cache
        {
            readonly object _a = new();
            static void ReleaseAll(IResource resource) => resource.Release();
            static void Run(Action action) => action();
            public void Touch() { lock (_a) { } }
            SAVE
        }
        """;

    private static string With(string save) => Program.Replace("SAVE", save);

    private static string Quiet(string save) => With(save).Replace("{|#0:cache.Touch()|}", "cache.Touch()");

    [Fact]
    public Task AHelperCallingItsParameterRunsTheArgumentsImplementation() =>
        Verify(With("public void Save(Pool pool) { lock (_a) { {|#1:ReleaseAll(pool)|}; } }"), Cycle());

    [Fact]
    public Task AHelperGivenAnotherTypeDoesNotReachEveryImplementation() =>
        Verify(Quiet("public void Save(Buffer buffer, Pool pool) { lock (_a) { ReleaseAll(buffer); } ReleaseAll(pool); }"));

    [Fact]
    public Task AnArgumentCreatedAtTheCallSiteIsThatType() =>
        Verify(With("public void Save() { IResource resource = new Pool(); lock (_a) { {|#1:ReleaseAll(resource)|}; } }"), Cycle());

    [Fact]
    public Task AnArgumentCreatedAsAnotherTypeIsSilent() =>
        Verify(Quiet("public void Save(Pool pool) { IResource resource = new Buffer(); lock (_a) { ReleaseAll(resource); } ReleaseAll(pool); }"));

    [Fact]
    public Task AnArgumentOfTheInterfaceTypeStillReachesEveryImplementation() =>
        Verify(With("public void Save(IResource resource) { lock (_a) { {|#1:ReleaseAll(resource)|}; } }"), LockAnalyzerVerifier.Diagnostic("LOCK005").WithLocation(0).WithLocation(1));

    [Fact]
    public Task AHelperRunningItsDelegateRunsWhatThisCallSitePasses() =>
        Verify(With("public void Save(Pool pool) { lock (_a) { {|#1:Run(() => pool.Release())|}; } }"), Cycle());

    [Fact]
    public Task AHelperRunningADelegateGivenElsewhereIsSilent() =>
        Verify(Quiet("public void Save(Pool pool) { lock (_a) { Run(() => { }); } Run(() => pool.Release()); }"));

    [Fact]
    public Task ContextAppliesInsideTheCalleesOwnSummary() =>
        Verify(With("""
            public void Save(Pool pool) { lock (_a) { {|#1:Flush(pool)|}; } }
            void Flush(Pool pool) => ReleaseAll(pool);
            """), Cycle());

    [Fact]
    public Task ContextOneLevelDownTheWalkIsSilentForAHarmlessArgument() =>
        Verify(Quiet("""
            public void Save(Buffer buffer, Pool pool) { lock (_a) { Flush(buffer); } Evict(pool); }
            void Flush(Buffer buffer) => ReleaseAll(buffer);
            void Evict(Pool pool) { ReleaseAll(pool); }
            """));

    private const string Uncertain = """
        interface IResource { void Release(); }
        class Pool : IResource { readonly object _b = new(); public void Release() { lock (_b) { } } }
        class Heap : IResource { readonly object _c = new(); public void Release() { lock (_c) { } } }
        sealed class Arena { readonly object _d = new(); public void Release() { lock (_d) { } } }
        class Cache
        {
            Action? _one;
            Action? _either;
            public Cache(Pool pool, Heap heap, bool first)
            {
                _one = () => pool.Release();
                _either = () => pool.Release();
                if (first) _either = () => heap.Release();
            }
            public void Wide(IResource resource) => resource.Release();
            public void Narrow(Arena arena) => arena.Release();
            public void NarrowedBySite(Pool pool) => Wide(pool);
            public void OneFunction() => _one!();
            public void TwoFunctions() => _either!();
            public void WideThenCertain(Pool pool) { IResource resource = pool; resource.Release(); pool.Release(); }
        }
        """;

    private static IReadOnlyList<(string Lock, bool Uncertain)> Summary(string member)
    {
        var compilation = LockAnalysis.Compile(Uncertain);
        var program = new LockProgram(compilation);
        var method = compilation.GetTypeByMetadataName("Cache")!.GetMembers(member).OfType<IMethodSymbol>().Single();
        return program.Summaries.MayAcquire(method).Select(a => (a.Display, a.IsUncertain)).OrderBy(a => a.Display).ToList();
    }

    [Fact]
    public void WideDispatchIsUncertain()
    {
        var summary = Summary("Wide");
        Assert.Equal(2, summary.Count);
        Assert.All(summary, a => Assert.True(a.Uncertain, a.Lock));
    }

    [Fact]
    public void OneTargetIsCertain()
    {
        var summary = Summary("Narrow");
        Assert.Single(summary);
        Assert.False(summary[0].Uncertain);
    }

    [Fact]
    public void DispatchNarrowedByTheCallSiteIsCertain()
    {
        var summary = Summary("NarrowedBySite");
        Assert.Single(summary);
        Assert.Contains("_b", summary[0].Lock);
        Assert.False(summary[0].Uncertain);
    }

    [Fact]
    public void ADelegateWithOneFunctionIsCertain()
    {
        var summary = Summary("OneFunction");
        Assert.Single(summary);
        Assert.False(summary[0].Uncertain);
    }

    [Fact]
    public void ALockAlsoReachedThroughACertainCallKeepsTheCertainPath()
    {
        var summary = Summary("WideThenCertain");
        Assert.Equal(2, summary.Count);
        Assert.False(summary.Single(a => a.Lock.Contains("_b")).Uncertain);
        Assert.True(summary.Single(a => a.Lock.Contains("_c")).Uncertain);
    }

    [Fact]
    public void ADelegateWithTwoFunctionsIsUncertain()
    {
        var summary = Summary("TwoFunctions");
        Assert.Equal(2, summary.Count);
        Assert.All(summary, a => Assert.True(a.Uncertain, a.Lock));
    }
}
