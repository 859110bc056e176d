#!/usr/bin/env python3
# Where copy synthesis loses MCD: per-frame mel-cepstral distance (c1-c13 of a 40-band mel, 16 kHz, 25 ms / 10 ms, no
# DTW: copy synthesis is time-aligned), grouped by the reference frame's class: pause (45 dB below the loudest frame),
# voiced (autocorrelation peak above 0.5 at 80-500 Hz) or unvoiced speech. Its units are not the clone report's MCD;
# compare conditions with each other. Needs python3-numpy.
# Usage: voice-model/scripts/mcd_by_frame_class.py RUN_DIR CONDITION...   (RUN_DIR holds ref/ and one folder per
# condition, e.g. data/vocoder-floor/NAME/real hnm vocoded after vocoder_floor.sh)
import sys, wave, glob, os
import numpy as np
def read(p):
    w = wave.open(p); sr = w.getframerate(); x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2') / 32768.0
    if sr != 16000:
        n = int(len(x) * 16000 / sr); x = np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x)
    return x
def melfb(n_fft=512, n_mels=40, sr=16000):
    def hz2mel(f): return 2595 * np.log10(1 + f / 700)
    def mel2hz(m): return 700 * (10 ** (m / 2595) - 1)
    pts = mel2hz(np.linspace(hz2mel(0), hz2mel(sr / 2), n_mels + 2)); bins = np.floor((n_fft + 1) * pts / sr).astype(int)
    fb = np.zeros((n_mels, n_fft // 2 + 1))
    for i in range(1, n_mels + 1):
        l, c, r = bins[i - 1], bins[i], bins[i + 1]
        for k in range(l, c): fb[i - 1, k] = (k - l) / max(1, c - l)
        for k in range(c, r): fb[i - 1, k] = (r - k) / max(1, r - c)
    return fb
FB = melfb()
from numpy.fft import rfft
def dct2(x, n):
    N = x.shape[1]; k = np.arange(n)[:, None]; m = np.arange(N)[None, :]
    return np.sqrt(2.0 / N) * (x @ np.cos(np.pi * k * (2 * m + 1) / (2 * N)).T)
def frames(x):
    h, w = 160, 400; k = 1 + max(0, (len(x) - w) // h)
    idx = np.arange(w)[None, :] + h * np.arange(k)[:, None]
    return x[idx] * np.hanning(w)
def cep(x):
    f = frames(x); p = np.abs(rfft(f, 512)) ** 2
    return dct2(0.5 * np.log(p @ FB.T + 1e-10), 14)[:, 1:14], f
def voiced(fr):
    out = []
    for f in fr:
        f = f - f.mean(); a = np.correlate(f, f, 'full')[len(f) - 1:]
        if a[0] <= 0: out.append(False); continue
        a = a / a[0]; lo, hi = 32, 200  # 80-500 Hz
        out.append(a[lo:hi].max() > 0.5)
    return np.array(out)
K = 10 / np.log(10) * np.sqrt(2)
run = sys.argv[1]; conds = sys.argv[2:]
acc = {c: {'voiced': [], 'unvoiced': [], 'pause': []} for c in conds}
for ref in sorted(glob.glob(os.path.join(run, 'ref', '*.wav'))):
    r = read(ref); cr, fr = cep(r)
    en = 10 * np.log10((fr ** 2).mean(axis=1) + 1e-12); v = voiced(fr)
    cls = np.where(en < en.max() - 45, 'pause', np.where(v, 'voiced', 'unvoiced'))
    for c in conds:
        o = read(os.path.join(run, c, os.path.basename(ref))); co, _ = cep(o)
        n = min(len(cr), len(co)); d = K * np.sqrt(((cr[:n] - co[:n]) ** 2).sum(axis=1))
        for cl in ('voiced', 'unvoiced', 'pause'): acc[c][cl].extend(d[cls[:n] == cl])
for c in conds:
    tot = sum(len(v) for v in acc[c].values()); allv = np.concatenate([np.array(v) for v in acc[c].values()])
    print(c, f"all {allv.mean():.2f} dB over {tot} frames;", "; ".join(f"{cl} {np.mean(v):.2f} dB ({100*len(v)/tot:.0f} %)" for cl, v in acc[c].items()))
