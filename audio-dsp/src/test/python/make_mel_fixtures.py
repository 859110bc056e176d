#!/usr/bin/python3
"""Makes the torchaudio parity fixtures for MelSpectrogramParityTest.

Run from the repository root with Debian's python (needs python3-torchaudio and ffmpeg):
    /usr/bin/python3 audio-dsp/src/test/python/make_mel_fixtures.py
Writes audio-dsp/src/test/resources/fixtures/mel-<name>.wav (16-bit mono input) and
mel-<name>.f32 (expected log-mel, float32 little-endian, frame-major [frames][n_mels]) plus
mel-fixtures.json describing them.
"""
import json, os, subprocess, tempfile
import numpy as np
import torch, torchaudio

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")
SR = 32000
CONFIGS = {
    # the model's defaults
    "default": dict(sample_rate=SR, n_fft=1280, win_length=1280, hop_length=320, n_mels=100,
                    f_min=0.0, f_max=16000.0, norm="slaney", mel_scale="slaney",
                    center=True, pad_mode="reflect", power=2.0),
    # another geometry: 80 mels, fmin 50, fmax 8000, HTK scale, no norm, magnitude
    "htk80": dict(sample_rate=SR, n_fft=1024, win_length=800, hop_length=256, n_mels=80,
                  f_min=50.0, f_max=8000.0, norm=None, mel_scale="htk",
                  center=True, pad_mode="reflect", power=1.0),
}


def speech_clip():
    """1.5 s of real speech (Asterisk prompt 'agent-loggedoff', CC-BY-SA-3.0) at 32 kHz."""
    src = "/usr/share/asterisk/sounds/en_US_f_Allison/agent-loggedoff.g722"
    with tempfile.TemporaryDirectory() as d:
        wav = os.path.join(d, "x.wav")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "g722", "-i", src, "-ar", str(SR),
                        "-ac", "1", "-c:a", "pcm_s16le", "-t", "1.5", wav], check=True)
        x, sr = torchaudio.load(wav)
    assert sr == SR
    return x


def chirp_clip():
    """1 s exponential sweep 50 Hz..15 kHz plus silence tail, quantised to 16 bit."""
    t = torch.arange(int(0.8 * SR), dtype=torch.float64) / SR
    f0, f1, dur = 50.0, 15000.0, 0.8
    k = (f1 / f0) ** (1 / dur)
    phase = 2 * np.pi * f0 * (k ** t - 1) / np.log(k)
    x = 0.5 * torch.sin(phase)
    x = torch.cat([x, torch.zeros(int(0.2 * SR) + 123, dtype=torch.float64)])
    return (torch.round(x * 32767) / 32768).float().unsqueeze(0)


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    meta = []
    for clip_name, x in [("speech", speech_clip()), ("chirp", chirp_clip())]:
        wav = f"mel-{clip_name}.wav"
        torchaudio.save(os.path.join(OUT, wav), x, SR, encoding="PCM_S", bits_per_sample=16)
        x16, _ = torchaudio.load(os.path.join(OUT, wav))  # exactly what Java will read
        for cfg_name, cfg in CONFIGS.items():
            # The default config runs in float32, exactly as the model's torch front end does. The
            # magnitude config runs in float64: in a sweep it reaches 130 dB below the frame peak,
            # where float32 FFT noise alone exceeds 1e-3 in log units.
            transform = torchaudio.transforms.MelSpectrogram(**cfg)
            mel = (transform(x16) if cfg_name == "default" else transform.double()(x16.double()))[0]  # [n_mels, frames]
            logmel = torch.log(torch.clamp(mel, min=1e-5)).T.contiguous()  # [frames, n_mels]
            f32 = f"mel-{clip_name}-{cfg_name}.f32"
            logmel.numpy().astype("<f4").tofile(os.path.join(OUT, f32))
            meta.append(dict(wav=wav, expected=f32, frames=logmel.shape[0], config=cfg_name,
                             **{k: v for k, v in cfg.items() if k != "pad_mode"}))
    with open(os.path.join(OUT, "mel-fixtures.json"), "w") as f:
        json.dump(dict(torchaudio=torchaudio.__version__, torch=torch.__version__, fixtures=meta), f, indent=1)
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
