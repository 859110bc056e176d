#!/usr/bin/python3
"""torchaudio references for bench/feature/run.sh: single-thread log-mel (the model's config) and
resample 44.1k -> 32k on the same 60 s file. Prints RESULT lines like FeatureBench."""
import math, sys, time
import torch, torchaudio

torch.set_num_threads(1)
work = sys.argv[1]
x44, sr44 = torchaudio.load(f"{work}/upload-60s-44k.wav")
x32, sr32 = torchaudio.load(f"{work}/upload-60s-32k.wav")
seconds = x32.shape[1] / sr32
mel = torchaudio.transforms.MelSpectrogram(sample_rate=32000, n_fft=1280, win_length=1280, hop_length=320, n_mels=100,
                                           f_min=0, f_max=16000, norm="slaney", mel_scale="slaney", center=True,
                                           pad_mode="reflect", power=2.0)
resample = torchaudio.transforms.Resample(44100, 32000)  # kernel built once, as a pipeline would


MIN_TOTAL_CPU_S = 2.0  # every figure gathers this much CPU over its runs
MIN_RUN_CPU_S = 0.2    # each run repeats the work to at least this much CPU


def bench(name, fn):
    """Runs of fn repeated to >= 0.2 s of CPU, until >= 2 s of CPU in all (at least 5); the median run's ratio."""
    c0 = time.process_time()
    for _ in range(3):
        fn()
    reps = max(1, math.ceil(MIN_RUN_CPU_S / max((time.process_time() - c0) / 3, 1e-4)))
    ts, cs, total = [], [], 0.0
    while total < MIN_TOTAL_CPU_S or len(cs) < 5:
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(reps):
            fn()
        run_cpu = time.process_time() - c0
        ts.append((time.perf_counter() - t0) / reps)
        cs.append(run_cpu / reps)
        total += run_cpu
    ts.sort()
    cs.sort()
    m, c = ts[len(ts) // 2], max(cs[len(cs) // 2], 1e-6)
    print(f"RESULT {name:28s} cpu {seconds / c:8.1f} x real time  wall {seconds / m:8.1f} x real time  "
          f"(CPU per {seconds:.0f} s: min {cs[0] * 1000:.3f} ms, median {c * 1000:.3f} ms; {len(cs)} runs of {reps}, {total:.2f} s CPU)")


with torch.inference_mode():
    bench("torchaudio-mel-32k", lambda: torch.log(torch.clamp(mel(x32), min=1e-5)))
    bench("torchaudio-resample-44k-32k", lambda: resample(x44))
