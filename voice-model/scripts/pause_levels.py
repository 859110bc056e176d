#!/usr/bin/env python3
# Pauses in copy synthesis (the vocoder issue's "-70 dBFS" bar): 20 ms frames where the reference stays below -70 dBFS
# for at least 140 ms (7 frames), and the output's level there (median, share below -70 dBFS). Needs python3-numpy.
# Usage: voice-model/scripts/pause_levels.py RUN_DIR CONDITION...   (RUN_DIR holds ref/ and one folder per condition,
# e.g. data/clone-report/test/run/real hnm vocoded after voice_report.sh)
import sys, wave, glob, os
import numpy as np
def read(p):
    w = wave.open(p); n = w.getnframes(); sr = w.getframerate()
    x = np.frombuffer(w.readframes(n), dtype='<i2').astype(np.float64) / 32768.0
    return x, sr
def frames_db(x, sr, ms=20):
    h = int(sr * ms / 1000); k = len(x) // h
    f = x[:k * h].reshape(k, h)
    rms = np.sqrt((f ** 2).mean(axis=1) + 1e-20)
    return 20 * np.log10(rms + 1e-12)
run = sys.argv[1]
for cond in sys.argv[2:]:
    levels = []; nframes = 0
    for ref in sorted(glob.glob(os.path.join(run, 'ref', '*.wav'))):
        out = os.path.join(run, cond, os.path.basename(ref))
        if not os.path.exists(out): continue
        r, sr = read(ref); o, sr2 = read(out)
        dr = frames_db(r, sr); do = frames_db(o, sr2)
        n = min(len(dr), len(do))
        quiet = dr[:n] < -70
        t = 0
        while t < n:
            if quiet[t]:
                u = t
                while u < n and quiet[u]: u += 1
                if u - t >= 7:
                    levels.extend(do[t:u]); nframes += u - t
                t = u
            else:
                t += 1
    lv = np.array(levels)
    if len(lv) == 0:
        print(cond, 'no pause frames'); continue
    print(f"{cond}: {nframes} frames; output median {np.median(lv):.1f} dBFS, {100*np.mean(lv < -70):.0f}% below -70")
