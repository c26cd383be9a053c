using System;
using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using Xunit;

namespace LockContracts.Lockdep.Tests
{
    /// <summary>
    /// The AppContext switch is read once, when Lockdep starts, so it is tested on a second copy of the
    /// assembly loaded after setting the switch; this process's own copy has already started.
    /// </summary>
    public sealed class DisableSwitchTests : LockdepTestBase
    {
        [Fact]
        public void WithTheSwitchSetLockdepStaysOffAndRecordsNothing()
        {
            var context = new AssemblyLoadContext("switch-set", isCollectible: true);
            AppContext.SetSwitch(Lockdep.DisableSwitchName, true);
            try
            {
                var copy = context.LoadFromAssemblyPath(typeof(Lockdep).Assembly.Location);
                Assert.NotSame(typeof(Lockdep).Assembly, copy);
                var lockdep = copy.GetType(typeof(Lockdep).FullName!, throwOnError: true)!;
                var checkedLock = copy.GetType(typeof(CheckedLock).FullName!, throwOnError: true)!;
                var enabled = lockdep.GetProperty(nameof(Lockdep.Enabled))!;

                Assert.False((bool)enabled.GetValue(null)!);
                enabled.SetValue(null, true);
                Assert.False((bool)enabled.GetValue(null)!);

                var a = Activator.CreateInstance(checkedLock, "Switch.A")!;
                var b = Activator.CreateInstance(checkedLock, "Switch.B")!;
                TakeInOrder(checkedLock, a, b);
                TakeInOrder(checkedLock, b, a);

                var dependencies = (ICollection)lockdep.GetMethod(nameof(Lockdep.GetDependencies))!.Invoke(null, null)!;
                Assert.Empty(dependencies);
                Assert.False((bool)checkedLock.GetProperty(nameof(CheckedLock.IsHeldByCurrentThread))!.GetValue(a)!);
            }
            finally
            {
                AppContext.SetSwitch(Lockdep.DisableSwitchName, false);
                context.Unload();
            }

            // This process's copy is unaffected.
            Assert.True(Lockdep.Enabled);
            Assert.Empty(Violations);
        }

        private static void TakeInOrder(Type checkedLock, object first, object second)
        {
            var enter = checkedLock.GetMethod(nameof(CheckedLock.Enter))!;
            var exit = checkedLock.GetMethod(nameof(CheckedLock.Exit))!;
            enter.Invoke(first, null);
            enter.Invoke(second, null);
            exit.Invoke(second, null);
            exit.Invoke(first, null);
        }
    }
}
