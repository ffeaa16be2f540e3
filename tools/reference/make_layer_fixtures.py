"""Fixtures of the layer strategies (lit-core BlockScheduleTest): a tiny DiT and a tiny LiT of depth 6 with
random weights, and their float64 outputs under each strategy of layers_reference.py, a 10-step DDIM
trajectory (eta 0, no guidance) under two strategies, and the block similarity matrix.
Run from the repository root: /usr/bin/python3 tools/reference/make_layer_fixtures.py
"""
import os

import numpy as np
import torch

import diffusion_reference as dr
from layers_reference import block_states, forward, similarity
from make_fixtures import OUT, TINY
from dit_reference import DiT

TRAJECTORY_STRATEGIES = ["skip=2-3", "loop=1-4:2"]
STRATEGIES = ["", "skip=2-3", "repeat=1-4", "reverse=1-4", "parallel=1-4", "loop=1-4:3", "skip=0-0", "parallel=5-5"]


def main():
    for kind, seed in (("dit", 21), ("lit", 22)):
        torch.manual_seed(seed)
        model = DiT(**{**TINY, "depth": 6}, linear_heads=2 if kind == "lit" else None).double()
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name != "pos_embed":
                    p.copy_(torch.randn_like(p) * (0.3 if p.dim() == 1 else 1.0 / max(1, p[0].numel()) ** 0.5))
        torch.save({k: v.float() for k, v in model.state_dict().items()}, os.path.join(OUT, f"{kind}_deep.pt"))
        model.load_state_dict({k: v.float().double() for k, v in model.state_dict().items()})   # what the JVM loads
        g = torch.Generator().manual_seed(seed + 1)
        x = torch.randn(3, 4, 8, 8, generator=g).double()
        t = torch.tensor([0, 500, 999])
        y = torch.tensor([3, 10, 7])
        arrays = {"x": x.float().numpy(), "t": t.numpy(), "y": y.numpy()}
        with torch.no_grad():
            for s in STRATEGIES:
                arrays["out_" + (s or "all")] = forward(model, x.float().double(), t, y, s).numpy()
            arrays["similarity"] = similarity(block_states(model, x.float().double(), t, y)).numpy()
            d = dr.Diffusion(dr.space_timesteps(1000, "ddim10"))
            for s in TRAJECTORY_STRATEGIES:
                z = x.float().double()
                trajectory = [z]
                for i in reversed(range(d.num_timesteps)):
                    ts = torch.full((3,), i, dtype=torch.long)
                    out = forward(model, z, torch.full((3,), d.timestep_map[i], dtype=torch.long), y, s)
                    z = dr.ddim_step(d, out, z, ts)
                    trajectory.append(z)
                arrays["ddim10_" + s] = torch.stack(trajectory).numpy()
        np.savez(os.path.join(OUT, f"{kind}_deep_layers.npz"), **arrays)
    print("layer fixtures written to", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
