using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// A directed schedule that shows a buggy variant break without relying on two threads happening
/// to meet. Each attempt starts from fresh state: the victim (the variant's operation) runs on its
/// own thread until it is asleep in its window — the <c>Thread.Sleep(1)</c> the variant opens the
/// window with —, the intruder (truncate, a store, a direct write) runs on the test thread
/// meanwhile, the victim is joined and the check lists what broke.
/// </summary>
/// <remarks>
/// "Asleep in its window" is read from the victim's <see cref="System.Threading.ThreadState.WaitSleepJoin"/>:
/// the only wait before the window must be that sleep, so every lock the victim takes before it must
/// be free then (the test thread only watches until it sees the victim asleep). An attempt can still
/// miss when the intruder is descheduled for longer than the sleep and the victim runs on first;
/// the next attempt starts over, up to <see cref="MaxAttempts"/> or <see cref="Budget"/>.
/// </remarks>
public static class Interleaving
{
    public static int MaxAttempts { get; } = 200;

    public static TimeSpan Budget { get; } = TimeSpan.FromSeconds(20);

    /// <summary>One attempt's fresh state: what the victim and the intruder do and what must hold afterwards.</summary>
    public sealed record Attempt(Action Victim, Action Intruder, Func<IEnumerable<string>> Check);

    /// <summary>How many attempts ran, in how many the intruder ran inside the window, and what the last one broke.</summary>
    public sealed record Outcome(int Attempts, int InWindow, IReadOnlyList<string> Broken)
    {
        public override string ToString() =>
            $"{Attempts} attempt(s), the intruder ran inside the victim's window in {InWindow}; broken: "
            + (Broken.Count == 0 ? "nothing" : string.Join("; ", Broken));
    }

    /// <summary>
    /// Runs attempts until one breaks (the check lists something) and asserts that one did: a
    /// schedule that never produces the break fails the test, saying how often it reached the window.
    /// </summary>
    public static Outcome AssertBreaks(Func<Attempt> arrange)
    {
        var clock = Stopwatch.StartNew();
        var attempts = 0;
        var inWindow = 0;
        while (attempts < MaxAttempts && (attempts == 0 || clock.Elapsed < Budget))
        {
            attempts++;
            var attempt = arrange();
            if (RunOnce(attempt))
            {
                inWindow++;
            }

            var broken = attempt.Check().ToList();
            if (broken.Count > 0)
            {
                return new Outcome(attempts, inWindow, broken);
            }
        }

        var outcome = new Outcome(attempts, inWindow, Array.Empty<string>());
        Assert.Fail($"The schedule never broke the invariant in {clock.Elapsed.TotalSeconds:0.0} s: {outcome}.");
        return outcome;
    }

    /// <summary>One attempt; true when the intruder ran while the victim was asleep in its window.</summary>
    private static bool RunOnce(Attempt attempt)
    {
        ExceptionDispatchInfo? failure = null;
        var victim = new Thread(() =>
        {
            try
            {
                attempt.Victim();
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
        }) { IsBackground = true, Name = "victim" };

        victim.Start();
        var asleep = WaitUntilAsleep(victim);
        if (asleep)
        {
            attempt.Intruder();
        }

        if (!victim.Join(Stress.DeadlockLimit))
        {
            Assert.Fail($"The victim did not finish within {Stress.DeadlockLimit} after the intruder: deadlock.");
        }

        failure?.Throw();
        return asleep;
    }

    /// <summary>Waits, yielding the core, until the victim sleeps (true) or finishes without sleeping (false).</summary>
    private static bool WaitUntilAsleep(Thread victim)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var state = victim.ThreadState;
            if ((state & System.Threading.ThreadState.WaitSleepJoin) != 0)
            {
                return true;
            }

            if ((state & System.Threading.ThreadState.Stopped) != 0)
            {
                return false;
            }

            if (waited.Elapsed > Stress.DeadlockLimit)
            {
                Assert.Fail($"The victim neither reached its window nor finished within {Stress.DeadlockLimit}: livelock.");
            }

            Thread.Yield();
        }
    }
}
