#!/usr/bin/env python3
# Pauses in copy synthesis (the vocoder issue's "-70 dBFS" bar): 20 ms frames where the reference stays below -70 dBFS
# for at least 140 ms (7 frames), and the output's level there (median, share below -70 dBFS). Needs python3-numpy.
# Usage: voice-model/scripts/pause_levels.py [--ms 20] RUN_DIR CONDITION...   (RUN_DIR holds ref/ and one folder per
# condition, e.g. data/clone-report/test/run/real hnm vocoded after voice_report.sh). --ms: the frame length; a
# stretch is at least 140 ms either way. Each frame above -70 dBFS is listed with its offset from the stretch's edges:
# a 20 ms frame can straddle an onset, and then a few milliseconds' difference in where speech starts decides it.
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
args = sys.argv[1:]
ms = 20
if args[:1] == ['--ms']:
    ms = int(args[1]); args = args[2:]
run = args[0]
minimum = -(-140 // ms)
for cond in args[1:]:
    above = []; inner = []
    levels = []; nframes = 0
    for ref in sorted(glob.glob(os.path.join(run, 'ref', '*.wav'))):
        out = os.path.join(run, cond, os.path.basename(ref))
        if not os.path.exists(out): continue
        r, sr = read(ref); o, sr2 = read(out)
        dr = frames_db(r, sr, ms); do = frames_db(o, sr2, ms)
        n = min(len(dr), len(do))
        quiet = dr[:n] < -70
        t = 0
        while t < n:
            if quiet[t]:
                u = t
                while u < n and quiet[u]: u += 1
                if u - t >= minimum:
                    levels.extend(do[t:u]); nframes += u - t
                    inner.extend(do[t + 1:u - 1])
                    for k in range(t, u):
                        if do[k] >= -70:
                            above.append(f"{os.path.basename(ref)} {k * ms / 1000:.3f} s: {do[k]:.1f} dBFS (reference {dr[k]:.1f}),"
                                         f" {(k - t) * ms} ms after the stretch starts, {(u - 1 - k) * ms} ms before it ends")
                t = u
            else:
                t += 1
    lv = np.array(levels)
    if len(lv) == 0:
        print(cond, 'no pause frames'); continue
    print(f"{cond}: {nframes} frames of {ms} ms; output median {np.median(lv):.1f} dBFS, {100*np.mean(lv < -70):.0f}% below -70")
    li = np.array(inner)
    print(f"  inside the stretches (not their first or last frame, which touch speech): {len(li)} frames,"
          f" {100*np.mean(li < -70):.0f}% below -70, loudest {li.max():.1f} dBFS")
    for line in above[:8]:
        print("  above -70 dBFS: " + line)
    if len(above) > 8:
        print(f"  ... and {len(above) - 8} more frames above -70 dBFS")
