#!/usr/bin/env python3
"""Writes the tiny SD-VAE parity fixtures of the Java tests (lit-core/src/test/resources/fixtures/vae).

Regenerate: /usr/bin/python3 tools/reference/make_vae_fixtures.py   (torch 1.13, numpy, skimage)

The tiny AutoencoderKL keeps what the real one has: 32-group GroupNorm (two channels per group at 64
channels), 4 levels (factor 8), shortcut convs in the encoder (down_blocks.1.resnets.0, 64->32) and
the decoder (up_blocks.3.resnets.0, 32->64), mid-block attention, latent 4. It is as small as those
allow (block_out_channels [64,32,32,32], layers_per_block 1: 558k parameters), and its weights are
stored in half precision so that both files stay lean: every weight is a value exactly representable
in float16 AND bfloat16, so the two files hold the very same numbers:
  diffusion_pytorch_model.safetensors  published (diffusers 0.4.2) naming query/key/value/proj_attn, F16
  diffusion_pytorch_model.bin          current naming to_q/to_k/to_v/to_out.0, torch.save zip, bfloat16
  config.json                          as diffusers 0.4.2 wrote it: no scaling_factor (default 0.18215)
  io.npz   images (2,3,32,48) real photo crops in [-1,1]; mean, std (float64 reference, posterior);
           eps, latents = (mean + std*eps) * 0.18215 as float32; decoded = decode(latents) in float64
Weights are random and non-zero everywhere (GroupNorm affine and every bias included).
"""
import json
import os
import sys

import numpy as np
import torch
from skimage import data
from skimage.transform import resize

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import write_safetensors  # noqa: E402
from vae_reference import AutoencoderKL, old_names  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lit-core", "src", "test", "resources", "fixtures", "vae")
TINY = dict(block_out_channels=[64, 32, 32, 32], layers_per_block=1, norm_num_groups=32, latent_channels=4)
SCALING = 0.18215


def representable(t):
    """Rounds to bfloat16; values bfloat16 keeps but float16 does not (below 2^-14) become +-2^-10."""
    q = t.to(torch.bfloat16).float()
    bad = q.half().float() != q
    q[bad] = torch.sign(t[bad]) * 2.0 ** -10 + (t[bad] == 0).float() * 2.0 ** -10
    assert torch.equal(q.half().float(), q) and torch.equal(q.bfloat16().float(), q)
    return q


def random_weights(model, seed):
    g = torch.Generator().manual_seed(seed)
    state = {}
    for name, p in model.state_dict().items():
        if "norm" in name and name.endswith(".weight"):
            v = 1.0 + 0.3 * torch.randn(p.shape, generator=g)          # GroupNorm scale
        elif name.endswith(".bias"):
            v = 0.2 * torch.randn(p.shape, generator=g)
        else:
            fan_in = p[0].numel()
            v = torch.randn(p.shape, generator=g) / fan_in ** 0.5
        state[name] = representable(v)
    return state


def config_json():
    """The 0.4.2 config.json of sd-vae-ft-ema at the tiny size (the published one lacks scaling_factor)."""
    levels = len(TINY["block_out_channels"])
    return {"_class_name": "AutoencoderKL", "_diffusers_version": "0.4.2", "act_fn": "silu",
            "block_out_channels": TINY["block_out_channels"], "down_block_types": ["DownEncoderBlock2D"] * levels,
            "in_channels": 3, "latent_channels": TINY["latent_channels"], "layers_per_block": TINY["layers_per_block"],
            "norm_num_groups": TINY["norm_num_groups"], "out_channels": 3, "sample_size": 32,
            "up_block_types": ["UpDecoderBlock2D"] * levels}


def photos():
    """astronaut and chelsea: centre crops of aspect 3:2, resized to 32x48 (H x W), in [-1, 1]."""
    out = []
    for img in (data.astronaut(), data.chelsea()):
        h, w = img.shape[:2]
        ch = min(h, w * 2 // 3)
        cw = ch * 3 // 2
        top, left = (h - ch) // 2, (w - cw) // 2
        crop = img[top:top + ch, left:left + cw].astype(np.float64) / 255.0
        small = resize(crop, (32, 48), anti_aliasing=True)
        out.append(small.transpose(2, 0, 1) * 2.0 - 1.0)
    return torch.tensor(np.stack(out), dtype=torch.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    model = AutoencoderKL(**TINY).double().eval()
    state = random_weights(model, 5)
    model.load_state_dict({k: v.double() for k, v in state.items()})
    write_safetensors(os.path.join(OUT, "diffusion_pytorch_model.safetensors"),
                      {k: v.half() for k, v in old_names(state).items()}, {"format": "pt"})
    torch.save({k: v.bfloat16() for k, v in state.items()}, os.path.join(OUT, "diffusion_pytorch_model.bin"))
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(config_json(), f, indent=2, sort_keys=True)
        f.write("\n")

    images = photos()
    g = torch.Generator().manual_seed(6)
    with torch.no_grad():
        mean, std = model.encode(images.double())
        eps = torch.randn(mean.shape, generator=g).double()   # float32 draws, as stored
        latents = ((mean + std * eps) * SCALING).float()
        decoded = model.decode(latents.double())
    np.savez(os.path.join(OUT, "io.npz"), images=images.numpy(), mean=mean.numpy(), std=std.numpy(), eps=eps.float().numpy(),
             latents=latents.numpy(), decoded=decoded.numpy())
    print("mean range", float(mean.min()), float(mean.max()), "std range", float(std.min()), float(std.max()),
          "decoded range", float(decoded.min()), float(decoded.max()))


if __name__ == "__main__":
    main()
