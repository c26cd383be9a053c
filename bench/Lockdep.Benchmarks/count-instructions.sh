#!/bin/sh
# Instructions per call of each synchronous scenario, counted by valgrind (callgrind): the same figure
# whatever the load. Each scenario runs twice, with LOW and HIGH calls after the same warm-up; the
# difference in instructions divided by HIGH - LOW is the cost of one call (warm-up, start-up and JIT
# cancel out). Tiered PGO is off so the final code does not depend on timing.
#   usage: ./count-instructions.sh [BUILD_DIR] [SCENARIO...]
set -eu
dir=${1:-bin/Release/net10.0}
[ $# -gt 0 ] && shift
scenarios=${*:-RawLock CheckedLock CheckedLockScope RawLockNested2 CheckedLockNested2 RawLockNested4 CheckedLockNested4 ReaderWriterLockSlimRead CheckedReaderWriterLockRead RawReadUnderRawLock CheckedReadUnderCheckedLock RawLockForDisabled CheckedLockDisabled}
low=100000
high=300000
count() {
  DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$dir/LockContracts.Lockdep.Benchmarks" --instructions "$1" "$2" 2>&1 | sed -n 's/.*Collected : //p'
}
for s in $scenarios; do
  a=$(count "$s" $low)
  b=$(count "$s" $high)
  echo "$s $(( (b - a) / (high - low) )) instructions/call ($a, $b)"
done
