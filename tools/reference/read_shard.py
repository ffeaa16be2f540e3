#!/usr/bin/env python3
"""Reads a latent data set written by lit-data (format "lit-latents/1") with numpy and json only.

Usage: read_shard.py DIR            index.json and every shard it lists (checking their SHA-256)
       read_shard.py SHARD.safetensors

A shard is parsed the way Hugging Face's safetensors does (u64 little-endian header length, a JSON
header, tensors at data_offsets of the data section that follows) and held to the same checks
(header under 100 MB starting with '{', __metadata__ values strings, tensors back to back from
offset 0, byte counts matching shape and dtype, the data section ending at the end of the file),
so a file that passes here loads with safetensors.torch.load_file. Exits non-zero on any failure.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F16": "<f2", "F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "I16": "<i2", "U8": "u1", "I8": "i1", "BOOL": "?"}


def fail(path, why):
    sys.exit(f"{path}: {why}")


def read_safetensors(path):
    """(metadata, {name: numpy array}) of a safetensors file, with safetensors' own validation."""
    buf = open(path, "rb").read()
    if len(buf) < 8:
        fail(path, "header too small")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > 100_000_000:
        fail(path, f"header too large ({n} bytes)")
    if 8 + n > len(buf):
        fail(path, f"invalid header length {n} for a file of {len(buf)} bytes")
    text = buf[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        fail(path, "header does not start with '{'")
    header = json.loads(text)
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(v, str) for v in metadata.values()):
        fail(path, "__metadata__ values must be strings")
    data = buf[8 + n:]
    end = 0
    tensors = {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        if begin != end or stop < begin:
            fail(path, f"tensor {name}: offsets {info['data_offsets']} do not follow the previous tensor's end {end}")
        dtype = np.dtype(DTYPES[info["dtype"]])
        if int(np.prod(info["shape"])) * dtype.itemsize != stop - begin:
            fail(path, f"tensor {name}: {stop - begin} bytes do not hold {info['shape']} of {info['dtype']}")
        tensors[name] = np.frombuffer(data, dtype=dtype, count=int(np.prod(info["shape"])), offset=begin).reshape(info["shape"])
        end = stop
    if end != len(data):
        fail(path, f"data section is {len(data)} bytes, the tensors end at {end}")
    return metadata, {name: tensors[name] for name in header}


def show_shard(path, expected_count=None, dtype=None):
    metadata, t = read_safetensors(path)
    files = json.loads(metadata["files"])
    mean, std, label = t["mean"], t["std"], t["label"]
    n = label.shape[0]
    assert mean.shape == std.shape and mean.shape[:2] == (n, 2), (mean.shape, std.shape, label.shape)
    assert len(files) == n, f"{len(files)} files for {n} rows"
    if expected_count is not None:
        assert n == expected_count, f"{path}: {n} rows, index.json says {expected_count}"
    if dtype is not None:
        assert mean.dtype == np.dtype({"float16": "<f2", "float32": "<f4"}[dtype]), (mean.dtype, dtype)
    print(f"{os.path.basename(path)}: tensors {[(k, str(v.dtype), list(v.shape)) for k, v in t.items()]}")
    print(f"  labels {label.tolist()}")
    print(f"  files {files}")
    if n:
        print(f"  mean[0, 0, 0] (image) {mean[0, 0, 0].astype(np.float32).ravel().tolist()}")
        print(f"  mean[0, 1, 0] (flip)  {mean[0, 1, 0].astype(np.float32).ravel().tolist()}")
        print(f"  std[{n - 1}, 1, -1]       {std[n - 1, 1, -1].astype(np.float32).ravel().tolist()}")
        print(f"  sums: mean {float(mean.astype(np.float64).sum()):.6f}, std {float(std.astype(np.float64).sum()):.6f}")
    return label


def main(arg):
    if os.path.isfile(arg):
        show_shard(arg)
        return
    index = json.load(open(os.path.join(arg, "index.json")))
    if index["format"] != "lit-latents/1":
        fail(arg, f"format {index['format']}")
    print(f"{arg}: {index['count']} samples, {len(index['classes'])} classes, latent {index['latent_shape']} {index['dtype']}, "
          f"scaling {index['scaling_factor']}, vae {index['vae']['file']}, {len(index['skipped'])} skipped")
    per_class = np.zeros(len(index["classes"]), dtype=np.int64)
    for shard in index["shards"]:
        path = os.path.join(arg, shard["name"])
        sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if sha != shard["sha256"]:
            fail(path, f"SHA-256 {sha}, index.json says {shard['sha256']}")
        labels = show_shard(path, shard["count"], index["dtype"])
        per_class += np.bincount(labels, minlength=len(per_class))
    assert per_class.tolist() == index["count_per_class"], (per_class.tolist(), index["count_per_class"])
    assert sum(index["count_per_class"]) == index["count"]
    print("OK: SHA-256s, counts and per-class counts match index.json")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
