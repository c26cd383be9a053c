import sys,glob,statistics
# Medians over the QUIET categories of several Lockdep-report.md files, with each report's verdicts:
# python3 quiet-table.py "results/2026-11-29-round2/now-*.md" "results/2026-11-29-round2/before-*.md" "results/2026-11-29-round2/switch-*.md"
def parse(path):
    rows={}
    for line in open(path):
        if not line.startswith('| ') or line.startswith('| category'): continue
        c=[x.strip() for x in line.strip().strip('|').split('|')]
        if len(c)<13: continue
        def num(x):
            try: return float(x.replace(',','').replace('×','').replace('-+','').replace('+','').replace('**',''))
            except: return None
        name=c[1].replace(' (baseline)','')
        rows[name]=dict(min=num(c[3]),rmin=num(c[5]),amin=num(c[7]),alloc=c[10],load=c[11],verdict=c[13].replace('*',''))
    return rows
def quiet(pat):
    out={}
    files=sorted(glob.glob(pat))
    for f in files:
        for n,r in parse(f).items():
            if 'quiet' in r['load'] and 'UNDER' not in r['load']:
                out.setdefault(n,[]).append((f,r))
    return out
A=quiet(sys.argv[1]); B=quiet(sys.argv[2]); S=quiet(sys.argv[3])
rows=[('enter/exit','RawLock','CheckedLock',1,'≤ +5 ns'),('… through a scope','RawLock','CheckedLockScope',1,'(≤ +5 ns)'),
 ('two nested','RawLockNested2','CheckedLockNested2',2,'≤ 1.4×'),('four nested','RawLockNested4','CheckedLockNested4',4,'≤ 1.4×'),
 ('read lock','ReaderWriterLockSlimRead','CheckedReaderWriterLockRead',1,'≤ 1.5×'),('read under a `CheckedLock`','RawReadUnderRawLock','CheckedReadUnderCheckedLock',2,'0 B'),
 ('async lock','SemaphoreSlimAsync','CheckedAsyncLockAsync',1,'≤ 1.5×, 0 B'),('disabled, `Lockdep.Enabled = false`','RawLockForDisabled','CheckedLockDisabled',1,'≤ 1.02×')]
def fmt(q,n,acq):
    rs=[r for f,r in q[n]]
    am=[r['amin'] for r in rs]; rm=[r['rmin'] for r in rs]; mins=[r['min'] for r in rs]
    vs={}
    for r in rs: vs[r['verdict']]=vs.get(r['verdict'],0)+1
    v=', '.join(f"{k} {c}" for k,c in sorted(vs.items()))
    return statistics.median(mins), statistics.median(am), min(am), max(am), statistics.median(rm), min(rm), max(rm), rs[0]['alloc'], v, len(rs)
print("| scenario | raw (min) | before: added | before: ratio | before: verdicts | now: checked (min) | now: added per call (range) | per acquisition | now: ratio (range) | allocated | target | now: verdicts |")
print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|")
for label,raw,chk,acq,target in rows:
    a=fmt(A,chk,acq); b=fmt(B,chk,acq)
    rawmin=statistics.median([r['min'] for f,r in A[raw]])
    print(f"| {label} | {rawmin:.1f} ns | +{b[1]:.1f} ns | {b[4]:.2f}× | {b[8]} | {a[0]:.1f} ns | **+{a[1]:.1f} ns** ({a[2]:+.1f} to {a[3]:+.1f}) | +{a[1]/acq:.1f} ns | **{a[4]:.2f}×** ({a[5]:.2f}–{a[6]:.2f}) | {a[7]} B | {target} | {a[8]} |")
s=fmt(S,'CheckedLockDisabled',1); rawmin=statistics.median([r['min'] for f,r in S['RawLockForDisabled']])
print(f"| disabled by the switch (`--disabled-by-switch`) | {rawmin:.1f} ns | — | — | — | {s[0]:.1f} ns | **+{s[1]:.2f} ns** ({s[2]:+.2f} to {s[3]:+.2f}) | +{s[1]:.2f} ns | **{s[4]:.2f}×** ({s[5]:.2f}–{s[6]:.2f}) | {s[7]} B | ≤ 1.02× | {s[8]} |")
e=fmt(A,'ResetThenFirstSeenEdge',1); eb=fmt(B,'ResetThenFirstSeenEdge',1)
print(f"| first-seen edge (recorded on its first acquisition, every call) | — | +{eb[1]/1000:.1f} µs | — | — | — | +{e[1]/1000:.1f} µs | — | — | {e[7]} B | — | — |")
print()
print("runs:", {k:len(v) for k,v in [('after',A['CheckedLock']),('before',B['CheckedLock']),('switch',S['CheckedLockDisabled'])]})
print("after files:", sorted(set(f.split('/')[-1] for n in A for f,r in A[n])))
print("before files:", sorted(set(f.split('/')[-1] for n in B for f,r in B[n])))
print("switch files:", sorted(set(f.split('/')[-1] for n in S for f,r in S[n])))
# per-run verdicts for all sync targets
for f in sorted(glob.glob(sys.argv[1])):
    r=parse(f)
    if all('quiet' in r[n]['load'] and 'UNDER' not in r[n]['load'] for n in ['CheckedLock','CheckedLockNested2','CheckedLockNested4','CheckedReaderWriterLockRead']):
        print(f.split('/')[-1], {n:r[n]['verdict'] for n in ['CheckedLock','CheckedLockScope','CheckedLockNested2','CheckedLockNested4','CheckedReaderWriterLockRead','CheckedReadUnderCheckedLock','CheckedLockDisabled']})
