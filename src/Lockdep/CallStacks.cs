using System.Diagnostics;
using System.Linq;
using System.Reflection;

namespace LockContracts.Lockdep
{
    /// <summary>Stacks as the user sees them: Lockdep's own frames are cut off the top.</summary>
    internal static class CallStacks
    {
        private static readonly Assembly s_self = typeof(CallStacks).Assembly;

        /// <summary>Captured for each new dependency, so only the frames, not their formatting.</summary>
        public static StackTrace Capture() => Trim(new StackTrace(1, Lockdep.CaptureSourceLocations));

        /// <summary>The stack of a violation being reported, formatted with file and line where known.</summary>
        public static string Current() => Trim(new StackTrace(1, true)).ToString();

        /// <summary>The first frame outside Lockdep, so one bad call site is reported once.</summary>
        public static string CallSite()
        {
            var frame = new StackTrace(1, false).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Assembly != s_self);
            var method = frame?.GetMethod();
            return method is null ? "?" : $"{method.DeclaringType?.FullName}.{method.Name}@{frame!.GetILOffset()}";
        }

        private static StackTrace Trim(StackTrace stack)
        {
            var frames = stack.GetFrames();
            var skip = 0;
            while (skip < frames.Length - 1 && frames[skip].GetMethod()?.DeclaringType?.Assembly == s_self)
            {
                skip++;
            }

            return skip == 0 ? stack : new StackTrace(frames.Skip(skip));
        }
    }
}
