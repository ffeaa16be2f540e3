#!/usr/bin/env python3
"""Writes the legacy torch.save fixtures (PyTorch < 1.6 format) for lit-core's reader tests.

torch 1.13 still writes that format with _use_new_zipfile_serialization=False: the magic-number,
protocol and sys_info pickles, the object pickle with ('storage', ...) persistent ids, the list of
storage keys, then every storage as an int64 element count and its raw little-endian bytes.
pytorch-fid's pt_inception-2015-12-05-6726825d.pth is such a file.

Files (lit-core/src/test/resources/fixtures):
  legacy_tensors.pth     every storage type the reader supports, 0-d scalars, and three views of one
                         storage (whole, offset + strides, transposed) written once
  legacy_checkpoint.pth  a DiT train.py-like nested checkpoint {model, ema, args, steps}
  legacy_expected.npz    the same tensors as numpy arrays (bfloat16 as its exact float32 value)
"""
import argparse
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lit-core", "src", "test", "resources", "fixtures")


def save_legacy(obj, name):
    torch.save(obj, os.path.join(OUT, name), _use_new_zipfile_serialization=False)


def main():
    torch.manual_seed(11)
    base = torch.randn(4, 6)
    tensors = {
        "f32": torch.randn(2, 3),
        "f16": torch.randn(3, 2).half(),
        "f64": torch.randn(2, 2).double(),
        "bf16": torch.randn(5).bfloat16(),
        "i64": torch.tensor([[-3, 2**40], [7, -(2**62)]], dtype=torch.int64),
        "i32": torch.tensor([-5, 0, 2**31 - 1], dtype=torch.int32),
        "num_batches_tracked": torch.tensor(94, dtype=torch.int64),  # a 0-d int64, as every BatchNorm saves
        "scalar": torch.tensor(-1.25),
        "base": base,
        "view": base[1:, 2:5],    # storage offset 8, strides (6, 1): same storage as base
        "t": base.t(),            # strides (1, 6): same storage again
    }
    assert tensors["view"].storage_offset() == 8 and tensors["view"].data_ptr() != base.data_ptr()
    save_legacy(tensors, "legacy_tensors.pth")

    model = {"w": torch.randn(3, 4), "b": torch.arange(4, dtype=torch.int64)}
    ckpt = {"model": model, "ema": {"w": model["w"] * 2, "b": model["b"]},
            "args": argparse.Namespace(model="DiT-XL/2", image_size=256), "steps": 3}
    save_legacy(ckpt, "legacy_checkpoint.pth")

    expected = {k: (v.float() if v.dtype == torch.bfloat16 else v).contiguous().numpy() for k, v in tensors.items()}
    expected["model.w"] = model["w"].numpy()
    expected["model.b"] = model["b"].numpy()
    np.savez(os.path.join(OUT, "legacy_expected.npz"), **expected)
    print("legacy fixtures written to", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
