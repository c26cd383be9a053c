using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// The slow path of an acquisition: everything that happens when the chain being built is not in
    /// the thread's cache of validated chains. No global lock is taken unless a dependency is new.
    /// </summary>
    internal static class Validator
    {
        /// <summary>
        /// Validates an acquisition before it blocks. Throws (before the lock is taken) in
        /// <see cref="LockdepMode.Throw"/> mode or when going on would hang for certain.
        /// </summary>
        /// <returns>The key of the chain this acquisition makes, for <see cref="ThreadLockState.Push"/>.</returns>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static ulong BeforeAcquire(
            ThreadLockState state, object lockObject, LockClass lockClass, LockMode mode, bool tryAcquire)
        {
            var element = ThreadLockState.Element(lockClass.Id, mode, tryAcquire);
            var key = state.NextKey(element);
            var epoch = System.Threading.Volatile.Read(ref LockdepEpoch.Value);
            var generation = LockdepEpoch.GenerationOf(epoch);
            var flowAcquire = lockObject is CheckedAsyncLock;
            var flow = LockdepEpoch.FlowLocksHeld(epoch) ? FlowStack.LiveHead() : null;
            var cacheable = flow is null && !flowAcquire;
            if (cacheable && state.Count < Lockdep.MaxHeldLocks && state.IsCached(key, generation))
            {
                state.MarkValidated(element, key, generation);
                return key;
            }

            var depth = state.Count;
            for (var node = flow; node is not null; node = node.Next)
            {
                if (!node.IsReleased)
                {
                    depth++;
                }
            }

            if (depth >= Lockdep.MaxHeldLocks)
            {
                throw new LockdepCapacityException(
                    $"Lockdep: {depth} locks are held at once while requesting \"{lockClass.Name}\" " +
                    $"(the bound is {Lockdep.MaxHeldLocks}). A lock that is never released, or an unbounded " +
                    "recursion that takes locks, is the usual cause.");
            }

            var classId = lockClass.Id;
            List<PendingEdge>? newEdges = null;
            var heldModesOfThis = 0;

            for (var i = 0; i < state.Count; i++)
            {
                ref readonly var held = ref state.Held[i];
                Consider(held.Lock, held.ClassId, held.Mode);
            }

            for (var node = flow; node is not null; node = node.Next)
            {
                if (!node.IsReleased)
                {
                    Consider(node.Lock, node.ClassId, LockMode.Exclusive);
                }
            }

            List<LockViolation>? graphViolations = null;
            if (newEdges is not null)
            {
                graphViolations = new List<LockViolation>();
                DependencyGraph.Record(newEdges, CallStacks.Capture(), graphViolations);
            }

            if (cacheable)
            {
                state.MarkValidated(element, key, generation);
            }

            LockViolation? reentry = null;
            var fatal = false;
            if (heldModesOfThis != 0)
            {
                reentry = DescribeReentry(lockObject, lockClass, heldModesOfThis, mode, tryAcquire, out fatal);
            }

            Deliver(graphViolations, reentry, fatal);
            return key;

            void Consider(object heldLock, int heldClass, LockMode heldMode)
            {
                if (ReferenceEquals(heldLock, lockObject))
                {
                    heldModesOfThis |= 1 << (int)heldMode;
                    cacheable = false;
                    return;
                }

                if (heldClass == classId)
                {
                    cacheable = false;
                    if (tryAcquire || (heldMode == LockMode.Shared && mode == LockMode.Shared))
                    {
                        return;
                    }

                    // One key per class, so unordered nesting of a class is reported once whatever the modes.
                    AddIfNew(new PendingEdge(classId, LockMode.Exclusive, classId, LockMode.Exclusive));
                    return;
                }

                if (!tryAcquire)
                {
                    AddIfNew(new PendingEdge(heldClass, heldMode, classId, mode));
                }
            }

            void AddIfNew(PendingEdge edge)
            {
                if (!DependencyGraph.Contains(edge.Key))
                {
                    (newEdges ??= new List<PendingEdge>()).Add(edge);
                }
            }
        }

        /// <summary>LOCK102: a release of a lock the current thread or flow does not hold.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void BadRelease(LockClass lockClass, string what)
        {
            var violation = new LockViolation(
                "LOCK102",
                $"\"{lockClass.Name}\" {what}. Releasing a lock one does not hold breaks mutual exclusion for " +
                "its real holder, or hides a path that forgot to take it.",
                new[] { lockClass.Name },
                Array.Empty<LockDependency>(),
                CallStacks.Current());
            DeliverCallViolation(violation, "LOCK102:" + lockClass.Name + ":" + CallStacks.CallSite(), fatal: false);
        }

        /// <summary>LOCK101 or LOCK003 from an assertion.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void FailedAssertion(string id, LockClass lockClass, string message)
        {
            var violation = new LockViolation(
                id, message, new[] { lockClass.Name }, Array.Empty<LockDependency>(), CallStacks.Current());
            DeliverCallViolation(violation, id + ":" + lockClass.Name + ":" + CallStacks.CallSite(), fatal: false);
        }

        /// <summary>LOCK003 from <see cref="Lockdep.AssertNoLocksHeld"/>.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void LocksHeld(IReadOnlyList<string> classes)
        {
            var violation = new LockViolation(
                "LOCK003",
                $"No lock may be held here, but this thread or flow holds {string.Join(", ", Quote(classes))}.",
                classes,
                Array.Empty<LockDependency>(),
                CallStacks.Current());
            DeliverCallViolation(violation, "LOCK003:none:" + CallStacks.CallSite(), fatal: false);
        }

        private static LockViolation? DescribeReentry(
            object lockObject, LockClass lockClass, int heldModes, LockMode mode, bool tryAcquire, out bool fatal)
        {
            fatal = false;
            string message;
            if (lockObject is CheckedReaderWriterLock)
            {
                var holdsUpgradeable = (heldModes & (1 << (int)LockMode.Upgradeable)) != 0;
                var alreadyInMode = (heldModes & (1 << (int)mode)) != 0;
                if (holdsUpgradeable && !alreadyInMode && mode != LockMode.Upgradeable)
                {
                    return null;
                }

                var holdsRead = (heldModes & (1 << (int)LockMode.Shared)) != 0;
                message = holdsRead && mode != LockMode.Shared
                    ? $"\"{lockClass.Name}\" is held for read and is now requested for {Describe(mode)}. A reader " +
                      "that waits to become a writer waits for itself (and for every other such reader). Take it " +
                      "with EnterUpgradeableRead when the section may need to write."
                    : $"\"{lockClass.Name}\" is held ({DescribeModes(heldModes)}) and is requested again for " +
                      $"{Describe(mode)} by the same thread. The lock is not recursive: a waiting writer between " +
                      "the two acquisitions deadlocks the thread against itself.";
            }
            else if (lockObject is CheckedAsyncLock)
            {
                if (tryAcquire)
                {
                    // The semaphore simply refuses: nothing waits, nothing is re-entered.
                    return null;
                }

                // A one-slot semaphore taken again by its owner waits forever, whatever the mode says.
                fatal = true;
                message = $"\"{lockClass.Name}\" is already held by this async flow and is requested again. " +
                          "CheckedAsyncLock is not recursive: the second wait never completes.";
            }
            else
            {
                message = $"\"{lockClass.Name}\" is already held by this thread and is requested again. " +
                          "CheckedLock is not recursive: code that relies on re-entry usually breaks an invariant " +
                          "it assumed the outer section kept.";
            }

            return new LockViolation(
                "LOCK003", message, new[] { lockClass.Name }, Array.Empty<LockDependency>(), CallStacks.Current());
        }

        private static void Deliver(List<LockViolation>? graphViolations, LockViolation? callViolation, bool fatal)
        {
            if (graphViolations is not null)
            {
                foreach (var violation in graphViolations)
                {
                    Lockdep.Raise(violation);
                }
            }

            if (callViolation is not null)
            {
                DeliverCallViolation(
                    callViolation,
                    callViolation.Id + ":" + callViolation.Classes[0] + ":" + CallStacks.CallSite(),
                    fatal);
            }

            if (graphViolations is { Count: > 0 } && Lockdep.ThrowsOnViolation)
            {
                throw new LockOrderViolationException(graphViolations[0]);
            }
        }

        // A misuse at a call site raises the event once per site, and throws every time in Throw mode.
        private static void DeliverCallViolation(LockViolation violation, string dedupeKey, bool fatal)
        {
            if (DependencyGraph.TryReport(dedupeKey))
            {
                Lockdep.Raise(violation);
            }

            if (fatal || Lockdep.ThrowsOnViolation)
            {
                throw new LockOrderViolationException(violation);
            }
        }

        private static string Describe(LockMode mode) => mode switch
        {
            LockMode.Shared => "read",
            LockMode.Upgradeable => "upgradeable read",
            _ => "write",
        };

        private static string DescribeModes(int modes)
        {
            var names = new List<string>(3);
            for (var mode = 0; mode < 3; mode++)
            {
                if ((modes & (1 << mode)) != 0)
                {
                    names.Add(Describe((LockMode)mode));
                }
            }

            return string.Join(" and ", names);
        }

        private static IEnumerable<string> Quote(IReadOnlyList<string> classes)
        {
            foreach (var name in classes)
            {
                yield return "\"" + name + "\"";
            }
        }
    }
}
