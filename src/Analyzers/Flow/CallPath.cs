using System.Collections;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// The evidence of an acquisition: the calls from a method down to the operation that takes the
    /// lock, outermost first. Immutable and shared: adding a step behind makes one small node that points
    /// at the path it extends and holds the step; joining two paths, or adding a step in front, makes one
    /// that points at the paths it joins, so a summary that extends its callees' paths for every caller
    /// copies none of them. Length, first and last step and whether
    /// any step is uncertain are kept in each node; the steps are listed only when a message needs them.
    /// </summary>
    internal sealed class CallPath : IEnumerable<CallStep>
    {
        public static readonly CallPath Empty = new(null, null, null);

        /// <summary>A node is one step (no left), a path and a step behind it (no right), or two paths joined (no step).</summary>
        private readonly CallStep? _step;
        private readonly CallPath? _left;
        private readonly CallPath? _right;

        private CallPath(CallStep? step, CallPath? left, CallPath? right)
        {
            _step = step;
            _left = left;
            _right = right;
            if (step is not null && left is null)
            {
                Length = 1;
                First = Last = step;
                IsUncertain = step.IsUncertain;
            }
            else if (step is not null && left is not null)
            {
                Length = left.Length + 1;
                First = left.First;
                Last = step;
                IsUncertain = left.IsUncertain || step.IsUncertain;
            }
            else if (left is not null && right is not null)
            {
                Length = left.Length + right.Length;
                First = left.First;
                Last = right.Last;
                IsUncertain = left.IsUncertain || right.IsUncertain;
            }
        }

        public static CallPath Of(CallStep step) => new(step, null, null);

        public int Length { get; }

        public bool IsEmpty => Length == 0;

        /// <summary>The call made in the method the path starts from (or the acquisition, for a direct one); null when empty.</summary>
        public CallStep? First { get; }

        /// <summary>The acquisition itself; null when empty.</summary>
        public CallStep? Last { get; }

        /// <summary>Some step is a call whose target is one of several possible (<see cref="CallStep.IsUncertain"/>).</summary>
        public bool IsUncertain { get; }

        public CallStep this[int index]
        {
            get
            {
                if (index == 0 && First is not null)
                {
                    return First;
                }

                if (index == Length - 1 && Last is not null)
                {
                    return Last;
                }

                var node = this;
                while (true)
                {
                    if (index < 0 || index >= node.Length)
                    {
                        throw new System.ArgumentOutOfRangeException(nameof(index));
                    }

                    if (node._left is null)
                    {
                        return node._step!;
                    }

                    if (index < node._left.Length)
                    {
                        node = node._left;
                        continue;
                    }

                    index -= node._left.Length;
                    if (node._right is null)
                    {
                        // A path and a step behind it: the step is the last one.
                        return node._step!;
                    }

                    node = node._right;
                }
            }
        }

        public CallPath Insert(int index, CallStep step) => index == 0 ? Join(Of(step), this) : throw new System.NotSupportedException("Only steps in front are inserted.");

        public CallPath Add(CallStep step) => IsEmpty ? Of(step) : new CallPath(step, this, null);

        public CallPath AddRange(CallPath rest) => Join(this, rest);

        /// <summary>
        /// The order in which evidence is preferred: the shorter path, then step by step by file path,
        /// position and name. It depends on the steps only, never on the order in which methods were
        /// analyzed, so that the editor and a build keep the same evidence; and a common prefix does not
        /// change it, so that a summary spliced into its callers keeps the path a walk through it finds.
        /// </summary>
        public static int Compare(CallPath a, CallPath b)
        {
            if (ReferenceEquals(a, b))
            {
                return 0;
            }

            var byLength = a.Length.CompareTo(b.Length);
            if (byLength != 0)
            {
                return byLength;
            }

            using var left = a.GetEnumerator();
            using var right = b.GetEnumerator();
            while (left.MoveNext() && right.MoveNext())
            {
                var byStep = CompareSteps(left.Current, right.Current);
                if (byStep != 0)
                {
                    return byStep;
                }
            }

            return 0;
        }

        public static int CompareSteps(CallStep a, CallStep b)
        {
            if (ReferenceEquals(a, b))
            {
                return 0;
            }

            var byLocation = CompareLocations(a.Location, b.Location);
            if (byLocation != 0)
            {
                return byLocation;
            }

            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : a.IsUncertain.CompareTo(b.IsUncertain);
        }

        /// <summary>By file path, then position.</summary>
        public static int CompareLocations(Location a, Location b)
        {
            var byFile = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return byFile != 0 ? byFile : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
        }

        public static CallPath Join(CallPath first, CallPath rest) =>
            first.IsEmpty ? rest : rest.IsEmpty ? first : new CallPath(null, first, rest);

        /// <summary>The callees passed through, outermost first (every step but the acquisition).</summary>
        public IEnumerable<CallStep> Through
        {
            get
            {
                var index = 0;
                foreach (var step in this)
                {
                    if (++index == Length)
                    {
                        yield break;
                    }

                    yield return step;
                }
            }
        }

        public IEnumerator<CallStep> GetEnumerator()
        {
            if (IsEmpty)
            {
                yield break;
            }

            // Depth-first, left before right, with a stack of our own: joined paths can be deep. A node with
            // a step and a path before it is pushed again, for its step alone, under that path.
            var pending = new Stack<(CallPath Node, bool StepOnly)>();
            pending.Push((this, false));
            while (pending.Count > 0)
            {
                var (node, stepOnly) = pending.Pop();
                if (stepOnly || node._step is not null && node._left is null)
                {
                    yield return node._step!;
                }
                else if (node._step is not null && node._left is not null)
                {
                    pending.Push((node, true));
                    pending.Push((node._left, false));
                }
                else if (node._left is not null && node._right is not null)
                {
                    pending.Push((node._right, false));
                    pending.Push((node._left, false));
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
