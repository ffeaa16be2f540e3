#!/usr/bin/env python3
"""Converts a pytorch-fid-named FID Inception state dict (.pth) into a TensorFlow GraphDef (.pb) laid out
like ADM's classify_image_graph_def.pb (the "inception-2015-12-05" graph), so the Java GraphDef reader can
be tested on files with known weights.

    /usr/bin/python3 tools/reference/inception_to_graphdef.py weights.pth out.pb

What is copied from the real graph (REFERENCE.md §7.1.1 and §7.4.1; node listings printed from the real
file by anshuman23/tensorflex's docs and several TF-era dump scripts; torch-fidelity's
utils/util_convert_inception_weights.py for the TF -> torchvision name map):
  - node names and ops: DecodeJpeg/contents -> DecodeJpeg -> Cast -> ExpandDims -> ResizeBilinear -> Sub(128)
    -> Mul(1/128) -> layers -> pool_3 -> pool_3/_reshape -> softmax/logits/MatMul -> softmax;
  - every layer X as Const X/conv2d_params (HWIO float32) -> X/Conv2D -> BatchNormWithGlobalNormalization
    X/batchnorm(X/Conv2D, moving_mean, moving_variance, beta, gamma) with attrs variance_epsilon (0.001f)
    and scale_after_normalization -> X/CheckNumerics -> X/control_dependency (Identity) -> X (Relu);
  - pools (pool, pool_1, mixed*/tower_2/pool, mixed_3/pool, mixed_8/pool, pool_3) with the same
    CheckNumerics/control_dependency guard in front; joins as old-style Concat with a concat_dim Const;
  - Const values as TF's make_tensor_proto writes them: tensor_content for arrays, *_val for scalars;
  - softmax/weights (2048 x 1008, the transpose of fc.weight) and softmax/biases.
Not known from any source consulted (only what a weight reader ignores): the CheckNumerics messages,
the inner joins of the mixed_9/mixed_10 towers (named <tower>/mixed/join here), the op of softmax/logits
(BiasAdd here) and the GraphDef version fields (left unset: producer 0, which TF still loads).

scale_after_normalization: the one graph node printed with these attrs (tensorflow's
graph_constructor_test.cc, ImportGraphDef_DeprecatedOps, a [1,149,149,32] batch norm like this graph's
first layer) has scale_after_normalization=false and variance_epsilon=0.001f, and the released gammas are
all ones (tensorflow/tensorflow#564). A layer whose bn.weight is all ones is written that way; any other
bn.weight (random test weights) is written with scale_after_normalization=true, so the graph still
computes what the state dict does.

The protobuf wire format is encoded here by hand (no TensorFlow protos in this Python); field numbers
from tensorflow/core/framework/{graph,node_def,attr_value,tensor,tensor_shape,types}.proto.
"""
import struct
import sys

import numpy as np
import torch
import torchvision
from torchvision.models.inception import BasicConv2d

BN_EPSILON = np.float32(0.001)
DT_FLOAT, DT_INT32, DT_UINT8, DT_STRING = 1, 3, 4, 7


# --- protobuf wire format -------------------------------------------------------------------------
def varint(n):
    n &= (1 << 64) - 1                      # negative int64 as its 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field_varint(num, n):
    return varint(num << 3) + varint(n)


def field_bytes(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def field_float(num, x):
    return varint(num << 3 | 5) + struct.pack("<f", x)


def packed(num, values, fmt):
    if fmt == "varint":
        return field_bytes(num, b"".join(varint(int(v)) for v in values))
    return field_bytes(num, np.asarray(values, dtype="<f4").tobytes())


# --- messages -------------------------------------------------------------------------------------
def tensor_shape(shape):
    # TensorShapeProto.dim = 2, Dim.size = 1 (proto3 omits a zero size)
    return b"".join(field_bytes(2, field_varint(1, d) if d else b"") for d in shape)


def tensor(dtype, shape, content=None, float_val=None, int_val=None, string_val=None):
    # TensorProto: dtype = 1, tensor_shape = 2, tensor_content = 4, float_val = 5, int_val = 7, string_val = 8
    out = field_varint(1, dtype) + field_bytes(2, tensor_shape(shape))
    if content is not None:
        out += field_bytes(4, content)
    if float_val is not None:
        out += packed(5, float_val, "float")
    if int_val is not None:
        out += packed(7, int_val, "varint")
    if string_val is not None:
        out += field_bytes(8, string_val)
    return out


# AttrValue (a oneof, so even false / 0 is written): list = 1, s = 2, i = 3, f = 4, b = 5, type = 6, tensor = 8
def attr_s(s):
    return field_bytes(2, s.encode())


def attr_i(i):
    return field_varint(3, i)


def attr_f(f):
    return field_float(4, f)


def attr_b(b):
    return field_varint(5, int(b))


def attr_type(t):
    return field_varint(6, t)


def attr_tensor(t):
    return field_bytes(8, t)


def attr_ints(values):
    return field_bytes(1, packed(3, values, "varint"))      # ListValue.i = 3


def node(name, op, inputs=(), **attrs):
    # NodeDef: name = 1, op = 2, input = 3, attr = 5 (map entries: key = 1, value = 2)
    out = field_bytes(1, name.encode()) + field_bytes(2, op.encode())
    for i in inputs:
        out += field_bytes(3, i.encode())
    for key in sorted(attrs):
        out += field_bytes(5, field_bytes(1, key.encode()) + field_bytes(2, attrs[key]))
    return out


def graph(nodes):
    return b"".join(field_bytes(1, n) for n in nodes)          # GraphDef.node = 1


# --- Const nodes ----------------------------------------------------------------------------------
def const_float(name, array, form="content"):
    """form: "content" (tensor_content, what TF writes for arrays), "float_val" (every value), or
    "broadcast" (one float_val that TF repeats to fill the shape; only for constant arrays)."""
    a = np.ascontiguousarray(array, dtype="<f4")
    if form == "content":
        t = tensor(DT_FLOAT, a.shape, content=a.tobytes())
    elif form == "float_val":
        t = tensor(DT_FLOAT, a.shape, float_val=a.ravel())
    elif form == "broadcast":
        assert np.all(a == a.flat[0]), name + " is not constant"
        t = tensor(DT_FLOAT, a.shape, float_val=a.ravel()[:1])
    else:
        raise ValueError(form)
    return node(name, "Const", dtype=attr_type(DT_FLOAT), value=attr_tensor(t))


def const_int(name, values, shape):
    return node(name, "Const", dtype=attr_type(DT_INT32), value=attr_tensor(tensor(DT_INT32, shape, int_val=values)))


def const_scalar(name, x):
    return node(name, "Const", dtype=attr_type(DT_FLOAT), value=attr_tensor(tensor(DT_FLOAT, (), float_val=[x])))


# --- layer names ----------------------------------------------------------------------------------
STEM = {"Conv2d_1a_3x3": "conv", "Conv2d_2a_3x3": "conv_1", "Conv2d_2b_3x3": "conv_2", "Conv2d_3b_1x1": "conv_3", "Conv2d_4a_3x3": "conv_4"}
BLOCKS = {"Mixed_5b": "mixed", "Mixed_5c": "mixed_1", "Mixed_5d": "mixed_2", "Mixed_6a": "mixed_3", "Mixed_6b": "mixed_4",
          "Mixed_6c": "mixed_5", "Mixed_6d": "mixed_6", "Mixed_6e": "mixed_7", "Mixed_7a": "mixed_8", "Mixed_7b": "mixed_9",
          "Mixed_7c": "mixed_10"}
# branch -> scope inside a block, per torchvision block type (torch-fidelity's map, written per type)
BRANCHES = {
    "InceptionA": {"branch1x1": "conv", "branch5x5_1": "tower/conv", "branch5x5_2": "tower/conv_1", "branch3x3dbl_1": "tower_1/conv",
                   "branch3x3dbl_2": "tower_1/conv_1", "branch3x3dbl_3": "tower_1/conv_2", "branch_pool": "tower_2/conv"},
    "InceptionB": {"branch3x3": "conv", "branch3x3dbl_1": "tower/conv", "branch3x3dbl_2": "tower/conv_1", "branch3x3dbl_3": "tower/conv_2"},
    "InceptionC": {"branch1x1": "conv", "branch7x7_1": "tower/conv", "branch7x7_2": "tower/conv_1", "branch7x7_3": "tower/conv_2",
                   "branch7x7dbl_1": "tower_1/conv", "branch7x7dbl_2": "tower_1/conv_1", "branch7x7dbl_3": "tower_1/conv_2",
                   "branch7x7dbl_4": "tower_1/conv_3", "branch7x7dbl_5": "tower_1/conv_4", "branch_pool": "tower_2/conv"},
    "InceptionD": {"branch3x3_1": "tower/conv", "branch3x3_2": "tower/conv_1", "branch7x7x3_1": "tower_1/conv",
                   "branch7x7x3_2": "tower_1/conv_1", "branch7x7x3_3": "tower_1/conv_2", "branch7x7x3_4": "tower_1/conv_3"},
    "InceptionE": {"branch1x1": "conv", "branch3x3_1": "tower/conv", "branch3x3_2a": "tower/mixed/conv", "branch3x3_2b": "tower/mixed/conv_1",
                   "branch3x3dbl_1": "tower_1/conv", "branch3x3dbl_2": "tower_1/conv_1", "branch3x3dbl_3a": "tower_1/mixed/conv",
                   "branch3x3dbl_3b": "tower_1/mixed/conv_1", "branch_pool": "tower_2/conv"},
}


def fid_inception():
    """torchvision's Inception-v3 with pytorch-fid's 1008 classes: the same parameters as pytorch-fid's
    model (its FID blocks only change forward()), with every conv's stride and padding."""
    return torchvision.models.inception_v3(num_classes=1008, aux_logits=False, init_weights=False)


def conv_layers():
    """(pytorch-fid module path, TF scope, torch Conv2d) for the 94 BasicConv2d, in module order."""
    model = fid_inception()
    out = []
    for name, module in model.named_modules():
        if isinstance(module, BasicConv2d):
            if name in STEM:
                tf = STEM[name]
            else:
                block, branch = name.split(".")
                tf = BLOCKS[block] + "/" + BRANCHES[type(getattr(model, block)).__name__][branch]
            out.append((name, tf, module.conv))
    assert len(out) == 94
    return out


# --- the graph ------------------------------------------------------------------------------------
class GraphWriter:
    def __init__(self, state, scale_after_normalization, forms):
        self.state, self.scale, self.forms, self.nodes = state, scale_after_normalization, forms, []
        layers = conv_layers()
        self.torch_name = {tf: torch_name for torch_name, tf, _ in layers}
        self.convs = {tf: c for _, tf, c in layers}

    def const(self, name, array):
        self.nodes.append(const_float(name, array, self.forms.get(name, "content")))

    def guarded(self, name, x):
        """The graph's guard in front of every layer output: CheckNumerics, then an Identity that waits for it."""
        self.nodes.append(node(name + "/CheckNumerics", "CheckNumerics", [x], T=attr_type(DT_FLOAT), message=attr_s(name)))
        self.nodes.append(node(name + "/control_dependency", "Identity", [x, "^" + name + "/CheckNumerics"], T=attr_type(DT_FLOAT)))
        return name + "/control_dependency"

    def conv(self, tf, x):
        """The layer at TF scope tf applied to x: Conv2D, batch norm, guard, Relu."""
        p, prefix, conv = self.state, self.torch_name[tf], self.convs[tf]
        w = p[prefix + ".conv.weight"].numpy()
        self.const(tf + "/conv2d_params", w.transpose(2, 3, 1, 0))                     # OIHW -> HWIO
        s = conv.stride[0]
        padding = "SAME" if any(conv.padding) else "VALID"
        self.nodes.append(node(tf + "/Conv2D", "Conv2D", [x, tf + "/conv2d_params"], T=attr_type(DT_FLOAT), strides=attr_ints([1, s, s, 1]),
                               padding=attr_s(padding), use_cudnn_on_gpu=attr_b(True)))
        gamma = p[prefix + ".bn.weight"].numpy()
        for part, key in (("beta", "bias"), ("gamma", "weight"), ("moving_mean", "running_mean"), ("moving_variance", "running_var")):
            self.const(tf + "/batchnorm/" + part, p[prefix + ".bn." + key].numpy())
        bn = tf + "/batchnorm"
        self.nodes.append(node(bn, "BatchNormWithGlobalNormalization",
                               [tf + "/Conv2D", bn + "/moving_mean", bn + "/moving_variance", bn + "/beta", bn + "/gamma"],
                               T=attr_type(DT_FLOAT), variance_epsilon=attr_f(BN_EPSILON),
                               scale_after_normalization=attr_b(self.scale(tf, gamma))))
        self.nodes.append(node(tf, "Relu", [self.guarded(tf, bn)], T=attr_type(DT_FLOAT)))
        return tf

    def pool(self, name, op, x, k, s, padding):
        self.nodes.append(node(name, op, [self.guarded(name, x)], T=attr_type(DT_FLOAT), ksize=attr_ints([1, k, k, 1]),
                               strides=attr_ints([1, s, s, 1]), padding=attr_s(padding)))
        return name

    def join(self, name, parts):
        self.nodes.append(const_int(name + "/concat_dim", [3], ()))
        self.nodes.append(node(name, "Concat", [name + "/concat_dim"] + parts, N=attr_i(len(parts)), T=attr_type(DT_FLOAT)))
        return name

    def build(self):
        conv = self.conv
        self.nodes.append(node("DecodeJpeg/contents", "Const", dtype=attr_type(DT_STRING),
                               value=attr_tensor(tensor(DT_STRING, (), string_val=b""))))
        self.nodes.append(node("DecodeJpeg", "DecodeJpeg", ["DecodeJpeg/contents"], channels=attr_i(3), ratio=attr_i(1),
                               fancy_upscaling=attr_b(True), try_recover_truncated=attr_b(False), acceptable_fraction=attr_f(1.0)))
        self.nodes.append(node("Cast", "Cast", ["DecodeJpeg"], SrcT=attr_type(DT_UINT8), DstT=attr_type(DT_FLOAT)))
        self.nodes.append(const_int("ExpandDims/dim", [0], ()))
        self.nodes.append(node("ExpandDims", "ExpandDims", ["Cast", "ExpandDims/dim"], T=attr_type(DT_FLOAT)))
        self.nodes.append(const_int("ResizeBilinear/size", [299, 299], (2,)))
        self.nodes.append(node("ResizeBilinear", "ResizeBilinear", ["ExpandDims", "ResizeBilinear/size"], T=attr_type(DT_FLOAT),
                               align_corners=attr_b(False)))
        self.nodes.append(const_scalar("Sub/y", 128.0))
        self.nodes.append(node("Sub", "Sub", ["ResizeBilinear", "Sub/y"], T=attr_type(DT_FLOAT)))
        self.nodes.append(const_scalar("Mul/y", 0.0078125))
        self.nodes.append(node("Mul", "Mul", ["Sub", "Mul/y"], T=attr_type(DT_FLOAT)))

        x = conv("conv_2", conv("conv_1", conv("conv", "Mul")))
        x = self.pool("pool", "MaxPool", x, 3, 2, "VALID")
        x = conv("conv_4", conv("conv_3", x))
        x = self.pool("pool_1", "MaxPool", x, 3, 2, "VALID")
        for m in ("mixed", "mixed_1", "mixed_2"):                                       # Mixed_5b..5d
            x = self.join(m + "/join", [conv(m + "/conv", x),
                                        conv(m + "/tower/conv_1", conv(m + "/tower/conv", x)),
                                        conv(m + "/tower_1/conv_2", conv(m + "/tower_1/conv_1", conv(m + "/tower_1/conv", x))),
                                        conv(m + "/tower_2/conv", self.pool(m + "/tower_2/pool", "AvgPool", x, 3, 1, "SAME"))])
        m = "mixed_3"                                                                   # Mixed_6a
        x = self.join(m + "/join", [conv(m + "/conv", x),
                                    conv(m + "/tower/conv_2", conv(m + "/tower/conv_1", conv(m + "/tower/conv", x))),
                                    self.pool(m + "/pool", "MaxPool", x, 3, 2, "VALID")])
        for m in ("mixed_4", "mixed_5", "mixed_6", "mixed_7"):                          # Mixed_6b..6e
            t = conv(m + "/tower/conv_2", conv(m + "/tower/conv_1", conv(m + "/tower/conv", x)))
            t1 = conv(m + "/tower_1/conv", x)
            for i in range(1, 5):
                t1 = conv(m + f"/tower_1/conv_{i}", t1)
            x = self.join(m + "/join", [conv(m + "/conv", x), t, t1,
                                        conv(m + "/tower_2/conv", self.pool(m + "/tower_2/pool", "AvgPool", x, 3, 1, "SAME"))])
        m = "mixed_8"                                                                   # Mixed_7a
        t1 = conv(m + "/tower_1/conv", x)
        for i in range(1, 4):
            t1 = conv(m + f"/tower_1/conv_{i}", t1)
        x = self.join(m + "/join", [conv(m + "/tower/conv_1", conv(m + "/tower/conv", x)), t1,
                                    self.pool(m + "/pool", "MaxPool", x, 3, 2, "VALID")])
        for m, pool in (("mixed_9", "AvgPool"), ("mixed_10", "MaxPool")):               # Mixed_7b, 7c (max pool: a quirk of this graph)
            t = conv(m + "/tower/conv", x)
            t = self.join(m + "/tower/mixed/join", [conv(m + "/tower/mixed/conv", t), conv(m + "/tower/mixed/conv_1", t)])
            t1 = conv(m + "/tower_1/conv_1", conv(m + "/tower_1/conv", x))
            t1 = self.join(m + "/tower_1/mixed/join", [conv(m + "/tower_1/mixed/conv", t1), conv(m + "/tower_1/mixed/conv_1", t1)])
            x = self.join(m + "/join", [conv(m + "/conv", x), t, t1,
                                        conv(m + "/tower_2/conv", self.pool(m + "/tower_2/pool", pool, x, 3, 1, "SAME"))])

        x = self.pool("pool_3", "AvgPool", x, 8, 1, "VALID")
        self.nodes.append(const_int("pool_3/_reshape/shape", [1, 2048], (2,)))
        self.nodes.append(node("pool_3/_reshape", "Reshape", [x, "pool_3/_reshape/shape"], T=attr_type(DT_FLOAT)))
        self.const("softmax/weights", self.state["fc.weight"].numpy().T)                # (classes, 2048) -> (2048, classes)
        self.const("softmax/biases", self.state["fc.bias"].numpy())
        self.nodes.append(node("softmax/logits/MatMul", "MatMul", ["pool_3/_reshape", "softmax/weights"], T=attr_type(DT_FLOAT),
                               transpose_a=attr_b(False), transpose_b=attr_b(False)))
        self.nodes.append(node("softmax/logits", "BiasAdd", ["softmax/logits/MatMul", "softmax/biases"], T=attr_type(DT_FLOAT)))
        self.nodes.append(node("softmax", "Softmax", ["softmax/logits"], T=attr_type(DT_FLOAT)))
        return self.nodes


def gamma_is_used(tf_scope, gamma):
    return not np.all(gamma == 1)


def inception_graphdef(state, scale_after_normalization=gamma_is_used, forms=None):
    """GraphDef bytes for a pytorch-fid state dict (num_batches_tracked entries are ignored).
    scale_after_normalization(tf_scope, gamma) -> bool chooses the attr per layer; forms maps a Const
    node name to its encoding (see const_float), tensor_content by default."""
    expected = {n for n, _, _ in conv_layers()}
    weights = {k: v for k, v in state.items() if not k.endswith(".num_batches_tracked")}
    known = {f"{n}.{p}" for n in expected for p in ("conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var")} | {"fc.weight", "fc.bias"}
    missing, unexpected = sorted(known - weights.keys()), sorted(weights.keys() - known)
    if missing or unexpected:
        raise ValueError(f"not a pytorch-fid Inception state dict: missing {missing}, unexpected {unexpected}")
    return graph(GraphWriter(weights, scale_after_normalization, forms or {}).build())


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    state = torch.load(sys.argv[1], map_location="cpu")
    with open(sys.argv[2], "wb") as f:
        f.write(inception_graphdef(state))


if __name__ == "__main__":
    main()
