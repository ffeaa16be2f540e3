#!/usr/bin/env python3
"""Writes the FID Inception weight-file fixtures for lit-eval's InceptionWeights tests
(lit-eval/src/test/resources/fixtures).

A "tiny" pytorch-fid state dict keeps every real name and kernel size (3x3, 1x7, 7x1, 5x5, 1x3, ...) but
only 2 input and 3 output channels per conv and 5 classes x 4 features in fc, so the three file kinds
stay a few tens of kB:
  inception_tiny.pb           the GraphDef inception_to_graphdef.py writes, with the real node names; most
                              Consts as tensor_content, a few in the float_val forms (every value, or one
                              value TF repeats), bn.weight != 1 as scale_after_normalization=true; and
                              conv_1 (Conv2d_2a_3x3) with scale_after_normalization=false over a gamma of
                              2.5, which TF ignores: its expected bn.weight is ones
  inception_tiny_legacy.pth   torch.save legacy format with the 94 num_batches_tracked int64 scalars,
                              like pytorch-fid's pt_inception-2015-12-05-6726825d.pth
  inception_tiny.pth          torch.save zip format without num_batches_tracked, like torch-fidelity's file
  inception_tiny_expected.npz the state dict every reader must return (float32, pytorch-fid layout)
  inception_fid_shapes.json   [name, shape] of the full 1008-class model's state dict, in module order
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from inception_to_graphdef import fid_inception, gamma_is_used, inception_graphdef  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lit-eval", "src", "test", "resources", "fixtures")
FORMS = {"softmax/biases": "float_val", "mixed_4/tower/conv_1/batchnorm/moving_variance": "float_val",
         "mixed_10/tower_2/conv/conv2d_params": "float_val", "conv/batchnorm/gamma": "broadcast"}


def tiny_state(full):
    g = torch.Generator().manual_seed(2015)
    state, layer = {}, -1
    for name, t in full.items():
        if name.endswith("conv.weight"):
            layer += 1
            state[name] = torch.randn(3, 2, *t.shape[2:], generator=g)
        elif name.endswith("bn.weight"):       # ones like the released graph, but every fourth layer really scales
            state[name] = torch.rand(3, generator=g) + 0.5 if layer % 4 == 3 else torch.ones(3)
        elif name.endswith("running_var"):
            state[name] = torch.rand(3, generator=g) + 0.1
        elif name.endswith("num_batches_tracked"):
            state[name] = torch.tensor(layer + 1000, dtype=torch.int64)
        elif name == "fc.weight":
            state[name] = torch.randn(5, 4, generator=g)
        else:
            state[name] = torch.randn(5 if name == "fc.bias" else 3, generator=g)
    return state


def main():
    full = fid_inception().state_dict()
    with open(os.path.join(OUT, "inception_fid_shapes.json"), "w") as f:
        f.write("[\n" + ",\n".join(json.dumps([k, list(v.shape)]) for k, v in full.items()) + "\n]\n")

    state = tiny_state(full)
    torch.save(state, os.path.join(OUT, "inception_tiny_legacy.pth"), _use_new_zipfile_serialization=False)
    weights = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    torch.save(weights, os.path.join(OUT, "inception_tiny.pth"))
    np.savez_compressed(os.path.join(OUT, "inception_tiny_expected.npz"), **{k: v.numpy() for k, v in weights.items()})

    in_graph = dict(weights)
    in_graph["Conv2d_2a_3x3.bn.weight"] = torch.full((3,), 2.5)
    scale = lambda scope, gamma: False if scope == "conv_1" else gamma_is_used(scope, gamma)  # noqa: E731
    with open(os.path.join(OUT, "inception_tiny.pb"), "wb") as f:
        f.write(inception_graphdef(in_graph, scale, FORMS))
    print("inception fixtures written to", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
