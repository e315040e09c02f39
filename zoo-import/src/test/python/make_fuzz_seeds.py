#!/usr/bin/python3
"""Writes the seed corpora of zoo-import's fuzz tests (the *FuzzTest classes, run by Jazzer).

Seeds are the small existing fixtures (weights/, weights/malformed/, images/) copied next to each fuzz test, the
pickles inside the zip fixtures for the unpickler, and tiny images and .npy files in every layout the decoders
support, so the fuzzer starts from valid files of each kind and mutates them. Large fixtures are left out: libFuzzer
mutates best around a few kilobytes.

Run with Debian's Python (Pillow, NumPy):
    /usr/bin/python3 zoo-import/src/test/python/make_fuzz_seeds.py
Output goes to zoo-import/src/test/resources/io/pixelgrad/zoo/{weights,images}/<Test>Inputs/<method>/. CI never runs
this; the tests read the committed output. Crashing inputs that Jazzer finds are written to the same folders.
"""
import glob
import io
import os
import shutil
import zipfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "resources"))
PKG = os.path.join(RES, "io", "pixelgrad", "zoo")
METHOD = "readsOrRefuses"


def seed_dir(package, test):
    d = os.path.join(PKG, package, test + "Inputs", METHOD)
    os.makedirs(d, exist_ok=True)
    return d


def copy(patterns, dest, max_size=16 * 1024):
    for pattern in patterns:
        for f in sorted(glob.glob(os.path.join(RES, pattern))):
            if os.path.getsize(f) <= max_size:
                shutil.copy(f, os.path.join(dest, os.path.basename(f)))


def is_zip(path):
    with open(path, "rb") as f:
        return f.read(2) == b"PK"


def crafted():
    """Hostile files written by hand against what fuzzing (with inputs of a few kilobytes) cannot reach or took long to:
    they go to weights/malformed/, the corpus MalformedWeightsTest checks message by message."""
    import collections
    import make_weight_fixtures as m
    out = os.path.join(RES, "weights", "malformed")
    one = m.FakeStorage(m.torch.FloatStorage, "0", 1)

    def torch_zip(pickle_bytes, storages):
        """make_weight_fixtures.torch_zip with fixed timestamps, so that rerunning this script changes no file."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for name, data in [("archive/data.pkl", pickle_bytes)] + [("archive/data/" + k, v) for k, v in storages.items()]:
                z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
        return buf.getvalue()
    # A stride of 0 repeats one stored float a billion times: 4 GB of floats from a 600-byte file.
    m.write(os.path.join(out, "stride_zero.pth"), torch_zip(m.fake_pickle(collections.OrderedDict(
        [("features.0.weight", m.FakeTensor(one, 0, [10 ** 9], [0]))])), {"0": bytes(4)}))
    # Decimal text integers parse in quadratic time (3 MB of digits: 106 s); 5000 digits show the limit.
    m.write(os.path.join(out, "pickle_long_text_int.pth"), torch_zip(b"\x80\x02L" + b"9" * 5000 + b"L\n.", {}))
    m.write(os.path.join(out, "pickle_long4_huge_int.pth"), torch_zip(b"\x80\x02\x8b" + (2000).to_bytes(4, "little")
                                                                      + b"\x01" * 2000 + b".", {}))


def png_header_only(width, height):
    """A PNG that is all header: IHDR claiming width x height 8-bit RGB pixels, then IEND without any image data."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


def jpeg_with_scans(n):
    """A small progressive JPEG whose smallest AC scan is repeated until the file has n scans: the decoder walks every
    block once per scan, so at 4000x4000 20000 repeats (683 KB) kept ImageIO busy for 240 s."""
    import struct
    buf = io.BytesIO()
    Image.new("L", (16, 16), 128).save(buf, "JPEG", progressive=True, quality=75)
    b = buf.getvalue()
    i, scans = 2, []
    while b[i + 1] != 0xD9:
        end = i + 2 + struct.unpack(">H", b[i + 2:i + 4])[0]
        if b[i + 1] == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffed 0 or a restart
            while not (b[end] == 0xFF and b[end + 1] != 0 and not 0xD0 <= b[end + 1] <= 0xD7):
                end += 1
            scans.append((i, end))
        i = end
    start, end = min(scans[1:], key=lambda se: se[1] - se[0])
    return b[:scans[-1][1]] + b[start:end] * (n - len(scans)) + b[scans[-1][1]:]


def crafted_images():
    """Image headers that claim more than the file holds (ImageIO allocates the raster before reading any pixel), and a
    JPEG with more scans than any encoder writes."""
    out = os.path.join(RES, "images")
    with open(os.path.join(out, "jpeg_150_scans.jpg"), "wb") as f:
        f.write(jpeg_with_scans(150))
    with open(os.path.join(out, "header_5000x5000.png"), "wb") as f:
        f.write(png_header_only(5000, 5000))
    with open(os.path.join(out, "header_20000x20000.png"), "wb") as f:
        f.write(png_header_only(20000, 20000))


def weights():
    pth = sorted(glob.glob(os.path.join(RES, "weights", "*.pth")) + glob.glob(os.path.join(RES, "weights", "malformed", "*.pth")))
    zips = [p for p in pth if is_zip(p)]
    legacy = [p for p in pth if not is_zip(p)]
    d = seed_dir("weights", "PyTorchZipFuzzTest")
    for p in zips:
        shutil.copy(p, d)
    d = seed_dir("weights", "PyTorchLegacyFuzzTest")
    for p in legacy:
        shutil.copy(p, d)
    d = seed_dir("weights", "UnpicklerFuzzTest")
    for p in zips:
        with zipfile.ZipFile(p) as z:
            for n in z.namelist():
                if n.endswith("data.pkl"):
                    with open(os.path.join(d, os.path.basename(p)[:-4] + ".pkl"), "wb") as f:
                        f.write(z.read(n))
    copy(["weights/*.safetensors", "weights/malformed/*.safetensors"], seed_dir("weights", "SafetensorsFuzzTest"))
    copy(["weights/*.onnx", "weights/malformed/*.onnx"], seed_dir("weights", "OnnxFuzzTest"))


def tiny_images():
    """A 7x5 picture (odd sizes exercise padding and partial JPEG blocks) in the layouts PIL and ImageIO both read."""
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), "RGB")
    return rgb, rgb.convert("L"), rgb.convert("RGBA"), rgb.convert("P", palette=Image.ADAPTIVE, colors=16)


def save(img, path, **kw):
    buf = io.BytesIO()
    img.save(buf, **kw)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def images():
    rgb, grey, rgba, pal = tiny_images()
    d = seed_dir("images", "PngFuzzTest")
    copy(["images/*.png"], d, max_size=4096)
    save(rgb, os.path.join(d, "tiny_rgb.png"), format="PNG")
    save(grey, os.path.join(d, "tiny_grey.png"), format="PNG")
    save(rgba, os.path.join(d, "tiny_rgba.png"), format="PNG")
    save(pal, os.path.join(d, "tiny_palette.png"), format="PNG")
    save(rgb, os.path.join(d, "tiny_interlaced.png"), format="PNG", interlace=1)  # PIL ignores it; kept as a plain seed
    save(grey.convert("1"), os.path.join(d, "tiny_1bit.png"), format="PNG")
    save(Image.fromarray((np.asarray(grey, dtype=np.uint16) * 257), "I;16"), os.path.join(d, "tiny_grey16.png"), format="PNG")
    d = seed_dir("images", "JpegFuzzTest")
    copy(["images/*.jpg"], d, max_size=8192)
    save(rgb, os.path.join(d, "tiny_rgb.jpg"), format="JPEG", quality=90)
    save(grey, os.path.join(d, "tiny_grey.jpg"), format="JPEG", quality=90)
    save(rgb, os.path.join(d, "tiny_progressive.jpg"), format="JPEG", quality=75, progressive=True)
    save(rgb, os.path.join(d, "tiny_444.jpg"), format="JPEG", quality=95, subsampling=0)
    d = seed_dir("images", "BmpFuzzTest")
    save(rgb, os.path.join(d, "tiny_rgb.bmp"), format="BMP")
    save(grey, os.path.join(d, "tiny_grey.bmp"), format="BMP")
    save(pal, os.path.join(d, "tiny_palette.bmp"), format="BMP")
    save(grey.convert("1"), os.path.join(d, "tiny_1bit.bmp"), format="BMP")
    save(rgba, os.path.join(d, "tiny_rgba.bmp"), format="BMP")


def npy():
    d = seed_dir("images", "NpyFuzzTest")
    copy(["models/*.npy"], d, max_size=1024)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 3, 4, 5)).astype("<f4")
    np.save(os.path.join(d, "f4_nchw.npy"), x)
    np.save(os.path.join(d, "f4_chw.npy"), x[0])
    np.save(os.path.join(d, "f8.npy"), x.astype("<f8"))
    np.save(os.path.join(d, "i8.npy"), np.arange(6, dtype="<i8").reshape(2, 3))
    np.save(os.path.join(d, "i4.npy"), np.arange(6, dtype="<i4"))
    np.save(os.path.join(d, "u1.npy"), np.arange(6, dtype="u1"))
    np.save(os.path.join(d, "scalar.npy"), np.float32(1.5))
    np.save(os.path.join(d, "empty.npy"), np.zeros((0, 3), dtype="<f4"))
    np.save(os.path.join(d, "fortran.npy"), np.asfortranarray(x[0, 0]))
    with open(os.path.join(d, "v2.npy"), "wb") as f:
        np.lib.format.write_array(f, x[0], version=(2, 0))


def main():
    crafted()
    crafted_images()
    weights()
    images()
    npy()


if __name__ == "__main__":
    main()
