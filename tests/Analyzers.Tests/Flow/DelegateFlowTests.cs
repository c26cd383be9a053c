using LockContracts.Analyzers.Tests.Testing;

namespace LockContracts.Analyzers.Tests.Flow;

/// <summary>
/// Delegate values and events followed to the functions they run (Flow/DelegateFlow): each shape of
/// a deadlock the analysis used to miss, modelled on the real one, in a version that is reported and
/// a fixed twin that stays silent.
/// </summary>
public class DelegateFlowTests
{
    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        LockAnalyzerVerifier.VerifyAsync(source, expected: expected);

    /// <summary>The cycle, reported on the edge that comes first in the source (#0), with the other (#1).</summary>
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Cycle() => LockAnalyzerVerifier.Diagnostic("LOCK001").WithLocation(0).WithLocation(1);

    /// <summary>The same, where the delegate may be one of several functions: a possible cycle, LOCK005 (a warning), not LOCK001.</summary>
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult UncertainCycle() => LockAnalyzerVerifier.Diagnostic("LOCK005").WithLocation(0).WithLocation(1);

    /// <summary>The other half of every cycle: a sink that holds its lock while it calls back into the owner, which takes the owner's lock.</summary>
    private const string Sink = """
        class Sink
        {
            readonly object _sync = new();
            public Owner? Owner;
            public void Write() { lock (_sync) { } }
            public void Abort() { lock (_sync) { {|#1:Owner!.Cancel()|}; } }
        }
        """;

    private static string Quiet(string source) => source.Replace("{|#1:Owner!.Cancel()|}", "Owner!.Cancel()");

    [Fact]
    public Task ADelegateHeldInALocalRunsUnderTheLock() => Verify("""
        class Owner
        {
            readonly object _gate = new();
            readonly Action<object?> sendNextChunk;
            public Owner(Sink sink) { sendNextChunk = state => sink.Write(); }
            public void Pump()
            {
                var next = sendNextChunk;
                lock (_gate)
                {
                    {|#0:next(null)|};
                }
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink, Cycle());

    [Fact]
    public Task ADelegateHeldInALocalAndRunAfterTheLockIsSilent() => Verify(Quiet("""
        class Owner
        {
            readonly object _gate = new();
            readonly Action<object?> sendNextChunk;
            int _sent;
            public Owner(Sink sink) { sendNextChunk = state => sink.Write(); }
            public void Pump()
            {
                var next = sendNextChunk;
                lock (_gate)
                {
                    _sent++;
                }
                next(null);
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink));

    [Fact]
    public Task ALocalDelegateAssignedAfterItsDeclarationAndCopied() => Verify("""
        class Owner
        {
            readonly object _gate = new();
            public void Pump(Sink sink)
            {
                Action<object?>? sendNextChunk = null;
                sendNextChunk = state => sink.Write();
                var next = sendNextChunk;
                lock (_gate)
                {
                    {|#0:next(null)|};
                }
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink, Cycle());

    [Fact]
    public Task ALocalDelegateCopiedAndRunAfterTheLockIsSilent() => Verify(Quiet("""
        class Owner
        {
            readonly object _gate = new();
            int _sent;
            public void Pump(Sink sink)
            {
                Action<object?>? sendNextChunk = null;
                sendNextChunk = state => sink.Write();
                var next = sendNextChunk;
                lock (_gate) { _sent++; }
                next(null);
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink));

    /// <summary>A delegate returned by a method of the program and run under the lock.</summary>
    private const string Returned = """
        class Owner
        {
            readonly object _gate = new();
            Sink? _sink;
            Action<object?> NextStep() { if (_sink is null) return _ => { }; return state => _sink.Write(); }
            public void Pump() { PUMP }
            public void Cancel() { lock (_gate) { } }
        }
        """;

    [Fact]
    public Task ADelegateReturnedByAMethodRunsUnderTheLock() =>
        Verify(Returned.Replace("PUMP", "var next = NextStep(); lock (_gate) { {|#0:next(null)|}; }") + Sink, UncertainCycle());

    [Fact]
    public Task ADelegateReturnedByAMethodAndRunAfterTheLockIsSilent() =>
        Verify(Quiet(Returned.Replace("PUMP", "var next = NextStep(); lock (_gate) { } next(null);") + Sink));

    [Fact]
    public Task ALocalAssignedTwiceRunsEitherFunction() => Verify("""
        class Owner
        {
            readonly object _gate = new();
            public Sink? Target;
            public void Pump(bool fast)
            {
                Action next = () => { };
                if (fast) next = () => Target!.Write();
                lock (_gate)
                {
                    {|#0:next()|};
                }
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink, UncertainCycle());

    [Fact]
    public Task ADelegateParameterRunsWhatItsCallersPass() => Verify("""
        class Owner
        {
            readonly object _gate = new();
            void Run(Action<int> callback) { lock (_gate) { {|#0:callback(1)|}; } }
            public void Post(Sink sink) => Run(n => sink.Write());
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink, Cycle());

    [Fact]
    public Task ADelegateParameterRunAfterTheLockIsSilent() => Verify(Quiet("""
        class Owner
        {
            readonly object _gate = new();
            int _runs;
            void Run(Action<int> callback) { lock (_gate) { _runs++; } callback(1); }
            public void Post(Sink sink) => Run(n => sink.Write());
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink));

    [Fact]
    public Task ADelegatePassedToAnExtensionMethodInItsReducedFormRunsUnderTheLock() => Verify("""
        static class Gates
        {
            public static void RunLocked(this Owner owner, Action<int> callback) { lock (owner.Gate) { {|#0:callback(1)|}; } }
        }
        class Owner
        {
            public readonly object Gate = new();
            public void Post(Sink sink) => this.RunLocked(n => sink.Write());
            public void Cancel() { lock (Gate) { } }
        }
        """ + Sink, Cycle());

    [Fact]
    public Task ACallerOfAnotherMethodOfTheSameNameIsNotACallerOfTheParameter() => Verify(Quiet("""
        class Owner
        {
            readonly object _gate = new();
            int _runs;
            void Run(Action<int> callback) { lock (_gate) { callback(1); } }
            public void Post() => Run(n => _runs++);
            public void Cancel() { lock (_gate) { } }
        }
        class Scheduler
        {
            public void Run(Action<int> callback) => callback(2);
        }
        class Poster
        {
            public void Post(Scheduler scheduler, Sink sink) => scheduler.Run(n => sink.Write());
        }
        """ + Sink));

    /// <summary>The callback reaches a struct's property through its constructor, from a parameter two calls away.</summary>
    private const string Transfer = """
        readonly struct Completion
        {
            public Completion(Action onDone) { OnDone = onDone; }
            public Action OnDone { get; }
        }
        class Owner
        {
            readonly object _gate = new();
            Completion _completion;
            public void Start(Action onDone) => Prepare(onDone);
            void Prepare(Action onDone) => _completion = new Completion(onDone);
            public void Finish() { FINISH }
            public void Cancel() { lock (_gate) { } }
        }
        class Client
        {
            readonly Owner _transfer = new();
            public void Begin(Sink sink) => _transfer.Start(() => sink.Write());
        }
        """;

    [Fact]
    public Task AStructPropertySetFromAConstructorParameterTwoCallsAway() =>
        Verify(Transfer.Replace("FINISH", "lock (_gate) { {|#0:_completion.OnDone()|}; }") + Sink, Cycle());

    [Fact]
    public Task AStructPropertyRunAfterTheLockIsSilent() =>
        Verify(Quiet(Transfer.Replace("FINISH", "Completion done; lock (_gate) { done = _completion; } done.OnDone();") + Sink));

    /// <summary>A continuation carried in an object-typed slot (a socket operation's <c>UserToken</c>) and cast back when the operation completes.</summary>
    private const string Connection = """
        class Owner
        {
            readonly object _gate = new();
            readonly System.Net.Sockets.SocketAsyncEventArgs _args = new();
            public void Send(Action<int> continuation) { _args.UserToken = continuation; }
            public void OnCompleted() { COMPLETED }
            public void Cancel() { lock (_gate) { } }
        }
        class Session
        {
            readonly Owner _connection = new();
            public void Write(Sink sink) => _connection.Send(n => sink.Write());
        }
        """;

    [Fact]
    public Task AContinuationCarriedInAUserTokenAndCastBack() =>
        Verify(Connection.Replace("COMPLETED", "lock (_gate) { var k = (Action<int>)_args.UserToken!; {|#0:k(0)|}; }") + Sink, Cycle());

    [Fact]
    public Task AContinuationCastBackAndRunAfterTheLockIsSilent() =>
        Verify(Quiet(Connection.Replace("COMPLETED", "Action<int> k; lock (_gate) { k = (Action<int>)_args.UserToken!; } k(0);") + Sink));

    /// <summary>An event raised by a build, with a logger's handler that takes the logger's lock (the sink's role here).</summary>
    private const string Build = """
        interface IBuildEvents { event EventHandler? ProjectFinished; }
        class Owner : IBuildEvents
        {
            readonly object _gate = new();
            public event EventHandler? ProjectFinished;
            public void Complete() { COMPLETE }
            protected virtual void OnProjectFinished() => ProjectFinished?.Invoke(this, EventArgs.Empty);
            public void Cancel() { lock (_gate) { } }
        }
        class Logger
        {
            readonly Sink _sink;
            readonly EventHandler _onFinished;
            public Logger(Owner build, IBuildEvents events, Sink sink)
            {
                _sink = sink;
                _onFinished = (s, e) => _sink.Write();
                SUBSCRIBE
            }
            void OnFinished(object? sender, EventArgs e) => _sink.Write();
        }
        """;

    private static string RaisedBy(string complete, string subscribe) => Build.Replace("COMPLETE", complete).Replace("SUBSCRIBE", subscribe) + Sink;

    private const string LocalCopy = "lock (_gate) { var h = ProjectFinished; {|#0:h?.Invoke(this, EventArgs.Empty)|}; }";

    [Fact]
    public Task AnEventRaisedThroughALocalCopy() => Verify(RaisedBy(LocalCopy, "build.ProjectFinished += OnFinished;"), Cycle());

    [Fact]
    public Task AnEventCopiedUnderTheLockAndRaisedAfterIsSilent() => Verify(Quiet(RaisedBy(
        "EventHandler? h; lock (_gate) { h = ProjectFinished; } h?.Invoke(this, EventArgs.Empty);", "build.ProjectFinished += OnFinished;")));

    [Fact]
    public Task AnEventSubscribedThroughAnInterfaceEvent() => Verify(RaisedBy(LocalCopy, "events.ProjectFinished += OnFinished;"), Cycle());

    [Fact]
    public Task AnInterfaceEventWithNoHandlerThatLocksIsSilent() => Verify(Quiet(RaisedBy(LocalCopy, "events.ProjectFinished += (s, e) => { };")));

    [Fact]
    public Task AHandlerThatIsOnlyUnsubscribedIsSilent() =>
        Verify(Quiet(RaisedBy(LocalCopy, "build.ProjectFinished += (s, e) => { }; build.ProjectFinished -= OnFinished;")));

    [Fact]
    public Task AHandlerThatIsADelegateField() => Verify(RaisedBy(LocalCopy, "build.ProjectFinished += _onFinished;"), Cycle());

    [Fact]
    public Task ADelegateFieldThatIsNeverSubscribedIsSilent() => Verify(Quiet(RaisedBy(LocalCopy, "_onFinished(this, EventArgs.Empty);")));

    [Fact]
    public Task AnEventRaisedThroughAProtectedOnMethod() => Verify(RaisedBy("lock (_gate) { {|#0:OnProjectFinished()|}; }", "build.ProjectFinished += (s, e) => sink.Write();"), Cycle());

    [Fact]
    public Task AnEventRaisedThroughAnOnMethodAfterTheLockIsSilent() =>
        Verify(Quiet(RaisedBy("lock (_gate) { } OnProjectFinished();", "build.ProjectFinished += (s, e) => sink.Write();")));

    /// <summary>An event with its own accessors, storing its handlers in a delegate field that is raised under the lock.</summary>
    private const string Accessors = """
        class Owner
        {
            readonly object _gate = new();
            EventHandler? _finished;
            public event EventHandler Finished { add { lock (_gate) { _finished += value; } } remove { lock (_gate) { _finished -= value; } } }
            public void Complete() { COMPLETE }
            public void Cancel() { lock (_gate) { } }
        }
        class Logger
        {
            public Logger(Owner build, Sink sink) { build.Finished += (s, e) => sink.Write(); }
        }
        """;

    [Fact]
    public Task AnEventWithAccessorsRaisedFromItsField() =>
        Verify(Accessors.Replace("COMPLETE", "lock (_gate) { {|#0:_finished?.Invoke(this, EventArgs.Empty)|}; }") + Sink, Cycle());

    [Fact]
    public Task AnEventWithAccessorsRaisedAfterTheLockIsSilent() =>
        Verify(Quiet(Accessors.Replace("COMPLETE", "EventHandler? h; lock (_gate) { h = _finished; } h?.Invoke(this, EventArgs.Empty);") + Sink));

    [Fact]
    public Task AnEventWithAccessorsThatCombineRaisedFromItsField() => Verify(Accessors
        .Replace("_finished += value;", "_finished = (EventHandler?)Delegate.Combine(_finished, value);")
        .Replace("_finished -= value;", "_finished = (EventHandler?)Delegate.Remove(_finished, value);")
        .Replace("COMPLETE", "lock (_gate) { {|#0:_finished?.Invoke(this, EventArgs.Empty)|}; }") + Sink, Cycle());

    /// <summary>Callbacks kept in a list and run one by one.</summary>
    private const string Callbacks = """
        class Owner
        {
            readonly object _gate = new();
            readonly List<Action> _callbacks = new();
            public void OnIdle(Action callback) { lock (_gate) { _callbacks.Add(callback); } }
            public void Idle() { IDLE }
            public void Cancel() { lock (_gate) { } }
        }
        class Client
        {
            public Client(Owner owner, Sink sink) { owner.OnIdle(() => sink.Write()); }
        }
        """;

    [Fact]
    public Task CallbacksKeptInAListAndRunUnderTheLock() =>
        Verify(Callbacks.Replace("IDLE", "lock (_gate) { foreach (var callback in _callbacks.ToArray()) {|#0:callback()|}; }") + Sink, Cycle());

    [Fact]
    public Task CallbacksKeptInAListAndRunByIndexUnderTheLock() =>
        Verify(Callbacks.Replace("IDLE", "lock (_gate) { for (var i = 0; i < _callbacks.Count; i++) {|#0:_callbacks[i]()|}; }") + Sink, Cycle());

    [Fact]
    public Task CallbacksCopiedUnderTheLockAndRunAfterIsSilent() =>
        Verify(Quiet(Callbacks.Replace("IDLE", "Action[] pending; lock (_gate) { pending = _callbacks.ToArray(); _callbacks.Clear(); } foreach (var callback in pending) callback();") + Sink));

    [Fact]
    public Task AHandlerRunOnTheThreadPoolIsNotUnderTheLock() => Verify(Quiet(RaisedBy(
        "lock (_gate) { var h = ProjectFinished; Task.Run(() => h?.Invoke(this, EventArgs.Empty)); ThreadPool.QueueUserWorkItem(_ => OnProjectFinished()); }",
        "build.ProjectFinished += OnFinished;")));

    [Fact]
    public Task AContinuationIsNotUnderTheLock() => Verify(Quiet("""
        class Owner
        {
            readonly object _gate = new();
            public void After(Task pending, Sink sink)
            {
                Action<Task> resume = _ => sink.Write();
                lock (_gate) { pending.ContinueWith(resume); pending.GetAwaiter().OnCompleted(() => sink.Write()); }
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink));

    [Fact]
    public Task TheSameDelegateRunInPlaceIsUnderTheLock() => Verify("""
        class Owner
        {
            readonly object _gate = new();
            public void After(Task pending, Sink sink)
            {
                Action<Task> resume = _ => sink.Write();
                lock (_gate) { {|#0:resume(pending)|}; }
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink, Cycle());

    [Fact]
    public Task ADelegateGivenToATimerIsNotUnderTheLock() => Verify(Quiet("""
        class Owner
        {
            readonly object _gate = new();
            Timer? _timer;
            public void Arm(Sink sink)
            {
                Action<object?> tick = _ => sink.Write();
                lock (_gate) { _timer = new Timer(s => tick(s), null, 10, 10); }
            }
            public void Cancel() { lock (_gate) { } }
        }
        """ + Sink));

    /// <summary>A dispatcher that keeps one handler per topic in a dictionary and runs it by key.</summary>
    private const string Topics = """
        class Owner
        {
            readonly object _gate = new();
            readonly Dictionary<string, Action<int>> _handlers = new();
            public void On(string topic, Action<int> handler) { lock (_gate) { _handlers[topic] = handler; } }
            public void Dispatch(string topic, int n) { DISPATCH }
            public void Cancel() { lock (_gate) { } }
        }
        class Client
        {
            public Client(Owner owner, Sink sink) { owner.On("write", n => sink.Write()); }
        }
        """;

    private static string Dispatched(string dispatch) => Topics.Replace("DISPATCH", dispatch) + Sink;

    [Fact]
    public Task AHandlerReadByKeyAndRunUnderTheLock() => Verify(Dispatched("lock (_gate) { {|#0:_handlers[topic](n)|}; }"), Cycle());

    [Fact]
    public Task AHandlerReadByKeyIntoALocalAndRunUnderTheLock() =>
        Verify(Dispatched("lock (_gate) { var h = _handlers[topic]; {|#0:h?.Invoke(n)|}; }"), Cycle());

    [Fact]
    public Task AHandlerReadByKeyUnderTheLockAndRunAfterIsSilent() =>
        Verify(Quiet(Dispatched("Action<int> h; lock (_gate) { h = _handlers[topic]; } h(n);")));

    [Fact]
    public Task AHandlerFoundWithTryGetValueAndRunUnderTheLock() =>
        Verify(Dispatched("lock (_gate) { if (_handlers.TryGetValue(topic, out var h)) {|#0:h(n)|}; }"), Cycle());

    [Fact]
    public Task AHandlerFoundWithTryGetValueIntoADeclaredLocal() =>
        Verify(Dispatched("lock (_gate) { Action<int>? h; if (!_handlers.TryGetValue(topic, out h)) return; {|#0:h(n)|}; }"), Cycle());

    [Fact]
    public Task AHandlerFoundWithTryGetValueAndRunAfterTheLockIsSilent() =>
        Verify(Quiet(Dispatched("Action<int>? h; lock (_gate) { _handlers.TryGetValue(topic, out h); } h?.Invoke(n);")));

    [Fact]
    public Task AHandlerFoundWithGetValueOrDefaultAndRunUnderTheLock() =>
        Verify(Dispatched("lock (_gate) { var h = _handlers.GetValueOrDefault(topic); {|#0:h?.Invoke(n)|}; }"), Cycle());

    [Fact]
    public Task AHandlerFoundWithGetValueOrDefaultAndRunAfterTheLockIsSilent() =>
        Verify(Quiet(Dispatched("Action<int>? h; lock (_gate) { h = _handlers.GetValueOrDefault(topic); } h?.Invoke(n);")));

    [Fact]
    public Task TheDefaultGivenToGetValueOrDefaultIsRunToo() => Verify(Topics.Replace("n => sink.Write()", "n => { }")
        .Replace("DISPATCH", "lock (_gate) { {|#0:_handlers.GetValueOrDefault(topic, Fallback)(n)|}; }")
        .Replace("public void Cancel()", "public Sink? Sink; void Fallback(int n) => Sink!.Write(); public void Cancel()") + Sink, UncertainCycle());

    /// <summary>A dispatch table filled where it is created, one handler per message kind.</summary>
    private const string Table = """
        class Owner
        {
            readonly object _gate = new();
            readonly Sink _sink;
            readonly Dictionary<string, Action<int>> _handlers;
            readonly Action<int>[] _steps;
            readonly List<Action<int>> _listeners;
            static Sink? s_shared;
            static void Log(int n) => s_shared!.Write();
            readonly Action<int>[] _always = { n => { }, ALWAYS };
            public Owner(Sink sink)
            {
                _sink = sink;
                _handlers = new() { ["ping"] = n => { }, ["write"] = WRITE };
                _steps = new Action<int>[] { n => { }, WRITE };
                _listeners = new List<Action<int>> { n => { }, WRITE };
            }
            public void Dispatch(string kind, int n) { DISPATCH }
            public void Cancel() { lock (_gate) { } }
        }
        """;

    private static string Tabled(string dispatch, string write = "n => { }", string always = "n => { }") =>
        Table.Replace("DISPATCH", dispatch).Replace("WRITE", write).Replace("ALWAYS", always) + Sink;

    [Fact]
    public Task AHandlerOfADispatchTableFilledAtCreation() =>
        Verify(Tabled("lock (_gate) { {|#0:_handlers[kind](n)|}; }", write: "n => _sink.Write()"), UncertainCycle());

    [Fact]
    public Task AStepOfAnArrayFilledAtCreation() => Verify(Tabled("lock (_gate) { {|#0:_steps[n](n)|}; }", write: "n => _sink.Write()"), UncertainCycle());

    [Fact]
    public Task AListenerOfAListFilledAtCreation() =>
        Verify(Tabled("lock (_gate) { foreach (var listener in _listeners) {|#0:listener(n)|}; }", write: "n => _sink.Write()"), UncertainCycle());

    [Fact]
    public Task AStepOfAnArrayInitializedInItsDeclaration() =>
        Verify(Tabled("lock (_gate) { {|#0:_always[n](n)|}; }", always: "Log"), UncertainCycle());

    [Fact]
    public Task ADispatchTableOfHarmlessHandlersIsSilent() => Verify(Quiet(Tabled(
        "lock (_gate) { _handlers[kind](n); _steps[n](n); _always[n](n); foreach (var listener in _listeners) listener(n); }")));

    /// <summary>Pending requests kept in a concurrent dictionary by id, completed (and removed) when the answer comes.</summary>
    private const string Pending = """
        using System.Collections.Concurrent;
        class Owner
        {
            readonly object _gate = new();
            readonly ConcurrentDictionary<int, Action<int>> _pending = new();
            readonly ConcurrentQueue<Action<int>> _queued = new();
            readonly Queue<Action<int>> _waiting = new();
            readonly Dictionary<int, Action<int>> _byId = new();
            public void Send(int id, Action<int> completion) { STORE }
            public void Answer(int id, int n) { ANSWER }
            public void Cancel() { lock (_gate) { } }
        }
        class Client
        {
            public Client(Owner owner, Sink sink) { owner.Send(1, n => sink.Write()); }
        }
        """;

    private static string Answered(string store, string answer) => Pending.Replace("STORE", store).Replace("ANSWER", answer) + Sink;

    [Fact]
    public Task ACompletionTakenWithTryRemoveAndRunUnderTheLock() => Verify(
        Answered("_pending.TryAdd(id, completion);", "lock (_gate) { if (_pending.TryRemove(id, out var done)) {|#0:done(n)|}; }"), Cycle());

    [Fact]
    public Task ACompletionTakenWithTryDequeueAndRunUnderTheLock() => Verify(
        Answered("_queued.Enqueue(completion);", "lock (_gate) { while (_queued.TryDequeue(out var done)) {|#0:done(n)|}; }"), Cycle());

    [Fact]
    public Task ACompletionDequeuedAndRunUnderTheLock() => Verify(
        Answered("lock (_gate) { _waiting.Enqueue(completion); }", "lock (_gate) { if (_waiting.Count > 0) {|#0:_waiting.Dequeue()(n)|}; }"), Cycle());

    [Fact]
    public Task ACompletionRemovedFromADictionaryAndRunUnderTheLock() => Verify(Answered(
        "_byId[id] = completion;", "lock (_gate) { if (_byId.Remove(id, out var done)) {|#0:done(n)|}; }"), Cycle());

    [Fact]
    public Task ACompletionRemovedUnderTheLockAndRunAfterIsSilent() => Verify(Quiet(Answered(
        "_byId[id] = completion;", "Action<int>? done; lock (_gate) { _byId.Remove(id, out done); } done?.Invoke(n);")));

    [Fact]
    public Task ACompletionTakenWithTryRemoveAndRunAfterTheLockIsSilent() => Verify(Quiet(
        Answered("_pending.TryAdd(id, completion);", "Action<int>? done; lock (_gate) { _pending.TryRemove(id, out done); } done?.Invoke(n);")));

    [Fact]
    public Task ACompletionStoredWithGetOrAddAndRunUnderTheLock() => Verify(
        Answered("_pending.GetOrAdd(id, completion);", "lock (_gate) { {|#0:_pending[id](n)|}; }"), Cycle());

    [Fact]
    public Task ACompletionStoredWithAddOrUpdateAndRunUnderTheLock() => Verify(
        Answered("_pending.AddOrUpdate(id, completion, (_, previous) => previous);", "lock (_gate) { {|#0:_pending[id](n)|}; }"), Cycle());

    [Fact]
    public Task AValueFactoryIsNotAnElement() => Verify(Quiet(Answered(
        "_pending.AddOrUpdate(id, _ => { completion(0); return n => { }; }, (_, previous) => { completion(1); return previous; }); _pending.GetOrAdd(id, _ => { completion(2); return n => { }; });",
        "lock (_gate) { _pending[id](n); }")));

    /// <summary>Callbacks kept in slots of an array and run by slot.</summary>
    private const string Slots = """
        class Owner
        {
            readonly object _gate = new();
            readonly Action<int>[] _callbacks = new Action<int>[4];
            Sink? _sink;
            public void Register(int slot, Sink sink) { _sink = sink; _callbacks[slot] = CALLBACK; }
            public void Fire(int slot, int n) { lock (_gate) { {|#0:_callbacks[slot](n)|}; } }
            public void Cancel() { lock (_gate) { } }
        }
        """;

    [Fact]
    public Task ACallbackInAnArraySlotRunUnderTheLock() => Verify(Slots.Replace("CALLBACK", "n => _sink!.Write()") + Sink, Cycle());

    [Fact]
    public Task AnArrayOfHarmlessCallbacksIsSilent() =>
        Verify(Quiet(Slots.Replace("CALLBACK", "n => { }").Replace("{|#0:_callbacks[slot](n)|}", "_callbacks[slot](n)") + Sink));

    /// <summary>Two notifications combined into one delegate run under the lock.</summary>
    private const string Combined = """
        class Owner
        {
            readonly object _gate = new();
            readonly Action<int> _onWrite;
            readonly Action<int> _onFlush = n => { };
            public Owner(Sink sink) { _onWrite = n => sink.Write(); }
            public void Flush(int n) { FLUSH }
            public void Cancel() { lock (_gate) { } }
        }
        """;

    private static string Flushed(string flush) => Combined.Replace("FLUSH", flush) + Sink;

    [Fact]
    public Task DelegatesCombinedWithDelegateCombine() =>
        Verify(Flushed("var both = (Action<int>)Delegate.Combine(_onFlush, _onWrite); lock (_gate) { {|#0:both(n)|}; }"), UncertainCycle());

    [Fact]
    public Task DelegatesCombinedWithDelegateCombineFromAnArray() =>
        Verify(Flushed("var all = (Action<int>)Delegate.Combine(new Delegate[] { _onFlush, _onWrite }); lock (_gate) { {|#0:all(n)|}; }"), UncertainCycle());

    [Fact]
    public Task DelegatesCombinedWithDelegateCombineAsParams() => Verify(
        Flushed("var all = (Action<int>?)Delegate.Combine(_onFlush, null, _onWrite); lock (_gate) { {|#0:all?.Invoke(n)|}; }"), UncertainCycle());

    [Fact]
    public Task DelegatesCombinedAndRunAfterTheLockIsSilent() =>
        Verify(Quiet(Flushed("var both = (Action<int>)Delegate.Combine(_onFlush, _onWrite); lock (_gate) { } both(n);")));

    [Fact]
    public Task DelegatesCombinedWithPlus() => Verify(Flushed("var both = _onFlush + _onWrite; lock (_gate) { {|#0:both(n)|}; }"), UncertainCycle());

    [Fact]
    public Task DelegatesCombinedWithPlusEquals() =>
        Verify(Flushed("Action<int> all = _onFlush; all += _onWrite; lock (_gate) { {|#0:all(n)|}; }"), UncertainCycle());

    [Fact]
    public Task DelegatesCombinedWithPlusEqualsAndRunAfterTheLockIsSilent() =>
        Verify(Quiet(Flushed("Action<int> all = _onFlush; all += _onWrite; lock (_gate) { } all(n);")));

    [Fact]
    public Task ADelegateRemovedWithMinusOrDelegateRemoveIsNotAdded() => Verify(Quiet(Flushed(
        "var rest = (Action<int>?)Delegate.Remove(_onFlush, _onWrite); var others = _onFlush - _onWrite; lock (_gate) { rest?.Invoke(n); others?.Invoke(n); }")));

    [Fact]
    public Task ADelegateRemovedWithMinusEqualsIsNotAdded() =>
        Verify(Quiet(Flushed("Action<int> all = _onFlush; all -= _onWrite; lock (_gate) { all(n); }")));
}
