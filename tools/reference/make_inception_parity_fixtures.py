#!/usr/bin/env python3
"""Writes the FID Inception-v3 parity fixtures of lit-eval (lit-eval/src/test/resources/fixtures/inception).

Regenerate: /usr/bin/python3 tools/reference/make_inception_parity_fixtures.py   (torch 1.13, numpy, Pillow, skimage)

The network is the real size (pytorch-fid's FID Inception, 23.9M parameters; tools/reference/inception_reference.py)
with weights that compress: every conv and fc tensor is a periodic pattern of the 17 values k/8, k = -8..8, period 1009
(a prime above every layer's output count, so no two output channels of a layer share weights), shifted per tensor
and scaled by 1/sqrt(fan_in). BatchNorm gamma in [0.5, 1.5] and beta in [0.3, 0.7] are patterns too; running_mean
and running_var are calibrated on the fixture photos (each BN gets the mean and variance of its conv's output over
all of them), so every layer's activations are O(1) down to pool_3 and the comparison means something. The ReLUs
clip about a third of their inputs. (With beta centred at 0 they clip half, and this random network amplified
float32 rounding about 1.4x per block: PyTorch's own float32 run then differed from the float64 reference by 5e-5
relative in pool_3, too close to the tests' 1e-4. With beta around 0.5 that is 1.6e-5.)

  inception_fid_random.pth.gz  the state dict as pytorch-fid's published .pth is stored: legacy (non-zip) torch.save,
                               float32, with the 94 int64 bn.num_batches_tracked entries; gzipped. (The legacy format
                               names each storage by its memory address, so the bytes differ from run to run.)
  inception_fid_random.pb.gz   the same weights as ADM's classify_image_graph_def.pb is laid out (inception_to_graphdef.py)
  inception_features.npz       images_64 (4,64,64,3) and images_256 (4,256,256,3) uint8 photos (ADM's center_crop_arr
                               of skimage images), and for each size pool_3, spatial, logits and mixed_6_conv (N,7,17,17,
                               NCHW) in float64: TF's float32 resize and normalization, then the network in float64
  resize_<case>.npz            TF1 ResizeBilinear (float32, tf1_resize): input uint8 NHWC, output float32 NHWC.
                               256: photo (1,256,256,3) -> 299x299; 512: astronaut's green channel (1,512,512,1)
                               -> 299x299; 64: a photo's red channel and random uint8 (2,64,64,1) -> 299x299;
                               odd: random uint8 (2,37,80,3) -> 29x53 (non-square, up in one axis, down in the other)
"""
import gzip
import io
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from center_crop_reference import PHOTOS, center_crop_arr  # noqa: E402
from inception_reference import SIZE, FIDInceptionV3, normalize, run_adm, tf1_resize  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lit-eval", "src", "test", "resources", "fixtures", "inception")
PERIOD = 1009
PHOTOS_256 = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")
PHOTOS_64 = ("motorcycle_left.png", "hubble_deep_field.jpg", "retina.jpg", "ihc.png")


def pattern(n, offset):
    """n values of a period-PERIOD sequence of multiples of 1/8 in [-1, 1], starting at position offset."""
    k = (np.arange(n, dtype=np.int64) + offset) % PERIOD
    return (((k * 2654435761) % 2 ** 32 >> 13) % 17 - 8) / 8.0


def photos(names, size):
    return np.stack([center_crop_arr(Image.open(os.path.join(PHOTOS, n)).convert("RGB"), size) for n in names])


def patterned_model():
    model = FIDInceptionV3().double().eval()
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            values = pattern(p.numel(), 7 * i)
            if name.endswith("bn.weight"):
                values = 1 + 0.5 * values
            elif name.endswith("bn.bias"):
                values = 0.5 + 0.2 * values
            elif name == "fc.bias":
                values = 0.2 * values
            else:  # conv and fc weights
                values = values / np.sqrt(p[0].numel())
            p.copy_(torch.from_numpy(values.astype(np.float32).astype(np.float64)).view_as(p))
    return model


def calibrate(model, resized):
    """Sets every BN's running stats to its input's batch mean and variance over these images (one float64 pass)."""
    def set_stats(bn, inputs):
        bn.running_mean.copy_(inputs[0].mean(dim=(0, 2, 3)))
        bn.running_var.copy_(inputs[0].var(dim=(0, 2, 3), unbiased=False))
    hooks = [m.register_forward_pre_hook(set_stats) for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    x = torch.from_numpy(normalize(resized)).permute(0, 3, 1, 2).double()
    with torch.no_grad():
        model.features(x)
    for h in hooks:
        h.remove()


def float32_state_dict(model):
    sd = model.float().state_dict()
    for key in sd:
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(0, dtype=torch.int64)
    return sd


def write_weights(sd):
    buf = io.BytesIO()
    torch.save(sd, buf, _use_new_zipfile_serialization=False)
    with gzip.GzipFile(os.path.join(OUT, "inception_fid_random.pth.gz"), "wb", compresslevel=9, mtime=0) as f:
        f.write(buf.getvalue())
    # The same weights as ADM ships its network: a GraphDef with the real node names (inception_to_graphdef.py).
    with tempfile.TemporaryDirectory() as tmp:
        pth, pb = os.path.join(tmp, "w.pth"), os.path.join(tmp, "w.pb")
        with open(pth, "wb") as f:
            f.write(buf.getvalue())
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "inception_to_graphdef.py"), pth, pb], check=True)
        with open(pb, "rb") as f, gzip.GzipFile(os.path.join(OUT, "inception_fid_random.pb.gz"), "wb", compresslevel=9, mtime=0) as g:
            g.write(f.read())


def write_resize_cases(photo_64, photo_256):
    """256 -> 299 on all three channels (the ADM path); the other scales on one channel each, which keeps the file
    small (each channel is resized on its own, so one channel exercises the same arithmetic)."""
    rng = np.random.default_rng(5)
    astronaut = np.asarray(Image.open(os.path.join(PHOTOS, "astronaut.png")).convert("RGB"))
    cases = {
        "256": (photo_256[None], SIZE, SIZE),
        "512": (astronaut[None, :, :, 1:2], SIZE, SIZE),
        "64": (np.stack([photo_64[:, :, :1], rng.integers(0, 256, (64, 64, 1), dtype=np.uint8)]), SIZE, SIZE),
        "odd": (rng.integers(0, 256, (2, 37, 80, 3), dtype=np.uint8), 29, 53),
    }
    for name, (x, height, width) in cases.items():
        np.savez_compressed(os.path.join(OUT, f"resize_{name}.npz"), input=x, output=tf1_resize(x, height, width))


def main():
    os.makedirs(OUT, exist_ok=True)
    images = {64: photos(PHOTOS_64, 64), 256: photos(PHOTOS_256, 256)}
    model = patterned_model()
    calibrate(model, np.concatenate([tf1_resize(images[64]), tf1_resize(images[256])]))
    sd = float32_state_dict(model)
    write_weights(sd)

    reference = FIDInceptionV3().double().eval()
    reference.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in sd.items()})
    arrays = {}
    for size, x in images.items():
        arrays[f"images_{size}"] = x
        for name, value in run_adm(reference, x, torch.float64).items():
            arrays[f"{name}_{size}"] = value.numpy()
        print(f"{size}px: pool_3 mean {arrays[f'pool_3_{size}'].mean():.3f} std {arrays[f'pool_3_{size}'].std():.3f}, "
              f"spatial std {arrays[f'spatial_{size}'].std():.3f}, logits std {arrays[f'logits_{size}'].std():.3f}")
    np.savez_compressed(os.path.join(OUT, "inception_features.npz"), **arrays)
    write_resize_cases(images[64][0], images[256][0])
    for f in sorted(os.listdir(OUT)):
        print(f"{f}: {os.path.getsize(os.path.join(OUT, f)):,} bytes")


if __name__ == "__main__":
    main()
