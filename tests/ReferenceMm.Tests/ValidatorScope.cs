using System.Collections.Concurrent;
using LockContracts.Lockdep;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace LockContracts.ReferenceMm.Tests;

/// <summary>
/// Runs a test under the runtime validator in report mode from an empty dependency graph and
/// collects what it reports. Lockdep's graph is process-wide, hence no test parallelism.
/// </summary>
public sealed class ValidatorScope : IDisposable
{
    private readonly ConcurrentQueue<LockViolation> _violations = new();
    private readonly LockdepMode _previousMode;

    public ValidatorScope()
    {
        Lockdep.Lockdep.Reset();
        _previousMode = Lockdep.Lockdep.Mode;
        Lockdep.Lockdep.Mode = LockdepMode.Report;
        Lockdep.Lockdep.ViolationDetected += OnViolation;
    }

    public IReadOnlyCollection<LockViolation> Violations => _violations;

    public void AssertNoViolations() =>
        Assert.True(_violations.IsEmpty, "The runtime validator reported:\n" + string.Join("\n\n", _violations.Select(v => v.ToString())));

    public void Dispose()
    {
        Lockdep.Lockdep.ViolationDetected -= OnViolation;
        Lockdep.Lockdep.Mode = _previousMode;
        Lockdep.Lockdep.Reset();
    }

    private void OnViolation(object? sender, LockViolation violation) => _violations.Enqueue(violation);
}
