#!/usr/bin/env python3
"""Writes the weight-reader fixtures of zoo-import: small valid files in every format, the values PyTorch
holds for them, and a corpus of malformed and hostile files.

Run with a Python that has PyTorch (Debian's python3-torch 1.13 works):
    python3 zoo-import/src/test/python/make_weight_fixtures.py
Output goes to zoo-import/src/test/resources/weights/ (relative to this script). CI never runs this: the tests
only read the committed output. Needs torch and numpy only; safetensors and ONNX files without the
`safetensors` or `onnx` packages are written byte by byte here.
"""
import collections
import io
import json
import os
import pickle
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "weights"))
BAD = os.path.join(OUT, "malformed")
# The file a hostile pickle would create if anything ever executed it; the Java tests check it never appears.
MARKER = "pixelgrad_pwned_marker"

DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}


def tiny_state_dict():
    """A few conv/linear tensors with odd shapes, every float dtype, a transposed view, offsets and a shared storage."""
    g = torch.Generator().manual_seed(20240611)
    sd = collections.OrderedDict()
    sd["features.0.weight"] = torch.randn(5, 3, 3, 3, generator=g)
    sd["features.0.bias"] = torch.randn(5, generator=g)
    sd["features.3.weight"] = torch.randn(7, 5, 2, 3, generator=g)
    sd["features.3.bias"] = torch.randn(7, generator=g)
    # A transposed view saved as is: non-contiguous, strides (1, 11).
    sd["classifier.1.weight"] = torch.randn(6, 11, generator=g).t()
    sd["classifier.1.bias"] = torch.randn(11, generator=g)
    # Two views into one storage, one with a storage offset and a step (non-unit inner stride).
    base = torch.randn(40, generator=g)
    sd["classifier.4.weight"] = base[7:19].view(3, 4)
    sd["classifier.4.bias"] = base[20:36:4]
    sd["half.weight"] = (torch.randn(4, 3, generator=g) * 3).to(torch.float16)
    sd["bf16.weight"] = (torch.randn(3, 2, generator=g) * 5).to(torch.bfloat16)
    sd["double.weight"] = torch.randn(2, 3, 2, generator=g, dtype=torch.float64) / 7
    sd["scalar.temperature"] = torch.tensor(0.3125)
    # BatchNorm's counter: int64 bookkeeping that readers skip (not a weight).
    sd["bn.num_batches_tracked"] = torch.tensor(17, dtype=torch.int64)
    return sd


def expected_json(sd, path):
    """Each float tensor's shape, source dtype and float32 values in row-major order, exactly as PyTorch holds them,
    and its float64 values (the stored values widened exactly; float64 tensors as stored)."""
    out = collections.OrderedDict()
    for k, v in sd.items():
        if v.dtype not in DTYPE_NAMES:
            continue
        vals = v.detach().to(torch.float32).contiguous().reshape(-1).tolist()
        vals64 = v.detach().to(torch.float64).contiguous().reshape(-1).tolist()
        out[k] = {"shape": list(v.shape), "dtype": DTYPE_NAMES[v.dtype], "values": vals, "values64": vals64}
    with open(path, "w") as f:
        json.dump(out, f, indent=0)


# ---------------------------------------------------------------- safetensors, by hand


ST_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def safetensors_bytes(sd, metadata=None):
    header = collections.OrderedDict()
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs = []
    pos = 0
    for k, v in sd.items():
        if v.dtype not in ST_DTYPE:
            continue
        b = tensor_bytes(v)
        header[k] = {"dtype": ST_DTYPE[v.dtype], "shape": list(v.shape), "data_offsets": [pos, pos + len(b)]}
        blobs.append(b)
        pos += len(b)
    return raw_safetensors(header, b"".join(blobs))


def raw_safetensors(header, data, pad_to=8):
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % pad_to)
    return struct.pack("<Q", len(h)) + h + data


# ---------------------------------------------------------------- ONNX, by hand (no `onnx` package here)


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def field_bytes(num, b):
    return varint((num << 3) | 2) + varint(len(b)) + b


def packed(num, fmt, vals):
    return field_bytes(num, b"".join(struct.pack("<" + fmt, v) for v in vals))


def packed_varints(num, vals):
    return field_bytes(num, b"".join(varint(v) for v in vals))


def onnx_tensor(name, dims, data_type, raw=None, floats=None, doubles=None, int32s=None, int64s=None, external=False):
    b = packed_varints(1, dims) if dims else b""
    b += field_varint(2, data_type)
    if floats is not None:
        b += packed(4, "f", floats)
    if int32s is not None:
        b += packed_varints(5, int32s)
    if int64s is not None:
        b += packed_varints(7, int64s)
    b += field_bytes(8, name.encode())
    if raw is not None:
        b += field_bytes(9, raw)
    if doubles is not None:
        b += packed(10, "d", doubles)
    if external:
        b += field_bytes(13, field_bytes(1, b"location") + field_bytes(2, b"weights.bin"))
        b += field_varint(14, 1)
    return b


def onnx_model(tensors):
    graph = field_bytes(2, b"fixture") + b"".join(field_bytes(5, t) for t in tensors)
    opset = field_bytes(1, b"") + field_varint(2, 13)
    return field_varint(1, 7) + field_bytes(2, b"make_weight_fixtures") + field_bytes(7, graph) + field_bytes(8, opset)


def raw_f32(t):
    return t.detach().contiguous().numpy().astype("<f4").tobytes()


# ---------------------------------------------------------------- hand-made pickles for hostile and odd cases


class FakeStorage:
    def __init__(self, stype, key, numel):
        self.stype, self.key, self.numel = stype, key, numel


class FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride))

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args + (False, collections.OrderedDict()))


class StoragePickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", obj.stype, obj.key, "cpu", obj.numel)
        return None


def fake_pickle(obj):
    buf = io.BytesIO()
    StoragePickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def torch_zip(pickle_bytes, storages, extra=(), compress_storages=False):
    """A torch.save-style zip: archive/data.pkl, archive/data/KEY, archive/version, plus extra (name, bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        for key, data in storages.items():
            z.writestr("archive/data/" + key, data,
                       compress_type=zipfile.ZIP_DEFLATED if compress_storages else zipfile.ZIP_STORED)
        z.writestr("archive/version", b"3\n")
        for name, data in extra:
            z.writestr(name, data)
    return buf.getvalue()


def legacy_file(main_pickle, keys, storages):
    """The legacy torch.save layout around a given main pickle."""
    out = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    out += pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    out += main_pickle
    out += pickle.dumps(keys, protocol=2)
    for numel, data in storages:
        out += struct.pack("<q", numel) + data
    return out


class Evil:
    """Pickles as a call to os.system (module 'posix' on Linux), the classic pickle exploit."""

    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


def global_call(module, name, arg, proto=2):
    """GLOBAL module.name, a one-string tuple, REDUCE, STOP: a call written byte by byte."""
    a = arg.encode()
    return (b"\x80" + bytes([proto]) + b"c" + module.encode() + b"\n" + name.encode() + b"\n"
            + b"X" + struct.pack("<I", len(a)) + a + b"\x85R.")


def stack_global_call(module, name, arg):
    """Protocol 4 STACK_GLOBAL form of a call."""
    def s(x):
        x = x.encode()
        return b"\x8c" + bytes([len(x)]) + x
    return b"\x80\x04" + s(module) + s(name) + b"\x93" + s(arg) + b"\x85R."


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    os.makedirs(BAD, exist_ok=True)
    sd = tiny_state_dict()
    expected_json(sd, os.path.join(OUT, "tiny_expected.json"))
    torch.save(sd, os.path.join(OUT, "tiny_zip.pth"))
    torch.save(sd, os.path.join(OUT, "tiny_legacy.pth"), _use_new_zipfile_serialization=False)
    # A training checkpoint that wraps the state_dict.
    torch.save({"epoch": 3, "state_dict": sd, "arch": "tiny"}, os.path.join(OUT, "tiny_checkpoint.pth"))
    # Parameters (not plain tensors) go through torch._utils._rebuild_parameter.
    params = collections.OrderedDict((k, torch.nn.Parameter(v)) for k, v in list(sd.items())[:2])
    torch.save(params, os.path.join(OUT, "tiny_parameters.pth"))
    write(os.path.join(OUT, "tiny.safetensors"), safetensors_bytes(sd, {"format": "pt"}))

    # torchvision-style names through torch.onnx.export.
    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
            self.classifier = torch.nn.Sequential(torch.nn.Dropout(), torch.nn.Linear(4 * 4 * 4, 5))

        def forward(self, x):
            return self.classifier(torch.flatten(self.features(x), 1))

    torch.manual_seed(7)
    m = Tiny().eval()
    torch.onnx.export(m, torch.randn(1, 3, 6, 6), os.path.join(OUT, "tiny_torchvision.onnx"),
                      do_constant_folding=False)
    expected_json(m.state_dict(), os.path.join(OUT, "tiny_torchvision_onnx_expected.json"))

    # Every ONNX storage form: raw_data, float_data, double_data, float16 and bfloat16 bits in int32_data.
    g = torch.Generator().manual_seed(99)
    typed = collections.OrderedDict()
    typed["raw"] = torch.randn(2, 3, generator=g)
    typed["floats"] = torch.randn(3, 2, generator=g)
    typed["doubles"] = torch.randn(4, generator=g, dtype=torch.float64)
    typed["halves"] = torch.randn(2, 2, generator=g).to(torch.float16)
    typed["bhalves"] = torch.randn(5, generator=g).to(torch.bfloat16)
    typed["raw_half"] = torch.randn(3, generator=g).to(torch.float16)
    typed["raw_double"] = torch.randn(2, 2, generator=g, dtype=torch.float64)
    tensors = [
        onnx_tensor("raw", [2, 3], 1, raw=raw_f32(typed["raw"])),
        onnx_tensor("floats", [3, 2], 1, floats=typed["floats"].reshape(-1).tolist()),
        onnx_tensor("doubles", [4], 11, doubles=typed["doubles"].tolist()),
        onnx_tensor("halves", [2, 2], 10, int32s=[x & 0xFFFF for x in typed["halves"].view(torch.int16).reshape(-1).tolist()]),
        onnx_tensor("bhalves", [5], 16, int32s=[x & 0xFFFF for x in typed["bhalves"].view(torch.int16).tolist()]),
        onnx_tensor("raw_half", [3], 10, raw=tensor_bytes(typed["raw_half"])),
        onnx_tensor("raw_double", [2, 2], 11, raw=tensor_bytes(typed["raw_double"])),
        onnx_tensor("reshape_shape", [2], 7, int64s=[1, 64]),
    ]
    write(os.path.join(OUT, "typed_fields.onnx"), onnx_model(tensors))
    expected_json(typed, os.path.join(OUT, "typed_fields_onnx_expected.json"))

    # The ONNX model zoo's namings, with tiny shapes: Caffe AlexNet and Gluon VGG16.
    caffe = []
    for layer in ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]:
        caffe.append(onnx_tensor(layer + "_w_0", [2, 1], 1, raw=raw_f32(torch.ones(2, 1))))
        caffe.append(onnx_tensor(layer + "_b_0", [2], 1, raw=raw_f32(torch.zeros(2))))
    write(os.path.join(OUT, "zoo_caffe_alexnet_names.onnx"), onnx_model(caffe))
    gluon = []
    for i in range(13):
        gluon.append(onnx_tensor("vgg0_conv%d_weight" % i, [1], 1, raw=raw_f32(torch.tensor([float(i)]))))
        gluon.append(onnx_tensor("vgg0_conv%d_bias" % i, [1], 1, raw=raw_f32(torch.tensor([float(i)]))))
    for i in range(3):
        gluon.append(onnx_tensor("vgg0_dense%d_weight" % i, [1], 1, raw=raw_f32(torch.tensor([100.0 + i]))))
        gluon.append(onnx_tensor("vgg0_dense%d_bias" % i, [1], 1, raw=raw_f32(torch.tensor([100.0 + i]))))
    write(os.path.join(OUT, "zoo_gluon_vgg16_names.onnx"), onnx_model(gluon))

    write_malformed(sd)


def write_malformed(sd):
    w = lambda name, data: write(os.path.join(BAD, name), data)
    f32 = torch.FloatStorage
    data12 = raw_f32(torch.arange(12, dtype=torch.float32))

    # --- code execution attempts: must be refused, never run
    w("evil_os_system.pth", torch_zip(global_call("os", "system", "touch " + MARKER), {}))
    w("evil_posix_system.pth", torch_zip(pickle.dumps(Evil(), protocol=2), {}))
    w("evil_builtins_eval.pth", torch_zip(global_call("builtins", "eval", "__import__('os').system('touch %s')" % MARKER), {}))
    w("evil_subprocess_stack_global.pth", torch_zip(stack_global_call("subprocess", "check_call", "touch " + MARKER), {}))
    w("evil_legacy_os_system.pth", legacy_file(global_call("os", "system", "touch " + MARKER), [], []))
    # A legitimate-looking state_dict whose value hides an eval.
    hidden = collections.OrderedDict([("features.0.weight", Evil())])
    w("evil_inside_state_dict.pth", torch_zip(pickle.dumps(hidden, protocol=2), {}))
    # An unknown class (would silently become a dict in a permissive unpickler).
    w("unknown_global_class.pth", torch_zip(global_call("argparse", "Namespace", "x"), {}))

    # --- not a state_dict
    buf = io.BytesIO(); torch.save([1, 2, 3], buf); w("not_state_dict_list.pth", buf.getvalue())
    buf = io.BytesIO(); torch.save(42, buf); w("not_state_dict_int.pth", buf.getvalue())
    buf = io.BytesIO(); torch.save({"lr": 0.1, "w": torch.ones(2)}, buf); w("not_state_dict_mixed.pth", buf.getvalue())

    # --- unsupported dtypes
    buf = io.BytesIO(); torch.save({"features.0.weight": torch.arange(6).view(2, 3)}, buf); w("dtype_int64.pth", buf.getvalue())
    buf = io.BytesIO(); torch.save({"features.0.weight": torch.ones(2, 2, dtype=torch.cfloat)}, buf); w("dtype_complex.pth", buf.getvalue())
    w("dtype_i64.safetensors", raw_safetensors({"features.0.weight": {"dtype": "I64", "shape": [2, 3], "data_offsets": [0, 48]}}, bytes(48)))
    w("dtype_int64_matrix.onnx", onnx_model([onnx_tensor("features.0.weight", [2, 3], 7, int64s=[1, 2, 3, 4, 5, 6])]))

    # --- absurd shapes and views outside their storage
    st = FakeStorage(f32, "0", 12)
    w("shape_overflow.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(st, 0, [10 ** 12, 10 ** 12], [10 ** 12, 1]))])), {"0": data12}))
    w("shape_beyond_storage.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(st, 0, [64, 3, 3, 3], [27, 9, 3, 1]))])), {"0": data12}))
    w("offset_beyond_storage.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(st, 10, [2, 2], [2, 1]))])), {"0": data12}))
    w("storage_numel_beyond_entry.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(FakeStorage(f32, "0", 1 << 40), 0, [2, 2], [2, 1]))])), {"0": data12}))
    w("storage_missing.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(FakeStorage(f32, "7", 12), 0, [2, 2], [2, 1]))])), {"0": data12}))
    w("storage_key_path.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(FakeStorage(f32, "../../etc/passwd", 12), 0, [2, 2], [2, 1]))])), {"0": data12}))
    w("storage_compressed.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(st, 0, [3, 4], [4, 1]))])), {"0": data12}, compress_storages=True))
    w("zip_dotdot_entry.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(st, 0, [3, 4], [4, 1]))])), {"0": data12}, extra=[("../x", b"evil")]))
    w("zip_absolute_entry.pth", torch_zip(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(st, 0, [3, 4], [4, 1]))])), {"0": data12}, extra=[("/etc/cron.d/x", b"evil")]))
    nopkl = io.BytesIO()
    with zipfile.ZipFile(nopkl, "w") as z:
        z.writestr("readme.txt", "hello")
    w("zip_without_pickle.pth", nopkl.getvalue())
    w("legacy_numel_mismatch.pth", legacy_file(fake_pickle(collections.OrderedDict(
        [("features.0.weight", FakeTensor(FakeStorage(f32, "1", 12), 0, [3, 4], [4, 1]))])), ["1"], [(13, data12)]))
    w("plain_pickle_not_torch.pth", pickle.dumps({"features.0.weight": [1.0, 2.0]}, protocol=2))

    # --- safetensors headers that lie
    two = {"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
           "b": {"dtype": "F32", "shape": [2, 2], "data_offsets": [8, 24]}}
    w("st_overlap.safetensors", raw_safetensors(two, bytes(24)))
    w("st_out_of_range.safetensors", raw_safetensors({"a": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]}}, bytes(16)))
    w("st_size_mismatch.safetensors", raw_safetensors({"a": {"dtype": "F32", "shape": [3, 3], "data_offsets": [0, 16]}}, bytes(16)))
    w("st_huge_shape.safetensors", raw_safetensors({"a": {"dtype": "F32", "shape": [1 << 40, 1 << 40], "data_offsets": [0, 16]}}, bytes(16)))
    w("st_negative_dim.safetensors", raw_safetensors({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, bytes(16)))
    w("st_reversed_offsets.safetensors", raw_safetensors({"a": {"dtype": "F32", "shape": [0], "data_offsets": [16, 8]}}, bytes(16)))
    h = b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}'
    w("st_header_too_long.safetensors", struct.pack("<Q", 1 << 40) + h + bytes(4))
    w("st_header_not_json.safetensors", struct.pack("<Q", 16) + b"{not json at all" + bytes(4))
    w("st_duplicate_key.safetensors", struct.pack("<Q", 2 * len(h) - 2) + (h[:-1] + b"," + h[1:]) + bytes(4))

    # --- ONNX lies
    w("onnx_raw_size_mismatch.onnx", onnx_model([onnx_tensor("w", [4, 4], 1, raw=bytes(12))]))
    w("onnx_float_count_mismatch.onnx", onnx_model([onnx_tensor("w", [2, 3], 1, floats=[1.0, 2.0])]))
    w("onnx_external_data.onnx", onnx_model([onnx_tensor("w", [2], 1, external=True)]))
    w("onnx_huge_dims.onnx", onnx_model([onnx_tensor("w", [1 << 40, 1 << 40], 1, raw=bytes(8))]))


if __name__ == "__main__":
    main()
