#!/usr/bin/env python3
"""The PyTorch side of `lit bench-vae`: seconds per encode and per decode of the real-size SD VAE.

Random weights (PyTorch's default init), the architecture of tools/reference/vae_reference.py (the
model the parity fixtures use; stabilityai/sd-vae-ft-* shape), float32, inference mode. encode is
encoder + quant_conv + the posterior's mean and std; decode is post_quant_conv + decoder of scaled
latents. Prints one JSON object: median wall and process-CPU seconds per call of the whole batch.
Usage: torch_vae.py --batch 1 --size 256 --runs 3 --warmup 1 --threads 2
"""
import argparse
import json

import torch

from torch_step import timings, timed_args  # also puts tools/reference on sys.path
from vae_reference import AutoencoderKL  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--size", type=int, default=256)
    a = timed_args(ap)
    vae = AutoencoderKL().eval()
    images = torch.rand(a.batch, 3, a.size, a.size) * 2 - 1
    latents = torch.randn(a.batch, 4, a.size // 8, a.size // 8) * 0.18215 * 5
    with torch.inference_mode():
        encode, encode_cpu = timings(lambda: vae.encode(images), a.runs, a.warmup)
        decode, decode_cpu = timings(lambda: vae.decode(latents), a.runs, a.warmup)
    print(json.dumps({"encode_seconds": encode, "decode_seconds": decode, "encode_cpu_seconds": encode_cpu,
                      "decode_cpu_seconds": decode_cpu, "batch": a.batch, "size": a.size,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
