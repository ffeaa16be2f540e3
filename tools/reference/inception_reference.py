#!/usr/bin/env python3
"""The FID Inception-v3 as ADM's evaluator runs it, in plain PyTorch, and TF1's bilinear resize in numpy.

Written from the facts in /work/shared/REFERENCE.md section 7 (pytorch-fid's inception.py: FIDInceptionA/C/E_1/E_2
patched over torchvision's Inception3; TF's resize_bilinear_op.cc). The modules, their order and the state-dict keys are
pytorch-fid's (`Conv2d_1a_3x3.conv.weight`, `Mixed_5b.branch1x1.bn.running_mean`, `fc.weight` ...), so a state dict of
the published pt_inception-2015-12-05-6726825d.pth loads into `FIDInceptionV3` unchanged.

What ADM's evaluator computes (classify_image_graph_def.pb fed float32 NHWC pixels in [0, 255]):
  ResizeBilinear to 299x299 (align_corners=False, no half-pixel centres, float32)   -> tf1_resize / tf1_resize_torch
  (x - 128) * 0.0078125 (float32)                                                     -> normalize
  the network                                                                         -> FIDInceptionV3.features:
    pool_3   (N, 2048)  mean over Mixed_7c's 8x8 output
    spatial  (N, 2023)  mixed_6/conv = Mixed_6d.branch1x1 after BN+ReLU, channels 0..6, flattened (h, w, c)
    logits   (N, 1008)  pool_3 @ fc.weight^T, no bias (ADM's softmax uses softmax/logits/MatMul's weight only)
Used by make_inception_parity_fixtures.py (network in float64) and tools/bench/torch_inception.py (float32).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE = 299
BN_EPS = 0.001
SPATIAL_CHANNELS = 7


# --- TF1 ResizeBilinear (legacy scaler), float32 --------------------------------------------------------------------

def interpolation_taps(in_size, out_size):
    """TF's compute_interpolation_weights with LegacyScaler: lower, upper source indices and the float32 lerp."""
    scale = np.float32(in_size) / np.float32(out_size)      # CalculateResizeScale, align_corners=False
    pos = np.arange(out_size).astype(np.float32) * scale      # LegacyScaler: static_cast<float>(x) * scale
    floor = np.floor(pos)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    return lower, upper, (pos - floor).astype(np.float32)


def tf1_resize(images, height=SIZE, width=SIZE):
    """(N, H, W, C) pixels (any dtype) -> (N, height, width, C) float32, TF's compute_lerp in float32, op for op."""
    x = np.asarray(images).astype(np.float32)
    y0, y1, ylerp = interpolation_taps(x.shape[1], height)
    x0, x1, xlerp = interpolation_taps(x.shape[2], width)
    ylerp = ylerp[None, :, None, None]
    xlerp = xlerp[None, None, :, None]
    top_left, top_right = x[:, y0][:, :, x0], x[:, y0][:, :, x1]
    bottom_left, bottom_right = x[:, y1][:, :, x0], x[:, y1][:, :, x1]
    top = top_left + (top_right - top_left) * xlerp
    bottom = bottom_left + (bottom_right - bottom_left) * xlerp
    return top + (bottom - top) * ylerp


def tf1_resize_torch(images, size=SIZE):
    """The same in torch float32 ops, NHWC uint8/float tensor -> NHWC float32 (for the benchmark)."""
    x = images.float()
    taps = [tuple(torch.from_numpy(a) for a in interpolation_taps(n, size)) for n in (x.shape[1], x.shape[2])]
    (y0, y1, ylerp), (x0, x1, xlerp) = taps
    ylerp = ylerp.view(1, -1, 1, 1)
    xlerp = xlerp.view(1, 1, -1, 1)
    top_rows, bottom_rows = x[:, y0], x[:, y1]
    top = top_rows[:, :, x0] + (top_rows[:, :, x1] - top_rows[:, :, x0]) * xlerp
    bottom = bottom_rows[:, :, x0] + (bottom_rows[:, :, x1] - bottom_rows[:, :, x0]) * xlerp
    return top + (bottom - top) * ylerp


def normalize(resized):
    """The graph's Sub(128) then Mul(1/128), float32 (numpy or torch)."""
    return (resized - 128) * 0.0078125


# --- The network (pytorch-fid's FID variant of torchvision's Inception3) -------------------------------------------

class BasicConv2d(nn.Module):
    def __init__(self, cin, cout, **conv):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, bias=False, **conv)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def avg_pool_excluding_padding(x):
    """TF's AvgPool SAME 3x3 stride 1: the padded zeros are not counted."""
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class FIDInceptionA(nn.Module):
    def __init__(self, cin, pool_features):
        super().__init__()
        self.branch1x1 = BasicConv2d(cin, 64, kernel_size=1)
        self.branch5x5_1 = BasicConv2d(cin, 48, kernel_size=1)
        self.branch5x5_2 = BasicConv2d(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = BasicConv2d(cin, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, padding=1)
        self.branch_pool = BasicConv2d(cin, pool_features, kernel_size=1)

    def forward(self, x):
        return torch.cat([self.branch1x1(x),
                          self.branch5x5_2(self.branch5x5_1(x)),
                          self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x))),
                          self.branch_pool(avg_pool_excluding_padding(x))], 1)


class InceptionB(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.branch3x3 = BasicConv2d(cin, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = BasicConv2d(cin, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, stride=2)

    def forward(self, x):
        return torch.cat([self.branch3x3(x),
                          self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x))),
                          F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class FIDInceptionC(nn.Module):
    def __init__(self, cin, c7):
        super().__init__()
        self.branch1x1 = BasicConv2d(cin, 192, kernel_size=1)
        self.branch7x7_1 = BasicConv2d(cin, c7, kernel_size=1)
        self.branch7x7_2 = BasicConv2d(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7_3 = BasicConv2d(c7, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = BasicConv2d(cin, c7, kernel_size=1)
        self.branch7x7dbl_2 = BasicConv2d(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = BasicConv2d(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = BasicConv2d(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = BasicConv2d(c7, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch_pool = BasicConv2d(cin, 192, kernel_size=1)

    def forward(self, x):
        dbl = self.branch7x7dbl_3(self.branch7x7dbl_2(self.branch7x7dbl_1(x)))
        return torch.cat([self.branch1x1(x),
                          self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x))),
                          self.branch7x7dbl_5(self.branch7x7dbl_4(dbl)),
                          self.branch_pool(avg_pool_excluding_padding(x))], 1)


class InceptionD(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.branch3x3_1 = BasicConv2d(cin, 192, kernel_size=1)
        self.branch3x3_2 = BasicConv2d(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = BasicConv2d(cin, 192, kernel_size=1)
        self.branch7x7x3_2 = BasicConv2d(192, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7x3_3 = BasicConv2d(192, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7x3_4 = BasicConv2d(192, 192, kernel_size=3, stride=2)

    def forward(self, x):
        b7 = self.branch7x7x3_3(self.branch7x7x3_2(self.branch7x7x3_1(x)))
        return torch.cat([self.branch3x3_2(self.branch3x3_1(x)),
                          self.branch7x7x3_4(b7),
                          F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class FIDInceptionE(nn.Module):
    """Mixed_7b (FIDInceptionE_1: average pool excluding padding) and Mixed_7c (FIDInceptionE_2: max pool,
    a quirk of the TF graph that pytorch-fid reproduces)."""

    def __init__(self, cin, max_pool):
        super().__init__()
        self.max_pool = max_pool
        self.branch1x1 = BasicConv2d(cin, 320, kernel_size=1)
        self.branch3x3_1 = BasicConv2d(cin, 384, kernel_size=1)
        self.branch3x3_2a = BasicConv2d(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3_2b = BasicConv2d(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = BasicConv2d(cin, 448, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = BasicConv2d(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = BasicConv2d(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch_pool = BasicConv2d(cin, 192, kernel_size=1)

    def forward(self, x):
        b3 = self.branch3x3_1(x)
        dbl = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        pooled = F.max_pool2d(x, kernel_size=3, stride=1, padding=1) if self.max_pool else avg_pool_excluding_padding(x)
        return torch.cat([self.branch1x1(x),
                          self.branch3x3_2a(b3), self.branch3x3_2b(b3),
                          self.branch3x3dbl_3a(dbl), self.branch3x3dbl_3b(dbl),
                          self.branch_pool(pooled)], 1)


class FIDInceptionV3(nn.Module):
    def __init__(self):
        super().__init__()
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.Mixed_5b = FIDInceptionA(192, pool_features=32)
        self.Mixed_5c = FIDInceptionA(256, pool_features=64)
        self.Mixed_5d = FIDInceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = FIDInceptionC(768, c7=128)
        self.Mixed_6c = FIDInceptionC(768, c7=160)
        self.Mixed_6d = FIDInceptionC(768, c7=160)
        self.Mixed_6e = FIDInceptionC(768, c7=192)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = FIDInceptionE(1280, max_pool=False)
        self.Mixed_7c = FIDInceptionE(2048, max_pool=True)
        self.fc = nn.Linear(2048, 1008)

    def features(self, x):
        """Normalized NCHW 299x299 input -> dict of pool_3 (N, 2048), spatial (N, 2023), logits (N, 1008)."""
        x = self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x)))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = self.Mixed_6c(self.Mixed_6b(self.Mixed_6a(self.Mixed_5d(self.Mixed_5c(self.Mixed_5b(x))))))
        x = self.Mixed_6d(x)
        # Mixed_6d's output starts with its branch1x1 (after BN+ReLU): TF's mixed_6/conv
        mixed_6_conv = x[:, :SPATIAL_CHANNELS]
        spatial = mixed_6_conv.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(self.Mixed_6e(x))))
        pool_3 = x.mean(dim=(2, 3))
        return {"pool_3": pool_3, "spatial": spatial, "logits": pool_3 @ self.fc.weight.t(), "mixed_6_conv": mixed_6_conv}


def run_adm(model, images_nhwc_uint8, dtype=torch.float32):
    """ADM's evaluator on uint8 NHWC images: float32 resize and normalization as TF does them, then the network in dtype."""
    x = torch.from_numpy(normalize(tf1_resize(images_nhwc_uint8))).permute(0, 3, 1, 2).to(dtype)
    with torch.no_grad():
        return model.to(dtype).eval().features(x)
