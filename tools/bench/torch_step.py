#!/usr/bin/env python3
"""The PyTorch side of `lit bench`: forward+backward time per step of a DiT/LiT, and GEMM GFLOP/s.

Prints one JSON object. Uses tools/reference/dit_reference.py (the same model the parity fixtures use).
Usage: torch_step.py --model LiT-S/2 --batch 8 --input 32 --steps 5 --warmup 2 --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference"))
from dit_reference import DiT  # noqa: E402

SIZES = {"S": (12, 384, 6, 2), "B": (12, 768, 12, 3), "L": (24, 1024, 16, 4), "XL": (28, 1152, 16, 4)}


def build(name, input_size):
    kind, rest = name.split("-")
    size, patch = rest.split("/")
    depth, hidden, heads, linear_heads = SIZES[size]
    return DiT(input_size=input_size, patch=int(patch), in_channels=4, hidden=hidden, depth=depth, heads=heads,
               num_classes=1000, linear_heads=linear_heads if kind == "LiT" else None)


def timings(fn, steps, warmup):
    """Median wall seconds and median process CPU seconds (all threads) of fn over the timed calls."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(steps):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def timed_args(ap):
    """--runs, --warmup and --threads of the timing scripts; parses, sets the threads and the seed."""
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    return a


def timed(fn, steps, warmup):
    return timings(fn, steps, warmup)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--input", type=int, default=32)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--gemm", type=int, default=2048)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a.model, a.input)
    x = torch.randn(a.batch, 4, a.input, a.input)
    t = torch.randint(0, 1000, (a.batch,))
    y = torch.randint(0, 1000, (a.batch,))
    upstream = torch.randn(a.batch, 8, a.input, a.input)

    def step():
        model.zero_grad(set_to_none=False)
        (model(x, t, y) * upstream).sum().backward()

    seconds = timed(step, a.steps, a.warmup)
    n = a.gemm
    m1, m2 = torch.randn(n, n), torch.randn(n, n)
    gemm = timed(lambda: torch.mm(m1, m2), 5, 1)
    print(json.dumps({"model": a.model, "seconds_per_step": seconds, "gemm_gflops": 2 * n ** 3 / gemm / 1e9,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
