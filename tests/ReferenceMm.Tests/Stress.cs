using System.Diagnostics;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Runs racing workers on dedicated threads until each has done its iterations, the time budget
/// is spent, or <see cref="Stop"/> is set (a worker saw the invariant break). A run that has not
/// done <see cref="Enough"/> when the budget is spent (a slow or busy machine) goes on for up to
/// <see cref="Overtime"/> more. A worker that does not finish within the deadlock limit after that
/// fails the run: a hang is reported, not waited for.
/// </summary>
public sealed class Stress
{
    private int _stopped;
    private int[] _done = Array.Empty<int>();

    public Stress(TimeSpan budget) => Budget = budget;

    public TimeSpan Budget { get; }

    /// <summary>
    /// Whether the run did what the test needs to mean anything, given each worker's iterations so
    /// far (e.g. every worker ran a thousand times); checked once the budget is spent. None: the budget alone.
    /// </summary>
    public Func<IReadOnlyList<int>, bool>? Enough { get; init; }

    /// <summary>How far past the budget a run that has not done <see cref="Enough"/> may go.</summary>
    public TimeSpan Overtime { get; init; } = TimeSpan.FromSeconds(30);

    public static TimeSpan DeadlockLimit { get; } = TimeSpan.FromSeconds(20);

    public bool Stopped => Volatile.Read(ref _stopped) != 0;

    public void Stop() => Volatile.Write(ref _stopped, 1);

    /// <summary>How many iterations each worker completed in the last run.</summary>
    public IReadOnlyList<int> Done => _done;

    /// <summary>Each worker is called with its iteration number until it returns false, runs out, or the run stops.</summary>
    public void Run(int iterations, params Func<int, bool>[] workers)
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<Exception>();
        var done = new int[workers.Length];
        _done = done;
        var limit = Enough is null ? Budget : Budget + Overtime;
        bool InTime() => clock.Elapsed < Budget || (clock.Elapsed < limit && !Enough!(done));
        var threads = workers.Select((worker, number) => new Thread(() =>
        {
            try
            {
                for (var i = 0; i < iterations && !Stopped && InTime(); i++)
                {
                    var keepGoing = worker(i);
                    Volatile.Write(ref done[number], i + 1);
                    if (!keepGoing)
                    {
                        break;
                    }
                }
            }
            catch (Exception exception)
            {
                lock (failures)
                {
                    failures.Add(exception);
                }

                Stop();
            }
        }) { IsBackground = true }).ToList();

        threads.ForEach(t => t.Start());
        foreach (var thread in threads)
        {
            var remaining = limit + DeadlockLimit - clock.Elapsed;
            if (!thread.Join(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero))
            {
                Stop();
                Assert.Fail($"A worker did not finish within {DeadlockLimit} after the {limit} budget: deadlock or livelock.");
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("A worker failed.", failures);
        }
    }
}
