using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Rules;

/// <summary>
/// An interface call whose receiver can only be of some types, because every source of the value is known,
/// runs only their implementations (<c>CreationTypes</c>): a plain channel's, not the recording one's that takes
/// a second registry's lock. Each silent case has a twin where a source is unknown or creates the type whose
/// implementation takes the lock, and the finding stays.
/// </summary>
public class Lock004ReceiverNarrowingTests
{
    private static Task Verify(string source) => LockAnalyzerVerifier.VerifyAsync(source, "LOCK004");

    /// <summary>
    /// A plain channel, made by an async factory that returns <c>this</c>, and a recording channel whose
    /// <c>Declare</c> takes its registry's lock; a connection for each. The registry of each case is appended.
    /// </summary>
    private const string Channels = """
        public interface IChannel { void Declare(); }
        public class Channel : IChannel
        {
            public void Declare() { }
            internal async Task<IChannel> OpenAsync() { await Task.Yield(); return this; }
            internal static Task<IChannel> CreateAndOpenAsync() { var channel = new Channel(); return channel.OpenAsync(); }
        }
        public sealed class RecordingChannel : IChannel
        {
            private readonly Registry _registry;
            public RecordingChannel(Registry registry) { _registry = registry; }
            public void Declare() => _registry.Record();
        }
        public interface IConnection { Task<IChannel> CreateChannelAsync(); }
        public sealed class Connection : IConnection
        {
            public Task<IChannel> CreateChannelAsync() => Channel.CreateAndOpenAsync();
        }
        public sealed class RecordingConnection : IConnection
        {
            private readonly Registry _registry;
            public RecordingConnection(Registry registry) { _registry = registry; }
            public Task<IChannel> CreateChannelAsync() => Task.FromResult<IChannel>(new RecordingChannel(_registry));
        }

        """;

    /// <summary>
    /// A registry that holds its gate while it asks a connection for a channel and redeclares it; its entry points
    /// (which connections reach that method) are <paramref name="entries"/>, and the redeclare is marked when it reports.
    /// </summary>
    private static string Registry(string entries, bool reports) => """
        public class Registry
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly Connection _inner = new();
            public void Record() { _gate.Wait(); _gate.Release(); }

        """ + entries + """

            private async Task RecoverExchangesAsync(IConnection connection)
            {
                await _gate.WaitAsync();
                try
                {
                    IChannel channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        """ + (reports ? "            [|Redeclare(channel)|];" : "            Redeclare(channel);") + """

                }
                finally { _gate.Release(); }
            }
            private static void Redeclare(IChannel channel) => channel.Declare();
        }
        """;

    /// <summary>A connection field passed by the only caller; its factory returns, through an async method returning <c>this</c>, a plain channel.</summary>
    [Fact]
    public Task ChannelMadeByAnAsyncFactoryOfAConnectionEveryCallerPasses() => Verify(Channels + Registry("""
            public Task RecoverAsync() => RecoverExchangesAsync(_inner);
        """, reports: false));

    /// <summary>A second caller passes a connection whose channels record: both channel types remain.</summary>
    [Fact]
    public Task ChannelOfAConnectionThatRecordsStillReports() => Verify(Channels + Registry("""
            public Task RecoverAsync() => RecoverExchangesAsync(_inner);
            public Task RecoverOtherAsync(Registry other) => RecoverExchangesAsync(new RecordingConnection(other));
        """, reports: true));

    /// <summary>The connection comes from a public method's parameter: nothing says what it is.</summary>
    [Fact]
    public Task ChannelOfAConnectionFromAPublicParameterStillReports() => Verify(Channels + Registry("""
            public Task RecoverAsync(IConnection c) => RecoverExchangesAsync(c);
        """, reports: true));

    /// <summary>A factory returns a private field only ever assigned <c>new Plain()</c> (through a local), or a new one.</summary>
    [Fact]
    public Task FactoryReturningAFieldOnlyEverAssignedNew() => Verify("""
        public interface IStore { void Put(int value); }
        public class Plain : IStore { public void Put(int value) { } }
        public class SafeStore : IStore
        {
            private readonly object _gate = new();
            private IStore _store = new Plain();
            private bool _shared;
            public void Put(int value) { lock (_gate) { _store.Put(value); } }
            public void CopyFrom(int[] values)
            {
                lock (_gate)
                {
                    var destination = Writable();
                    foreach (var value in values)
                        destination.Put(value);
                }
            }
            private IStore Writable()
            {
                if (!_shared)
                    return _store;
                var fresh = new Plain();
                _store = fresh;
                _shared = false;
                return fresh;
            }
            public void Share() { _shared = true; }
        }
        """);

    /// <summary>The field is also assigned the type whose <c>Put</c> takes the lock.</summary>
    [Fact]
    public Task FieldAlsoAssignedATypeThatTakesTheLockStillReports() => Verify("""
        public interface IStore { void Put(int value); }
        public class Plain : IStore { public void Put(int value) { } }
        public class SafeStore : IStore
        {
            private readonly object _gate = new();
            private IStore _store = new Plain();
            private bool _shared;
            public void Put(int value) { lock (_gate) { [|_store.Put(value)|]; } }
            public void CopyFrom(int[] values)
            {
                lock (_gate)
                {
                    var destination = Writable();
                    foreach (var value in values)
                        [|destination.Put(value)|];
                }
            }
            private IStore Writable()
            {
                if (!_shared)
                    return _store;
                var fresh = new Plain();
                _store = fresh;
                _shared = false;
                return fresh;
            }
            public void Share() { _shared = true; }
            public void Nest() { _store = new SafeStore(); }
        }
        """);

    /// <summary>A host whose private field, read through a getter, goes to a private helper that calls it under the lock.</summary>
    private const string SinkHost = """
        public interface ISink { void Write(); }
        public class QuietSink : ISink { public void Write() { } }
        public class Host : ISink
        {
            private readonly object _gate = new();
            private ISink _sink = new QuietSink();
            private ISink Sink => _sink;
            public void Write() { lock (_gate) { } }
            public void Flush()
            {
                lock (_gate) { [|Emit(Sink)|]; }
            }
            public void Reset() { _sink = new QuietSink(); }
            private static void Emit(ISink sink) => sink.Write();
        }
        """;

    /// <summary>A getter returns a private field only ever assigned <c>new</c>; the helper's only call site passes it.</summary>
    [Fact]
    public Task GetterReturningAFieldPassedToAPrivateHelper() =>
        Verify(SinkHost.Replace("[|Emit(Sink)|]", "Emit(Sink)"));

    /// <summary>The field is also assigned a public method's parameter.</summary>
    [Fact]
    public Task FieldAlsoAssignedFromAPublicParameterStillReports() =>
        Verify(SinkHost.Replace("    private static void Emit", "    public void Use(ISink sink) { _sink = sink; }\n    private static void Emit"));

    /// <summary>A node that takes its sink from a factory and calls it under its own lock.</summary>
    private const string FactoryNode = """
        public interface ISink { void Write(); }
        public class QuietSink : ISink { public void Write() { } }
        public class Node : ISink
        {
            public readonly object Gate = new();
            public void Write() { lock (Gate) { } }
            public void Flush(Factory factory)
            {
                var sink = factory.Make();
                lock (Gate) { [|sink.Write()|]; }
            }
        }
        public class Factory
        {
            public ISink Make() => new QuietSink();
        }
        """;

    /// <summary>A non-virtual factory with one body.</summary>
    [Fact]
    public Task NonVirtualFactory() => Verify(FactoryNode.Replace("[|sink.Write()|]", "sink.Write()"));

    /// <summary>A virtual factory: the override creates the type that takes the lock.</summary>
    [Fact]
    public Task VirtualFactoryStillReports() => Verify(FactoryNode.Replace("public ISink Make()", "public virtual ISink Make()") + """
        public class Nodes : Factory
        {
            public override ISink Make() => new Node();
        }
        """);

    private const string InternalFlush = """
        public interface ISink { void Write(); }
        public class QuietSink : ISink { public void Write() { } }
        public class Host : ISink
        {
            private readonly object _gate = new();
            public void Write() { lock (_gate) { } }
            internal void Flush(ISink sink)
            {
                lock (_gate) { [|Emit(sink)|]; }
            }
            private static void Emit(ISink sink) => sink.Write();
        }
        """;

    /// <summary>An internal method's parameter: its call sites are looked for in every file, and the other file only passes a quiet sink.</summary>
    [Fact]
    public Task InternalMethodWhoseCallersInAnotherFilePassKnownValues() => LockAnalyzerVerifier.VerifyAsync(
        [InternalFlush.Replace("[|", string.Empty).Replace("|]", string.Empty), """
            class Flusher
            {
                void Run(Host host) { host.Flush(new QuietSink()); }
            }
            """],
        "LOCK004");

    /// <summary>The other file also passes a host: its lock is another instance of the one held.</summary>
    [Fact]
    public Task InternalMethodWhoseCallerInAnotherFilePassesALockingTypeStillReports() => LockAnalyzerVerifier.VerifyAsync(
        [InternalFlush, """
            class Flusher
            {
                void Run(Host host) { host.Flush(new QuietSink()); host.Flush(new Host()); }
            }
            """],
        "LOCK004");

    private const string InternalField = """
        public interface ISink { void Write(); }
        public class QuietSink : ISink { public void Write() { } }
        public class Host : ISink
        {
            private readonly object _gate = new();
            internal ISink Sink = new QuietSink();
            public void Write() { lock (_gate) { } }
            public void Flush()
            {
                lock (_gate) { [|Sink.Write()|]; }
            }
        }
        """;

    /// <summary>An internal field that other types can write is not followed (a search of every file costs more than it finds): every implementation stays.</summary>
    [Fact]
    public Task InternalFieldWritableFromOtherTypesKeepsEveryImplementation() => LockAnalyzerVerifier.VerifyAsync(
        [InternalField, """
            class Resetter
            {
                void Reset(Host host) { host.Sink = new QuietSink(); }
            }
            """],
        "LOCK004");
}
