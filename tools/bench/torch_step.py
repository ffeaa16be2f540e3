#!/usr/bin/env python3
"""The PyTorch side of `lit bench`: seconds and peak memory of one workload of a DiT/LiT, and GEMM GFLOP/s.

Uses tools/reference/dit_reference.py (the same model the parity fixtures use), random weights, float32.
Workloads (--mode), each what the Java side of the same name runs:
  step       a training step: forward + backward of a batch against a random upstream gradient
  sampling   one guided DDPM step's network call: forward_with_cfg on [z; z] (2 x batch) under torch.no_grad()
  forward    an inference forward under torch.no_grad()
  optimizer  clip_grad_norm_, AdamW(foreach=True) and an EMA (torch._foreach_mul_/_add_) over the model's parameters
Peak memory: the kernel's high-water mark of this process's resident set (VmHWM, reset by writing 5 to
/proc/self/clear_refs after the warm-up) over the timed calls, minus the resident set (VmRSS) before the first
call, when the model, its gradients or optimizer state and the inputs already exist.
Prints one JSON object.
Usage: torch_step.py --mode step --model LiT-S/2 --batch 8 --input 32 --steps 5 --warmup 2 --threads 2
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


def architecture(name, input_size):
    """The reference DiT's constructor arguments for a published name such as LiT-S/2."""
    kind, rest = name.split("-")
    size, patch = rest.split("/")
    depth, hidden, heads, linear_heads = SIZES[size]
    return dict(input_size=input_size, patch=int(patch), in_channels=4, hidden=hidden, depth=depth, heads=heads,
                num_classes=1000, linear_heads=linear_heads if kind == "LiT" else None)


def build(name, input_size):
    return DiT(**architecture(name, input_size))


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


def resident_bytes(field):
    """VmRSS (resident now) or VmHWM (the most resident since the last reset) of this process, in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("/proc/self/status has no " + field + " line: peak memory needs Linux")


def measured(fn, steps, warmup):
    """Median wall seconds of fn, and the peak resident growth of the timed calls above the resident set before the
    first call (so memory the warm-up kept, as caches do, counts; its own transient peak does not)."""
    before = resident_bytes("VmRSS")
    for _ in range(warmup):
        fn()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the resident set now
    seconds = timed(fn, steps, 0)
    return seconds, resident_bytes("VmHWM") - before


def null_class(model):
    """The unconditional label: the reference's label table has one row more than there are classes."""
    return model.y_embedder.embedding_table.num_embeddings - 1


def inputs(model, batch, input_size):
    """Random latents, timesteps and labels (the null class excluded) of one batch."""
    return (torch.randn(batch, model.in_channels, input_size, input_size), torch.randint(0, 1000, (batch,)),
            torch.randint(0, null_class(model), (batch,)))


def training_step(model, a):
    x, t, y = inputs(model, a.batch, a.input)
    upstream = torch.randn(a.batch, model.out_channels, a.input, a.input)
    for p in model.parameters():
        if p.requires_grad:
            p.grad = torch.zeros_like(p)  # Java's flat gradient buffer exists before its first step too

    def step():
        model.zero_grad(set_to_none=False)
        (model(x, t, y) * upstream).sum().backward()
    return step


def sampling_step(model, a):
    """forward_with_cfg on [z; z] with labels [y; null], as DiT's sample.py calls it once per DDPM step."""
    z, t, y = inputs(model, a.batch, a.input)
    x, t, y = torch.cat([z, z]), torch.cat([t, t]), torch.cat([y, torch.full_like(y, null_class(model))])
    model.eval()

    def step():
        with torch.no_grad():
            model.forward_with_cfg(x, t, y, a.cfg_scale)
    return step


def inference_forward(model, a):
    x, t, y = inputs(model, a.batch, a.input)
    model.eval()

    def forward():
        with torch.no_grad():
            model(x, t, y)
    return forward


def optimizer_step(model, a):
    """What follows backward in DiT's train.py, with global-norm clipping: clip, AdamW, update_ema."""
    weights = [p.detach() for p in model.parameters()]
    trainable = [p for p in model.parameters() if p.requires_grad]
    for p in trainable:
        p.grad = torch.randn_like(p)
    opt = torch.optim.AdamW(trainable, lr=a.lr, weight_decay=0, foreach=True)
    for p in trainable:  # the state AdamW creates on its first step, made up front as Java's AdamW makes its own
        opt.state[p] = {"step": torch.tensor(0.0), "exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p)}
    ema = [w.clone() for w in weights]

    def step():
        torch.nn.utils.clip_grad_norm_(trainable, a.max_norm)
        opt.step()
        torch._foreach_mul_(ema, a.ema_decay)
        torch._foreach_add_(ema, weights, alpha=1 - a.ema_decay)
    return step


WORKLOADS = {"step": training_step, "sampling": sampling_step, "forward": inference_forward, "optimizer": optimizer_step}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=sorted(WORKLOADS), default="step")
    ap.add_argument("--model", required=True)
    ap.add_argument("--arch", help="the reference DiT's constructor arguments as JSON (the Java side's config, "
                                   "--set overrides included); default: the published model of --model")
    ap.add_argument("--batch", type=int, default=8, help="samples; sampling runs the network on [z; z], twice as many")
    ap.add_argument("--input", type=int, default=32)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--gemm", type=int, default=2048, help="side of the GEMM timed after a training step")
    ap.add_argument("--cfg-scale", type=float, default=4.0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--max-norm", type=float, default=1.0)
    ap.add_argument("--ema-decay", type=float, default=0.9999)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = DiT(**json.loads(a.arch)) if a.arch else build(a.model, a.input)
    seconds, peak = measured(WORKLOADS[a.mode](model, a), a.steps, a.warmup)
    result = {"model": a.model, "mode": a.mode, "seconds_per_step": seconds, "peak_bytes": peak,
              "threads": torch.get_num_threads(), "torch": torch.__version__}
    if a.mode == "step":
        n = a.gemm
        m1, m2 = torch.randn(n, n), torch.randn(n, n)
        result["gemm_gflops"] = 2 * n ** 3 / timed(lambda: torch.mm(m1, m2), 5, 1) / 1e9
    print(json.dumps(result))


if __name__ == "__main__":
    main()
