"""npz files as NumPy writes them, for lit-core's streaming reader (NpzReaderTest).

np.savez writes STORED members with ZIP64 extra fields (numpy opens each member with
force_zip64=True); np.savez_compressed writes DEFLATED ones. Run from the repository root:
    /usr/bin/python3 tools/reference/make_npz_fixtures.py
"""
import numpy as np

OUT = "lit-core/src/test/resources/fixtures/"
rng = np.random.default_rng(11)
arrays = dict(
    arr_0=rng.integers(0, 256, size=(37, 5, 6, 3), dtype=np.uint8),
    mu=rng.standard_normal(7),
    sigma=rng.standard_normal((7, 7)).astype(np.float32),
    labels=np.arange(37, dtype=np.int64),
)
np.savez(OUT + "npz_stored.npz", **arrays)
np.savez_compressed(OUT + "npz_deflated.npz", **arrays)


def zip64_npz(path, name, payload):
    """One STORED member written the way a >4 GB archive must be: every size and offset in the
    central directory as 0xFFFFFFFF with the real values in the ZIP64 extra field, and a ZIP64
    end record with its locator. Small, so the reader's ZIP64 path is tested without 4 GB."""
    import struct, zlib
    crc = zlib.crc32(payload)
    fname = name.encode()
    local_extra = struct.pack("<HHQQ", 1, 16, len(payload), len(payload))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(fname), len(local_extra)) + fname + local_extra
    central_extra = struct.pack("<HHQQQ", 1, 24, len(payload), len(payload), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                          len(fname), len(central_extra), 0, 0, 0, 0, 0xFFFFFFFF) + fname + central_extra
    dir_offset = len(local) + len(payload)
    z64_end = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, len(central), dir_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, dir_offset + len(central), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(path, "wb") as f:
        f.write(local + payload + central + z64_end + locator + end)


import io
buf = io.BytesIO()
np.save(buf, arrays["arr_0"])
zip64_npz(OUT + "npz_zip64.npz", "arr_0.npy", buf.getvalue())
assert (np.load(OUT + "npz_zip64.npz")["arr_0"] == arrays["arr_0"]).all()   # Python's zipfile agrees it is valid
