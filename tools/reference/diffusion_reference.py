#!/usr/bin/env python3
"""PyTorch reference for DiT's Gaussian diffusion (REFERENCE.md section 2), written for parity tests.

Linear betas, epsilon prediction, learned-range variance, loss = MSE + VB (mean frozen, decoder NLL
at t = 0, in bits), respacing ("250", "ddimN", lists), DDPM and DDIM steps. Tables are float64 and
cast to the sample dtype at use, as the reference's _extract_into_tensor does.
"""
import math

import numpy as np
import torch


def space_timesteps(num_timesteps, section_counts):
    if isinstance(section_counts, str):
        if section_counts.startswith("ddim"):
            desired = int(section_counts[len("ddim"):])
            for i in range(1, num_timesteps):
                if len(range(0, num_timesteps, i)) == desired:
                    return set(range(0, num_timesteps, i))
            raise ValueError(f"cannot create exactly {desired} steps with an integer stride")
        section_counts = [int(x) for x in section_counts.split(",")]
    size_per = num_timesteps // len(section_counts)
    extra = num_timesteps % len(section_counts)
    start_idx, all_steps = 0, []
    for i, section_count in enumerate(section_counts):
        size = size_per + (1 if i < extra else 0)
        frac_stride = 1 if section_count <= 1 else (size - 1) / (section_count - 1)
        cur_idx, taken = 0.0, []
        for _ in range(section_count):
            taken.append(start_idx + round(cur_idx))
            cur_idx += frac_stride
        all_steps += taken
        start_idx += size
    return set(all_steps)


class Diffusion:
    def __init__(self, use_timesteps=None, num_timesteps=1000):
        scale = 1000 / num_timesteps
        betas = np.linspace(scale * 0.0001, scale * 0.02, num_timesteps, dtype=np.float64)
        self.timestep_map = list(range(num_timesteps))
        if use_timesteps is not None:
            alphas_cumprod = np.cumprod(1.0 - betas)
            last, new_betas, self.timestep_map = 1.0, [], []
            for i, a in enumerate(alphas_cumprod):
                if i in use_timesteps:
                    new_betas.append(1 - a / last)
                    last = a
                    self.timestep_map.append(i)
            betas = np.array(new_betas)
        self.betas = betas
        self.num_timesteps = len(betas)
        alphas = 1.0 - betas
        self.ac = np.cumprod(alphas)
        self.ac_prev = np.append(1.0, self.ac[:-1])
        self.sqrt_ac = np.sqrt(self.ac)
        self.sqrt_1m_ac = np.sqrt(1.0 - self.ac)
        self.sqrt_recip_ac = np.sqrt(1.0 / self.ac)
        self.sqrt_recipm1_ac = np.sqrt(1.0 / self.ac - 1)
        self.post_var = betas * (1.0 - self.ac_prev) / (1.0 - self.ac)
        self.post_logvar = np.log(np.append(self.post_var[1], self.post_var[1:])) if len(self.post_var) > 1 else np.array([])
        self.coef1 = betas * np.sqrt(self.ac_prev) / (1.0 - self.ac)
        self.coef2 = (1.0 - self.ac_prev) * np.sqrt(alphas) / (1.0 - self.ac)

    @staticmethod
    def ext(arr, t, shape, dtype):
        res = torch.from_numpy(arr)[t].to(dtype)
        while len(res.shape) < len(shape):
            res = res[..., None]
        return res.expand(shape)

    def q_sample(self, x0, t, noise):
        e = lambda a: self.ext(a, t, x0.shape, x0.dtype)
        return e(self.sqrt_ac) * x0 + e(self.sqrt_1m_ac) * noise

    def q_posterior(self, x0, xt, t):
        e = lambda a: self.ext(a, t, xt.shape, xt.dtype)
        return e(self.coef1) * x0 + e(self.coef2) * xt, e(self.post_var), e(self.post_logvar)

    def p_mean_variance(self, out, x, t, clip_denoised=False):
        c = x.shape[1]
        eps, v = out[:, :c], out[:, c:]
        e = lambda a: self.ext(a, t, x.shape, x.dtype)
        min_log, max_log = e(self.post_logvar), e(np.log(self.betas))
        frac = (v + 1) / 2
        logvar = frac * max_log + (1 - frac) * min_log
        x0 = e(self.sqrt_recip_ac) * x - e(self.sqrt_recipm1_ac) * eps
        if clip_denoised:
            x0 = x0.clamp(-1, 1)
        mean, _, _ = self.q_posterior(x0, x, t)
        return mean, logvar, x0, eps


def normal_kl(m1, lv1, m2, lv2):
    return 0.5 * (-1.0 + lv2 - lv1 + torch.exp(lv1 - lv2) + ((m1 - m2) ** 2) * torch.exp(-lv2))


def approx_standard_normal_cdf(x):
    return 0.5 * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3))))


def discretized_gaussian_log_likelihood(x, means, log_scales):
    centered = x - means
    inv = torch.exp(-log_scales)
    cdf_plus = approx_standard_normal_cdf(inv * (centered + 1.0 / 255.0))
    cdf_min = approx_standard_normal_cdf(inv * (centered - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_1m_cdf_min = torch.log((1.0 - cdf_min).clamp(min=1e-12))
    delta = cdf_plus - cdf_min
    return torch.where(x < -0.999, log_cdf_plus, torch.where(x > 0.999, log_1m_cdf_min, torch.log(delta.clamp(min=1e-12))))


def mean_flat(x):
    return x.mean(dim=list(range(1, x.dim())))


def min_snr_weight(d, t, gamma):
    """Min-SNR-gamma's weight of the eps mse (Hang et al. 2023): min(snr, gamma) / snr; 1 when gamma is 0."""
    if gamma == 0:
        return torch.ones(len(t), dtype=torch.float64)
    snr = torch.from_numpy(d.sqrt_ac / d.sqrt_1m_ac)[t] ** 2
    return torch.minimum(snr, torch.full_like(snr, gamma)) / snr


def training_losses(d, out, x0, xt, t, noise, min_snr_gamma=0):
    """Per-sample mse, vb, loss with DiT's defaults (MSE + learned range); min_snr_gamma > 0 weighs the mse."""
    c = x0.shape[1]
    eps, v = out[:, :c], out[:, c:]
    frozen = torch.cat([eps.detach(), v], dim=1)
    true_mean, _, true_logvar = d.q_posterior(x0, xt, t)
    mean, logvar, _, _ = d.p_mean_variance(frozen, xt, t)
    kl = mean_flat(normal_kl(true_mean, true_logvar, mean, logvar)) / math.log(2.0)
    nll = -mean_flat(discretized_gaussian_log_likelihood(x0, mean, 0.5 * logvar)) / math.log(2.0)
    vb = torch.where(t == 0, nll, kl)
    mse = min_snr_weight(d, t, min_snr_gamma).to(out.dtype) * mean_flat((noise - eps) ** 2)
    return mse, vb, mse + vb


def ddim_step(d, out, x, t, eta=0.0, noise=None, clip_denoised=False):
    mean, logvar, x0, _ = d.p_mean_variance(out, x, t, clip_denoised)
    e = lambda a: d.ext(a, t, x.shape, x.dtype)
    eps = (e(d.sqrt_recip_ac) * x - x0) / e(d.sqrt_recipm1_ac)
    ab, ab_prev = e(d.ac), e(d.ac_prev)
    sigma = eta * torch.sqrt((1 - ab_prev) / (1 - ab)) * torch.sqrt(1 - ab / ab_prev)
    pred = x0 * torch.sqrt(ab_prev) + torch.sqrt(1 - ab_prev - sigma ** 2) * eps
    nonzero = (t != 0).float().view(-1, *([1] * (len(x.shape) - 1)))
    return pred + nonzero * sigma * (noise if noise is not None else 0)
