#!/usr/bin/env python3
"""The PyTorch side of `lit bench-inception`: seconds per batch of ADM's Inception pipeline on uint8 images.

The model of tools/reference/inception_reference.py (pytorch-fid's FID Inception, the one the parity fixtures use) with
PyTorch's default initialisation, float32, inference mode, unfused BatchNorm as pytorch-fid runs it. One call is what
the Java side times: uint8 NHWC (batch, size, size, 3) -> TF1 resize to 299 (torch float32 ops) -> (x - 128) / 128 ->
NCHW -> pool_3, spatial, logits. The images are the same formula on both sides: (31 n + 7 y + 3 x + 101 c) mod 256.
Prints one JSON object: median wall and process-CPU seconds per call.
Usage: torch_inception.py --batch 64 --size 256 --runs 3 --warmup 1 --threads 2
"""
import argparse
import json

import torch

from torch_step import timings, timed_args  # also puts tools/reference on sys.path
from inception_reference import FIDInceptionV3, normalize, tf1_resize_torch  # noqa: E402


def images(batch, size):
    n, y, x, c = torch.meshgrid(*(torch.arange(d) for d in (batch, size, size, 3)), indexing="ij")
    return ((31 * n + 7 * y + 3 * x + 101 * c) % 256).to(torch.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=256)
    a = timed_args(ap)
    model = FIDInceptionV3().eval()
    x = images(a.batch, a.size)

    def call():
        return model.features(normalize(tf1_resize_torch(x)).permute(0, 3, 1, 2))

    with torch.inference_mode():
        seconds, cpu_seconds = timings(call, a.runs, a.warmup)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "batch": a.batch, "size": a.size,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
