#!/usr/bin/python3
"""torchaudio references for bench/feature/run.sh: single-thread log-mel (the model's config) and
resample 44.1k -> 32k on the same 60 s file. Prints RESULT lines like FeatureBench."""
import sys, time
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


def bench(name, fn):
    for _ in range(3):
        fn()
    ts, cs = [], []
    for _ in range(9):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
    ts.sort()
    cs.sort()
    m, c = ts[len(ts) // 2], max(cs[len(cs) // 2], 1e-4)
    print(f"RESULT {name:28s} cpu {seconds / c:8.1f} x real time  wall {seconds / m:8.1f} x real time  ({c * 1000:.2f} ms CPU per {seconds:.0f} s)")


with torch.inference_mode():
    bench("torchaudio-mel-32k", lambda: torch.log(torch.clamp(mel(x32), min=1e-5)))
    bench("torchaudio-resample-44k-32k", lambda: resample(x44))
