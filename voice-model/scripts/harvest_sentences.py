#!/usr/bin/python3
"""Harvests plain English prose sentences from documentation shipped with Debian (licences, READMEs,
vim help) for the development corpus. Deterministic: sorted inputs, fixed seed."""
import os, re, random, sys
roots = ["/usr/share/common-licenses", "/usr/share/doc", "/usr/share/vim/vim90/doc"]
files = []
for r in roots:
    for d, _, fs in os.walk(r):
        for f in fs:
            p = os.path.join(d, f)
            if f.endswith(('.gz', '.html', '.png', '.svg', '.pdf')): continue
            try:
                if os.path.getsize(p) > 2_000_000: continue
            except OSError: continue
            files.append(p)
files.sort()
ok = re.compile(r"^[A-Z][a-z' ,;:-]+(?: [a-zA-Z' ,;:-]+)*[.?!]$")
seen, out = set(), []
for p in files:
    try: text = open(p, encoding='utf-8', errors='strict').read()
    except Exception: continue
    text = re.sub(r"\s+", " ", text)
    for s in re.split(r"(?<=[.?!])\s+", text):
        s = s.strip()
        words = s.split()
        if not (4 <= len(words) <= 18): continue
        if not ok.match(s): continue
        if any(len(w) > 14 for w in words): continue
        low = s.lower()
        if low in seen: continue
        if sum(1 for w in words if w[0].isupper()) > 2: continue
        seen.add(low); out.append(s)
random.Random(7).shuffle(out)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
for s in out[:n]: print(s)
print(len(out), file=sys.stderr)
