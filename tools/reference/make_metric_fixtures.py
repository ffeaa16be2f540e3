#!/usr/bin/env python3
"""Writes the ADM-evaluator parity fixtures of lit-eval's metric tests (lit-eval/src/test/resources/fixtures/metrics).

Regenerate (numpy 1.24, scipy 1.10; no TensorFlow needed):
    mkdir -p /tmp/adm && git -C <guided-diffusion checkout> show HEAD:evaluations/evaluator.py > /tmp/adm/evaluator.py
    /usr/bin/python3 tools/reference/make_metric_fixtures.py --adm /tmp/adm

The expected numbers come from ADM's OWN functions (openai/guided-diffusion @ 22e0df8, evaluations/evaluator.py),
imported from that temporary copy, which is never committed:
  FID / sFID   Evaluator.compute_statistics (np.mean, np.cov) and FIDStatistics.frechet_distance (scipy sqrtm)
  IS           Evaluator.compute_inception_score (its splits, its float32 numpy arithmetic)
  P / R        Evaluator.compute_prec_recall -> ManifoldEstimator (its blocks, np.partition radii, <=)
  reference    Evaluator.read_statistics (an npz's mu/sigma/mu_s/sigma_s when it has 'mu')
Only what needs a TensorFlow session is substituted, by numpy code that computes what the TF graph
computes on a GPU (see SoftmaxSession and Fp16DistanceBlock below; lit-eval's DistanceBlock and GpuRowSum document
the same reading of TensorFlow's kernels).

The feature sets are not stored: every one is a formula of a seed (a splitmix64 hash and float32
+,-,* in a fixed order), which lit-eval's SyntheticFeatures recomputes bit for bit. Written here:
  cases.json    the feature-set specs, and ADM's FID/sFID/IS/precision/recall for each case
  radii.npz     ADM's radii (float32) of the precision/recall cases, for a row-by-row comparison
  ref_stats.npz a reference batch that carries mu/sigma/mu_s/sigma_s (ADM's read_statistics uses them)
  ref_plain.npz a reference batch without them (read_statistics computes them from the activations)
"""
import argparse
import json
import os
import sys
import types

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lit-eval", "src", "test", "resources", "fixtures", "metrics")
M64 = np.uint64


# ---------------------------------------------------------------------------------------------
# Synthetic features: SyntheticFeatures.java computes the same floats.

def mix(key):
    """splitmix64's finalizer over uint64 keys (wrapping arithmetic)."""
    z = key + M64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> M64(30))) * M64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> M64(27))) * M64(0x94D049BB133111EB)
    return z ^ (z >> M64(31))


def uniform(stream, rows, cols):
    """float32 in [0, 1) with 24 random bits, for key (stream << 44) | (row << 16) | col."""
    i = np.arange(rows, dtype=M64)[:, None] << M64(16)
    j = np.arange(cols, dtype=M64)[None, :]
    bits = mix((M64(stream) << M64(44)) | i | j) >> M64(40)
    return bits.astype(np.float32) * np.float32(2.0 ** -24)


def features(spec):
    """x = (sum_k z_ik W_kj) * scale + c_j + (u_ij - 1/2) * noise, then max(x, 0) if relu; all float32."""
    s, load, n, d, k = spec["seed"], spec["loading"], spec["rows"], spec["dim"], spec["factors"]
    one, two, half = np.float32(1), np.float32(2), np.float32(0.5)
    z = two * uniform(4 * s, n, k) - one
    e = uniform(4 * s + 1, n, d) - half
    w = two * uniform(4 * load + 2, k, d) - one
    c = uniform(4 * load + 3, 1, d) * np.float32(spec["offset"])
    acc = z[:, 0:1] * w[0:1, :]
    for f in range(1, k):
        acc = acc + z[:, f:f + 1] * w[f:f + 1, :]
    x = (acc * np.float32(spec["scale"]) + c) + e * np.float32(spec["noise"])
    if spec["relu"]:
        x = np.maximum(x, np.float32(0))
    assert x.dtype == np.float32
    return x


def spec(seed, loading, rows, dim, scale, offset, noise, relu=True, factors=6):
    return dict(seed=seed, loading=loading, rows=rows, dim=dim, factors=factors, scale=scale, offset=offset,
                noise=noise, relu=relu)


# ---------------------------------------------------------------------------------------------
# What the TensorFlow graph computes on a GPU (TF 2.x, CUB), in numpy.

def gpu_row_sum(x):
    """tf.reduce_sum(x, 1) on a GPU, accumulating in x's own dtype (float16 too: TF's GPU Sum has no
    float accumulator for half, unlike its Mean). Rows of >= 1024 columns go to CUB's segmented reduce
    (256 threads, a partial tile: thread t adds columns t, t+256, ... in order; each warp of 32 threads
    reduces as a binary tree; thread 0 adds the 8 warp sums in order); shorter rows to TF's
    RowReduceKernel (32 lanes, columns lane, lane+32, ...; then the same warp tree)."""
    n, d = x.shape
    threads = 256 if d >= 1024 else 32
    width = min(threads, d)
    acc = x[:, :width].copy()
    for s in range(threads, d, threads):
        blk = x[:, s:s + threads]
        acc[:, :blk.shape[1]] = acc[:, :blk.shape[1]] + blk
    warps = [warp_tree(acc[:, w:w + 32]) for w in range(0, width, 32)]
    total = warps[0]
    for w in warps[1:]:
        total = total + w
    return total


def warp_tree(p):
    p = p.copy()
    k, off = p.shape[1], 1
    while off < k:
        for i in range(0, k, 2 * off):
            if i + off < k:
                p[:, i] = p[:, i] + p[:, i + off]
        off *= 2
    return p[:, 0]


def pairwise_block(u, v, dtype):
    """ADM's _batch_pairwise_distances in dtype: max(|u|^2 - 2 u.v + |v|^2, 0). The matmul's products
    are summed in float32 (cuBLAS computes half GEMMs in float) and the sum is rounded to dtype once."""
    with np.errstate(over="ignore", invalid="ignore"):
        u, v = u.astype(dtype), v.astype(dtype)
        nu, nv = gpu_row_sum(u * u), gpu_row_sum(v * v)
        mm = (u.astype(np.float32) @ v.astype(np.float32).T).astype(dtype)
        return np.maximum((nu[:, None] - dtype(2) * mm) + nv[None, :], dtype(0))


class Fp16DistanceBlock:
    """Stands in for ADM's DistanceBlock (a TF session): the same block function in numpy."""

    def __init__(self, session):
        self.fallbacks = 0

    def pairwise_distances(self, u, v):
        d16 = pairwise_block(u, v, np.float16)
        if np.isfinite(d16).all():
            return d16.astype(np.float32)
        self.fallbacks += 1
        return pairwise_block(u, v, np.float32)

    def less_thans(self, batch_1, radii_1, batch_2, radii_2):
        d = self.pairwise_distances(batch_1, batch_2)[..., None]
        return np.any(d <= radii_2, axis=1), np.any(d <= radii_1[:, None], axis=0)


class SoftmaxSession:
    """Stands in for the session that runs ADM's softmax graph: float32 softmax of the fed logits
    (the fixtures' logits are already pool_3 @ W, so the graph's matmul is the identity here)."""

    def run(self, fetch, feed_dict):
        x = feed_dict["logits"].astype(np.float32)
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def import_adm(adm_dir):
    """ADM's evaluator.py with a stub TensorFlow (it imports tensorflow.compat.v1 at module level)."""
    tf = types.ModuleType("tensorflow")
    tf.compat = types.ModuleType("tensorflow.compat")
    tf.compat.v1 = types.ModuleType("tensorflow.compat.v1")
    sys.modules.update({"tensorflow": tf, "tensorflow.compat": tf.compat, "tensorflow.compat.v1": tf.compat.v1})
    np.bool = bool   # ManifoldEstimator.evaluate_pr uses np.bool, gone since numpy 1.24
    sys.path.insert(0, adm_dir)
    import evaluator
    evaluator.DistanceBlock = Fp16DistanceBlock
    return evaluator


def adm_evaluator(ev, pr_batch):
    """An Evaluator without its TF graphs: IS through SoftmaxSession, P/R through Fp16DistanceBlock."""
    e = ev.Evaluator.__new__(ev.Evaluator)
    e.sess, e.softmax_batch_size = SoftmaxSession(), 512
    e.softmax, e.softmax_input = "softmax", "logits"
    e.manifold_estimator = ev.ManifoldEstimator(None, row_batch_size=pr_batch, col_batch_size=pr_batch)
    return e


# ---------------------------------------------------------------------------------------------

POOL, SPATIAL, CLASSES = 2048, 2023, 1008
# Two image sets from one family (shared loadings), their spread and offsets differ: FID ~ tens.
REF = dict(pool=spec(11, 1, 3000, POOL, 0.30, 0.50, 0.80), spatial=spec(12, 2, 3000, SPATIAL, 0.50, 0.30, 1.00))
SAMPLES = dict(pool=spec(21, 1, 2500, POOL, 0.30, 0.40, 0.82), spatial=spec(22, 2, 2500, SPATIAL, 0.55, 0.25, 1.10),
               logits=spec(23, 3, 2500, CLASSES, 2.5, 2.0, 1.0, relu=False))
FEW = dict(pool=spec(31, 1, 1200, POOL, 0.32, 0.50, 0.80))                       # N < 2048: singular sigma
MANY_LOGITS = spec(41, 3, 11000, CLASSES, 2.5, 2.0, 1.0, relu=False)               # 3 splits of 5000: 5000, 5000, 1000
# Precision/recall where some blocks overflow float16 (ADM recomputes those blocks in float32): rows 200..299
# of the reference are scaled by 5 so that their squared norms pass 65504.
BIG_REF = spec(51, 5, 300, 64, 8.0, 4.0, 8.0)
BIG_SAMPLES = spec(52, 5, 250, 64, 8.0, 4.0, 9.0)
# The reference-file semantics, at small dimensions.
SMALL = dict(pool=64, spatial=48, classes=32)
SMALL_SAMPLES = dict(pool=spec(61, 6, 400, 64, 0.3, 0.5, 0.8), spatial=spec(62, 7, 400, 48, 0.5, 0.3, 1.0),
                     logits=spec(63, 8, 400, 32, 2.0, 1.0, 1.0, relu=False))
SMALL_REF = dict(pool=spec(71, 6, 500, 64, 0.32, 0.45, 0.8), spatial=spec(72, 7, 500, 48, 0.5, 0.35, 1.0))
SMALL_STORED = dict(pool=spec(81, 6, 700, 64, 0.29, 0.55, 0.75), spatial=spec(82, 7, 700, 48, 0.45, 0.3, 0.9))


def big_ref_features():
    x = features(BIG_REF)
    x[200:] *= np.float32(5)
    return x


def fid(ev, e, a, b):
    return float(e.compute_statistics(a).frechet_distance(e.compute_statistics(b)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--adm", required=True, help="folder holding a copy of guided-diffusion's evaluations/evaluator.py")
    ev = import_adm(p.parse_args().adm)
    os.makedirs(OUT, exist_ok=True)
    cases, radii = {}, {}

    e = adm_evaluator(ev, 10000)
    ref, smp, few = ({k: features(s) for k, s in group.items()} for group in (REF, SAMPLES, FEW))
    cases["fid"] = dict(samples=SAMPLES["pool"], reference=REF["pool"], expected=fid(ev, e, smp["pool"], ref["pool"]))
    cases["sfid"] = dict(samples=SAMPLES["spatial"], reference=REF["spatial"],
                         expected=fid(ev, e, smp["spatial"], ref["spatial"]))
    cases["fid_singular"] = dict(samples=FEW["pool"], reference=REF["pool"], expected=fid(ev, e, few["pool"], ref["pool"]))
    cases["fid_self"] = dict(samples=REF["pool"], reference=REF["pool"], expected=fid(ev, e, ref["pool"], ref["pool"]))
    cases["is_splits_1000"] = dict(logits=SAMPLES["logits"], split=1000,
                                   expected=e.compute_inception_score(smp["logits"], split_size=1000))
    cases["is_default"] = dict(logits=MANY_LOGITS, split=5000,
                               expected=e.compute_inception_score(features(MANY_LOGITS)))

    for name, batch, r_spec, s_spec, r, s in (
            ("pr_blocks_1000", 1000, REF["pool"], SAMPLES["pool"], ref["pool"], smp["pool"]),
            ("pr_one_block", 10000, REF["pool"], SAMPLES["pool"], ref["pool"], smp["pool"]),
            ("pr_fp32_fallback", 100, BIG_REF, BIG_SAMPLES, big_ref_features(), features(BIG_SAMPLES))):
        pe = adm_evaluator(ev, batch)
        prec, rec = pe.compute_prec_recall(r, s)
        me = pe.manifold_estimator
        cases[name] = dict(reference=r_spec, samples=s_spec, batch=batch, precision=prec, recall=rec,
                           fallback_blocks=me.distance_block.fallbacks)
        radii[name + "_ref"], radii[name + "_samples"] = me.manifold_radii(r)[:, 0], me.manifold_radii(s)[:, 0]
        if name == "pr_fp32_fallback":
            cases[name]["reference_rows_scaled_from"] = 200

    # ADM's read_statistics: mu/sigma/mu_s/sigma_s of the npz when it has 'mu', else the activations' own.
    sm = {k: features(s) for k, s in SMALL_SAMPLES.items()}
    sr = {k: features(s) for k, s in SMALL_REF.items()}
    stored = {k: e.compute_statistics(features(s)) for k, s in SMALL_STORED.items()}
    dummy_images = np.zeros((2, 4, 4, 3), dtype=np.uint8)
    np.savez(os.path.join(OUT, "ref_stats.npz"), arr_0=dummy_images, mu=stored["pool"].mu, sigma=stored["pool"].sigma,
             mu_s=stored["spatial"].mu, sigma_s=stored["spatial"].sigma)
    np.savez(os.path.join(OUT, "ref_plain.npz"), arr_0=dummy_images)
    se = adm_evaluator(ev, 150)
    sample_stats = se.compute_statistics(sm["pool"]), se.compute_statistics(sm["spatial"])
    for name, path in (("reference_with_stats", "ref_stats.npz"), ("reference_without_stats", "ref_plain.npz")):
        ref_stats = se.read_statistics(os.path.join(OUT, path), (sr["pool"], sr["spatial"]))
        prec, rec = se.compute_prec_recall(sr["pool"], sm["pool"])
        cases[name] = dict(file=path, samples=SMALL_SAMPLES, reference=SMALL_REF, split=100, batch=150,
                           fid=float(sample_stats[0].frechet_distance(ref_stats[0])),
                           sfid=float(sample_stats[1].frechet_distance(ref_stats[1])),
                           inception_score=se.compute_inception_score(sm["logits"], split_size=100),
                           precision=prec, recall=rec)

    np.savez_compressed(os.path.join(OUT, "radii.npz"), **radii)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in cases.items():
        print(k, {a: b for a, b in v.items() if not isinstance(b, dict)})


if __name__ == "__main__":
    main()
