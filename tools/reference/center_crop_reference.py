#!/usr/bin/env python3
"""Writes the image-pipeline fixtures of lit-data (lit-data/src/test/resources/images) with PIL.

Sources are cut from skimage's real photos at awkward sizes, in every mode ImageNet-like folders
hold. For each lossless source, `<name>.crops.npz` holds ADM's `center_crop_arr` of
`Image.open(f).convert("RGB")` (torchvision's pil_loader) at several targets: `crop_7`, `crop_32`,
`crop_48`, `crop_64` (uint8 HWC). For each JPEG, `<name>.rgb.npy` is PIL's (libjpeg's) decode, converted to RGB:
Java's JPEG decoder differs from libjpeg by a level or two, so the tests compare those by closeness.

Run with Debian's python3 (Pillow 9.4, the version the fixtures are made with):
    /usr/bin/python3 tools/reference/center_crop_reference.py
"""
import io
import os

import numpy as np
import PIL
from PIL import Image
import skimage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lit-data", "src", "test", "resources", "images")
PHOTOS = os.path.join(os.path.dirname(skimage.__file__), "data")
TARGETS = (7, 32, 48, 64)


def center_crop_arr(pil_image, image_size):
    """openai/guided-diffusion image_datasets.py::center_crop_arr, as DiT's train.py copies it."""
    while min(*pil_image.size) >= 2 * image_size:
        pil_image = pil_image.resize(tuple(x // 2 for x in pil_image.size), resample=Image.BOX)
    scale = image_size / min(*pil_image.size)
    pil_image = pil_image.resize(tuple(round(x * scale) for x in pil_image.size), resample=Image.BICUBIC)
    arr = np.array(pil_image)
    crop_y = (arr.shape[0] - image_size) // 2
    crop_x = (arr.shape[1] - image_size) // 2
    return arr[crop_y: crop_y + image_size, crop_x: crop_x + image_size]


def photo(name, left, top, width, height):
    return Image.open(os.path.join(PHOTOS, name)).convert("RGB").crop((left, top, left + width, top + height))


def load(path):
    """torchvision's pil_loader."""
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


def write_crops(path):
    rgb = load(path)
    np.savez_compressed(path + ".crops.npz", **{f"crop_{s}": center_crop_arr(rgb, s) for s in TARGETS})


def lossless_sources():
    paths = []

    def save(img, name, **kw):
        path = os.path.join(OUT, name)
        img.save(path, **kw)
        paths.append(path)

    # 301x203: two BOX halvings with odd sizes at target 32, one at 64
    save(photo("astronaut.png", 150, 40, 301, 203), "astronaut-301x203.png")
    # 97x131 portrait: one halving at 32 and 48 (48 lands on the short side exactly: PIL copies)
    save(photo("chelsea.png", 170, 60, 97, 131), "chelsea-97x131.png")
    # 40x28: smaller than every target, upsampled by the BICUBIC step
    save(photo("coffee.png", 250, 120, 40, 28), "coffee-40x28.png")
    save(Image.open(os.path.join(PHOTOS, "camera.png")).convert("L").crop((200, 60, 323, 149)), "camera-gray-123x89.png")
    rgba = photo("astronaut.png", 60, 20, 77, 66).convert("RGBA")
    alpha = np.fromfunction(lambda y, x: (x * 3 + y * 5) % 256, (66, 77)).astype(np.uint8)
    rgba.putalpha(Image.fromarray(alpha))
    save(rgba, "astronaut-rgba-77x66.png")
    save(photo("chelsea.png", 40, 30, 90, 70).quantize(colors=48), "chelsea-palette-90x70.png")
    gray16 = np.fromfunction(lambda y, x: (x * 37 + y * 11) % 700, (34, 52)).astype(np.uint16)
    save(Image.fromarray(gray16), "ramp-gray16-52x34.png")  # PIL opens mode I: convert clips to 255
    la = Image.open(os.path.join(PHOTOS, "camera.png")).convert("LA").crop((10, 10, 81, 57))
    save(la, "camera-la-71x47.png")
    save(photo("rocket.jpg", 260, 270, 45, 33), "rocket-45x33.bmp")
    # uniform noise: every rounding of the fixed-point arithmetic shows
    save(Image.fromarray(np.random.default_rng(3).integers(0, 256, (45, 67, 3), dtype=np.uint8)), "noise-67x45.png")
    save(photo("coffee.png", 100, 100, 29, 38), "coffee-29x38.ppm")
    save(photo("coffee.png", 300, 150, 33, 21).convert("L"), "coffee-gray-33x21.pgm")
    # tagged Adobe RGB: PIL's convert("RGB") ignores the profile, Java's readers would apply it
    save(photo("chelsea.png", 300, 20, 50, 40), "chelsea-adobergb-50x40.png", icc_profile=adobe_rgb_profile())
    return paths


def jpeg_sources():
    src = photo("rocket.jpg", 250, 250, 96, 72)
    out = {}
    buf = io.BytesIO()
    src.save(buf, "JPEG", quality=90)
    out["rocket-baseline.jpg"] = buf.getvalue()
    buf = io.BytesIO()
    src.save(buf, "JPEG", quality=90, progressive=True)
    out["rocket-progressive.JPEG"] = buf.getvalue()
    buf = io.BytesIO()
    src.convert("L").save(buf, "JPEG", quality=90)
    out["rocket-gray.jpg"] = buf.getvalue()
    buf = io.BytesIO()
    src.convert("CMYK").save(buf, "JPEG", quality=95)
    out["rocket-cmyk.jpg"] = buf.getvalue()
    out["rocket-ycck.jpg"] = ycck_jpeg(photo("chelsea.png", 200, 100, 64, 48))
    buf = io.BytesIO()
    src.save(buf, "JPEG", quality=90, icc_profile=adobe_rgb_profile())
    out["rocket-adobergb.jpg"] = buf.getvalue()
    return out


def adobe_rgb_profile():
    return Image.open(os.path.join(PHOTOS, "rocket.jpg")).info["icc_profile"]


def ycck_jpeg(src):
    """An Adobe YCCK JPEG (PIL writes CMYK only). libjpeg decodes YCCK as C = 255 - R(Y, Cb, Cr) and
    passes K through; PIL then reads the Adobe-inverted CMYK. So store YCbCr of the CMYK inks and
    the stored K, written through PIL's inverting CMYK path, and flip the APP14 transform to 2."""
    cmyk = np.array(src.convert("CMYK")).astype(np.int32)
    ycc = np.array(Image.fromarray(cmyk[..., :3].astype(np.uint8), "RGB").convert("YCbCr")).astype(np.int32)
    stored = np.concatenate([ycc, 255 - cmyk[..., 3:]], axis=2)
    buf = io.BytesIO()
    Image.fromarray((255 - stored).astype(np.uint8), "CMYK").save(buf, "JPEG", quality=95)
    data = bytearray(buf.getvalue())
    app14 = data.find(b"\xff\xee")
    assert data[app14 + 4: app14 + 9] == b"Adobe" and data[app14 + 15] == 0
    data[app14 + 15] = 2
    return bytes(data)


def main():
    assert PIL.__version__.startswith("9.4"), "fixtures are made with Debian bookworm's Pillow 9.4, not " + PIL.__version__
    os.makedirs(OUT, exist_ok=True)
    for path in lossless_sources():
        write_crops(path)
    for name, data in jpeg_sources().items():
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(data)
        np.save(path + ".rgb.npy", np.array(load(path)))
        write_crops(path)
    baseline = jpeg_sources()["rocket-baseline.jpg"]
    with open(os.path.join(OUT, "truncated.jpg"), "wb") as f:
        f.write(baseline[: len(baseline) * 3 // 5])  # PIL: "image file is truncated"
    with open(os.path.join(OUT, "random-bytes.JPEG"), "wb") as f:
        f.write(np.random.default_rng(7).integers(0, 256, 2000, dtype=np.uint8).tobytes())
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, name)):8d}  {name}")


if __name__ == "__main__":
    main()
