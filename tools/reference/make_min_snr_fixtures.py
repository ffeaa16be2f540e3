#!/usr/bin/env python3
"""Writes min_snr.npz: DiT's training loss with Min-SNR-5 weighting of the mse term, its per-sample
terms and the gradient of their mean (autograd, float64), on inputs of their own (timesteps at both
sides of SNR = 5, which the linear schedule crosses near t = 120)."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import diffusion_reference as dr  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lit-core", "src", "test", "resources", "fixtures")

if __name__ == "__main__":
    g = torch.Generator().manual_seed(23)
    d = dr.Diffusion()
    n, gamma = 6, 5.0
    x0 = torch.rand(n, 3, 4, 4, generator=g, dtype=torch.float64) * 2 - 1
    noise = torch.randn(n, 3, 4, 4, generator=g, dtype=torch.float64)
    t = torch.tensor([0, 5, 60, 119, 130, 900])
    out = torch.randn(n, 6, 4, 4, generator=g, dtype=torch.float64).requires_grad_(True)
    xt = d.q_sample(x0, t, noise)
    mse, vb, loss = dr.training_losses(d, out, x0, xt, t, noise, min_snr_gamma=gamma)
    loss.mean().backward()
    np.savez(os.path.join(OUT, "min_snr.npz"), x0=x0.numpy(), noise=noise.numpy(), t=t.numpy(), xt=xt.numpy(),
             out=out.detach().numpy(), gamma=np.array(gamma), weight=dr.min_snr_weight(d, t, gamma).numpy(),
             mse=mse.detach().numpy(), vb=vb.detach().numpy(), loss=loss.detach().numpy(), grad_out=out.grad.numpy())
    print("min_snr.npz: weights", dr.min_snr_weight(d, t, gamma).numpy())
