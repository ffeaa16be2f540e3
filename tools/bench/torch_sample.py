#!/usr/bin/env python3
"""The PyTorch side of `lit bench-sample`: what `lit sample` does per image, in PyTorch.

DiT's sample_ddp.py loop on the reference models of the parity fixtures: a DiT (random weights,
4 x L x L latents), DDPM over create_diffusion(str(steps)) with classifier-free guidance (the
[z; z] batch, forward_with_cfg), then the SD VAE's decoder (tools/reference/vae_reference.py,
random weights) on the latents, under torch.no_grad(). Prints one JSON object: median wall and
process-CPU seconds of the whole batch (sampling, decoding, and both).
Usage: torch_sample.py --model DiT-S/2 --batch 4 --input 32 --steps 10 --cfg-scale 1.5 --runs 3 --warmup 1 --threads 2
"""
import argparse
import json

import torch

from torch_step import build, timings, timed_args  # also puts tools/reference on sys.path
from diffusion_reference import Diffusion, space_timesteps  # noqa: E402
from vae_reference import AutoencoderKL  # noqa: E402


def sample(model, d, z, y, cfg_scale):
    n = len(y)
    x = torch.cat([z, z], 0)
    labels = torch.cat([y, torch.full_like(y, 1000)], 0)
    for i in reversed(range(d.num_timesteps)):
        t = torch.full((2 * n,), i, dtype=torch.long)
        out = model.forward_with_cfg(x, torch.tensor([d.timestep_map[i]] * (2 * n)), labels, cfg_scale)
        mean, logvar, _, _ = d.p_mean_variance(out, x, t)
        noise = torch.randn_like(x)
        x = mean + (0.0 if i == 0 else 1.0) * torch.exp(0.5 * logvar) * noise
    return x[:n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="DiT-S/2")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--input", type=int, default=32)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--cfg-scale", type=float, default=1.5)
    a = timed_args(ap)
    model = build(a.model, a.input).eval()
    vae = AutoencoderKL().eval()
    d = Diffusion(space_timesteps(1000, str(a.steps)))
    z = torch.randn(a.batch, 4, a.input, a.input)
    y = torch.randint(0, 1000, (a.batch,))
    latents = {}
    with torch.no_grad():
        def both():
            latents["x"] = sample(model, d, z, y, a.cfg_scale)
            return vae.decode(latents["x"])
        total, total_cpu = timings(both, a.runs, a.warmup)
        decode, decode_cpu = timings(lambda: vae.decode(latents["x"]), a.runs, 0)
    print(json.dumps({"seconds": total, "cpu_seconds": total_cpu, "decode_seconds": decode, "decode_cpu_seconds": decode_cpu,
                      "batch": a.batch, "steps": a.steps, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
