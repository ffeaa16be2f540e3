#!/usr/bin/env python3
"""Writes the tiny DiT/LiT parity fixtures used by the Java tests (lit-core/src/test/resources/fixtures).

Weights are random and non-zero everywhere (adaLN and the final layer included) so every path is
exercised. Reference outputs and gradients are computed in float64 from the stored float32 weights.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from dit_reference import DiT  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lit-core", "src", "test", "resources", "fixtures")
TINY = dict(input_size=8, patch=2, in_channels=4, hidden=64, depth=2, heads=4, num_classes=10)


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    codes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64", torch.int64: "I64"}
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def make_model(kind, seed):
    torch.manual_seed(seed)
    model = DiT(**TINY, linear_heads=2 if kind == "lit" else None)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name != "pos_embed":
                p.copy_(torch.randn_like(p) * (0.3 if p.dim() == 1 else 1.0 / max(1, p[0].numel()) ** 0.5))
    return model


def fixture(kind, seed):
    model = make_model(kind, seed)
    state = model.state_dict()
    torch.save(state, os.path.join(OUT, f"{kind}_tiny.pt"))
    write_safetensors(os.path.join(OUT, f"{kind}_tiny.safetensors"), state, {"format": "pt"})

    g = torch.Generator().manual_seed(seed + 1)
    n = 4
    x = torch.randn(n, 4, 8, 8, generator=g)
    t = torch.tensor([0, 17, 500, 999])
    y = torch.tensor([3, 10, 7, 0])  # 10 is the null class of a 10-class model
    upstream = torch.randn(n, 8, 8, 8, generator=g, dtype=torch.float64)

    m64 = make_model(kind, seed).double()
    m64.load_state_dict({k: v.double() for k, v in state.items()})
    out = m64(x.double(), t, y)
    (out * upstream).sum().backward()
    grads = {k: (p.grad if p.grad is not None else torch.zeros_like(p)).numpy() for k, p in m64.named_parameters()}
    with torch.no_grad():
        y_cfg = torch.tensor([3, 7, 10, 10])
        cfg = m64.forward_with_cfg(x.double(), t, y_cfg, 4.0)
        out32 = model(x, t, y)
    np.savez(os.path.join(OUT, f"{kind}_tiny_io.npz"), x=x.numpy(), t=t.numpy(), y=y.numpy(), out=out.detach().numpy(),
             out_float32=out32.numpy(), upstream=upstream.numpy(), y_cfg=y_cfg.numpy(), cfg_scale=np.array(4.0),
             out_cfg=cfg.numpy())
    np.savez(os.path.join(OUT, f"{kind}_tiny_grads.npz"), **grads)


def file_format_fixtures():
    """Files for the tensor-I/O readers: train.py's nested checkpoint, half precision, numpy dtypes."""
    import argparse
    torch.manual_seed(7)
    a = torch.randn(3, 5)
    b = torch.arange(6, dtype=torch.int64).reshape(2, 3)
    big = torch.randn(4, 6)
    view = big[:, 1:4]  # a non-contiguous view: stride (6, 1), storage offset 1
    ckpt = {"model": {"w": a, "b": b}, "ema": {"w": a * 2, "b": b}, "opt": {"state": {0: {"step": 3}}, "param_groups": [{"lr": 1e-4, "betas": (0.9, 0.999)}]},
            "args": argparse.Namespace(model="DiT-XL/2", image_size=256), "view": view}
    torch.save(ckpt, os.path.join(OUT, "trainpy_checkpoint.pt"))
    half = {"h": torch.randn(2, 3).half(), "bf": torch.randn(2, 3).bfloat16(), "d": torch.randn(2, 2).double()}
    write_safetensors(os.path.join(OUT, "half.safetensors"), half)
    np.savez(os.path.join(OUT, "half_expected.npz"), h=half["h"].float().numpy(), bf=half["bf"].float().numpy(), d=half["d"].numpy())
    np.savez(os.path.join(OUT, "checkpoint_expected.npz"), w=a.numpy(), b=b.numpy(), view=view.contiguous().numpy())
    np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4)))
    np.savez_compressed(os.path.join(OUT, "mixed.npz"), u8=np.arange(6, dtype=np.uint8).reshape(2, 3),
                        i32=np.array([-1, 2], dtype=np.int32), f2=np.array([0.5, -2.0], dtype=np.float16), scalar=np.float32(1.5))


def diffusion_fixtures():
    """q_sample, posterior, per-sample loss terms and their gradient, respacing, DDPM/DDIM steps."""
    import diffusion_reference as dr
    g = torch.Generator().manual_seed(21)
    d = dr.Diffusion()
    n = 5
    x0 = (torch.rand(n, 4, 8, 8, generator=g, dtype=torch.float64) * 2.2 - 1.1)   # some pixels beyond +-0.999
    noise = torch.randn(n, 4, 8, 8, generator=g, dtype=torch.float64)
    t = torch.tensor([0, 1, 2, 500, 999])
    out = torch.randn(n, 8, 8, 8, generator=g, dtype=torch.float64).requires_grad_(True)
    xt = d.q_sample(x0, t, noise)
    mean, var, logvar = d.q_posterior(x0, xt, t)
    mse, vb, loss = dr.training_losses(d, out, x0, xt, t, noise)
    loss.mean().backward()
    p_mean, p_logvar, p_x0, _ = d.p_mean_variance(out.detach(), xt, t)

    spaced = {k: np.array(sorted(dr.space_timesteps(1000, k))) for k in ["250", "ddim25", "10,5", "1"]}
    d250 = dr.Diffusion(dr.space_timesteps(1000, "250"))
    t250 = torch.tensor([0, 1, 100, 249, 17])
    z = torch.randn(n, 4, 8, 8, generator=g, dtype=torch.float64)
    m250, lv250, _, _ = d250.p_mean_variance(out.detach(), xt, t250)
    ddpm = m250 + (t250 != 0).double().view(-1, 1, 1, 1) * torch.exp(0.5 * lv250) * z

    # A whole 25-step DDIM trajectory driven by the tiny DiT fixture, from fixed noise.
    model = make_model("dit", 11).double()
    state = torch.load(os.path.join(OUT, "dit_tiny.pt"))
    model.load_state_dict({k: v.double() for k, v in state.items()})
    d25 = dr.Diffusion(dr.space_timesteps(1000, "ddim25"))
    x = torch.randn(2, 4, 8, 8, generator=g, dtype=torch.float64)
    start = x.clone()
    y = torch.tensor([3, 7])
    with torch.no_grad():
        for i in reversed(range(d25.num_timesteps)):
            ts = torch.tensor([i, i])
            x = dr.ddim_step(d25, model(x, torch.tensor([d25.timestep_map[i]] * 2), y), x, ts)
    # clip_denoised (pixel space): x0 clamped to [-1, 1] before the posterior; no random draws.
    m250c, _, _, _ = d250.p_mean_variance(out.detach(), xt, t250, clip_denoised=True)
    ddpm_clipped = m250c + (t250 != 0).double().view(-1, 1, 1, 1) * torch.exp(0.5 * lv250) * z
    ddim_clipped = dr.ddim_step(d250, out.detach(), xt, t250, clip_denoised=True)
    np.savez(os.path.join(OUT, "diffusion.npz"), x0=x0.numpy(), noise=noise.numpy(), t=t.numpy(), out=out.detach().numpy(),
             xt=xt.numpy(), post_mean=mean.numpy(), post_logvar=logvar.numpy(), mse=mse.detach().numpy(),
             vb=vb.detach().numpy(), loss=loss.detach().numpy(), grad_out=out.grad.numpy(), p_mean=p_mean.numpy(),
             p_logvar=p_logvar.numpy(), p_x0=p_x0.numpy(), betas250=d250.betas, t250=t250.numpy(), z=z.numpy(), ddpm250=ddpm.numpy(),
             ddim_start=start.numpy(), ddim_y=y.numpy(), ddim_final=x.numpy(),
             ddpm250_clipped=ddpm_clipped.numpy(), ddim250_clipped=ddim_clipped.numpy(),
             **{"spaced_" + k.replace(",", "_"): v for k, v in spaced.items()})


def distill_fixtures():
    """LiT's hybrid distillation loss: tiny DiT teacher, tiny LiT student, same x_t, t; the student's
    dropped labels (null class 10) seen by the teacher too. loss = mse + vb + l1 kd_eps + l2 kd_var."""
    import diffusion_reference as dr
    lambda1, lambda2 = 0.5, 0.05
    teacher, student = make_model("dit", 11).double(), make_model("lit", 12).double()
    for m, kind in ((teacher, "dit"), (student, "lit")):
        state = torch.load(os.path.join(OUT, f"{kind}_tiny.pt"))
        m.load_state_dict({k: v.double() for k, v in state.items()})
    g = torch.Generator().manual_seed(41)
    n = 4
    d = dr.Diffusion()
    x0 = torch.rand(n, 4, 8, 8, generator=g, dtype=torch.float64) * 2 - 1
    noise = torch.randn(n, 4, 8, 8, generator=g, dtype=torch.float64)
    t = torch.tensor([0, 17, 500, 999])
    y = torch.tensor([3, 10, 7, 1])
    xt = d.q_sample(x0, t, noise)
    with torch.no_grad():
        out_t = teacher(xt, t, y)
    out_s = student(xt, t, y).detach().requires_grad_(True)
    mse, vb, _ = dr.training_losses(d, out_s, x0, xt, t, noise)
    kd_eps = dr.mean_flat((out_t[:, :4] - out_s[:, :4]) ** 2)
    kd_var = dr.mean_flat((out_t[:, 4:] - out_s[:, 4:]) ** 2)
    total = mse + vb + lambda1 * kd_eps + lambda2 * kd_var
    total.mean().backward()
    np.savez(os.path.join(OUT, "distill.npz"), x0=x0.numpy(), noise=noise.numpy(), t=t.numpy(), y=y.numpy(), xt=xt.numpy(),
             out_teacher=out_t.numpy(), out_student=out_s.detach().numpy(), kd_eps=kd_eps.detach().numpy(),
             kd_var=kd_var.detach().numpy(), total=total.detach().numpy(), grad_out=out_s.grad.numpy(),
             lambdas=np.array([lambda1, lambda2]))


def optimizer_fixtures():
    """torch.optim.AdamW over a few steps (with weight decay), global-norm clipping and an EMA."""
    g = torch.Generator().manual_seed(31)
    p0 = torch.randn(64, generator=g, dtype=torch.float64)
    grads = torch.randn(4, 64, generator=g, dtype=torch.float64) * torch.tensor([1.0, 0.1, 3.0, 0.5], dtype=torch.float64)[:, None]
    param = torch.nn.Parameter(p0.clone())
    opt = torch.optim.AdamW([param], lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05)
    ema = p0.clone()
    clipped_norms = []
    for k in range(4):
        opt.zero_grad()
        param.grad = grads[k].clone()
        clipped_norms.append(float(torch.nn.utils.clip_grad_norm_([param], max_norm=2.0)))
        opt.step()
        with torch.no_grad():
            ema.mul_(0.9).add_(param.detach(), alpha=0.1)
    st = opt.state[param]
    np.savez(os.path.join(OUT, "adamw.npz"), p0=p0.numpy(), grads=grads.numpy(), final=param.detach().numpy(),
             exp_avg=st["exp_avg"].numpy(), exp_avg_sq=st["exp_avg_sq"].numpy(), ema=ema.numpy(), norms=np.array(clipped_norms))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    fixture("dit", 11)
    fixture("lit", 12)
    file_format_fixtures()
    diffusion_fixtures()
    optimizer_fixtures()
    distill_fixtures()
    print("fixtures written to", os.path.abspath(OUT))
