#!/usr/bin/python3
"""Writes a tiny TorchScript acoustic model with VoxPipe's external-model signature:
forward(tokens: int64[1,T], speaker: float32[1,256], speed: float32[1]) -> float32[1,F,100] log-mel.
Run with Debian's torch: /usr/bin/python3 voice-model/src/test/python/make_tiny_torchscript.py OUT.pt"""
import sys
import torch


class TinyAcoustic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(64, 100)
        self.speaker = torch.nn.Linear(256, 100)

    def forward(self, tokens: torch.Tensor, speaker: torch.Tensor, speed: torch.Tensor) -> torch.Tensor:
        x = self.embedding(tokens) + self.speaker(speaker).unsqueeze(1)          # [1, T, 100]
        repeats = int(torch.clamp(torch.round(4.0 / speed), 1, 16).item())     # frames per token
        x = torch.repeat_interleave(x, repeats, dim=1)
        return torch.tanh(x) * 3.0 - 6.0                                        # plausible log-mel range


if __name__ == "__main__":
    torch.manual_seed(0)
    module = torch.jit.script(TinyAcoustic().eval())
    out = sys.argv[1] if len(sys.argv) > 1 else "tiny_acoustic.pt"
    module.save(out)
    check = torch.jit.load(out)(torch.tensor([[1, 2, 3]]), torch.zeros(1, 256), torch.tensor([1.0]))
    print(out, tuple(check.shape))
