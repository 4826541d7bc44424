# ab_median.py FILE - medians and paired new/old ratios of tools/bench/ab_dump.sh output.
import sys,re,statistics as S
rows={}
pairs={}
tcpu={}
both={}
for l in open(sys.argv[1]):
    m=re.match(r'(old|new) (\d+) ns=(\d+) .*cpu_ns=(\d+) (?:target_ns=(\d+) )?core_mem_total=(\S+) (\S+) (\S+)',l)
    if not m: continue
    side,i,ns,cpu,tgt,core,mem,tot=m.groups()
    tgt=int(tgt or 0)
    tcpu.setdefault(side,[]).append(tgt/1e6)
    both.setdefault(i,{})[side]=(int(cpu)+tgt)/1e6
    rows.setdefault(side,[]).append((int(ns)/1e6,int(cpu)/1e6,float(core),float(mem),float(tot)))
    pairs.setdefault(i,{})[side]=(int(ns)/1e6,int(cpu)/1e6,float(core))
for s in ('old','new'):
    r=rows.get(s,[])
    if r: print(s,len(r),"wall %.1f cpu %.1f core %.1f mem %.1f total %.1f"%tuple(S.median(x[k] for x in r) for k in range(5)), "wall range %.1f-%.1f"%(min(x[0] for x in r),max(x[0] for x in r)))
rat=[p['new'][0]/p['old'][0] for p in pairs.values() if 'old' in p and 'new' in p]
ratc=[p['new'][1]/p['old'][1] for p in pairs.values() if 'old' in p and 'new' in p]
ratk=[p['new'][2]/p['old'][2] for p in pairs.values() if 'old' in p and 'new' in p]
print("paired new/old: wall %.2fx cpu %.2fx core %.2fx (n=%d)"%(S.median(rat),S.median(ratc),S.median(ratk),len(rat)))
if any(tcpu.get('new',[0])) or any(tcpu.get('old',[0])):
    for s in ('old','new'):
        if tcpu.get(s): print(s,"target cpu %.1f"%S.median(tcpu[s]))
    ratb=[p['new']/p['old'] for p in both.values() if 'old' in p and 'new' in p and p['old']]
    print("paired new/old, pidtrace + target cpu: %.2fx"%S.median(ratb))
