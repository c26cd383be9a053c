import sys,glob,re,statistics
# Medians over several Lockdep-report.md files: python3 summarize-reports.py before="results/x/ab-before-*.md" after="results/x/ab-after-*.md"
# usage: summ.py label=glob ...
def parse(path):
    rows={}
    loads=[]
    for line in open(path):
        if not line.startswith('| ') or line.startswith('| category') : continue
        c=[x.strip() for x in line.strip().strip('|').split('|')]
        if len(c)<12: continue
        name=c[1].replace(' (baseline)','')
        def num(x):
            try: return float(x.replace(',','').replace('×','').replace('+',''))
            except: return None
        rows[name]=dict(mean=num(c[2]),min=num(c[3]),rmean=num(c[4]),rmin=num(c[5]),amean=num(c[6]),amin=num(c[7]),alloc=c[10],load=c[11])
        m=re.match(r'([\d.]+) → ([\d.]+)',c[11]); 
        if m: loads+= [float(m.group(1)),float(m.group(2))]
    return rows,loads
for arg in sys.argv[1:]:
    label,pat=arg.split('=',1)
    files=sorted(glob.glob(pat))
    data=[parse(f) for f in files]
    allloads=[l for _,ls in data for l in ls]
    print(f"## {label}: {len(files)} runs, load average (1 min) {min(allloads):.2f}–{max(allloads):.2f}")
    names=list(data[0][0].keys())
    print("| method | min ns (median of runs) | ratio of mins (median) | added ns/call of mins (median, range) | mean ns (median) | ratio of means (median) | B/op |")
    for n in names:
        mins=[d[0][n]['min'] for d in data if n in d[0] and d[0][n]['min'] is not None]
        means=[d[0][n]['mean'] for d in data if n in d[0] and d[0][n]['mean'] is not None]
        rmin=[d[0][n]['rmin'] for d in data if n in d[0] and d[0][n]['rmin'] is not None]
        rmean=[d[0][n]['rmean'] for d in data if n in d[0] and d[0][n]['rmean'] is not None]
        amin=[d[0][n]['amin'] for d in data if n in d[0] and d[0][n]['amin'] is not None]
        a=f"{statistics.median(amin):+.2f} ({min(amin):+.1f} to {max(amin):+.1f})" if amin else "—"
        print(f"| {n} | {statistics.median(mins):.2f} | {statistics.median(rmin):.2f}× | {a} | {statistics.median(means):.2f} | {statistics.median(rmean):.2f}× | {data[0][0][n]['alloc']} |")
