#!/usr/bin/python3
"""limits_fixture.py MODE OUT: files that claim absurd sizes, for tests/test_limits.sh.

Written as sparse files: the header is real, the data block is a hole, so a
file that claims 32 GB takes a few kilobytes of disk and no time to make.

  wide D     activations of 3 rows (one pair) and width D
  sae_m      sparsify-layout SAE with m = 2^28 latents, d = 16 (32 GB)
  sae_d      sparsify-layout SAE (F16) with m = 4, d = 2^30 (16 GB)
"""
import json
import struct
import sys

SIZES = {"F32": 4, "I32": 4, "U8": 1, "I64": 8, "F16": 2}


def st(path, tensors, meta=None):
    """tensors: (name, dtype, shape, bytes or None for a hole)"""
    hdr, off, blobs = {}, 0, []
    for name, dt, shape, data in tensors:
        n = SIZES[dt]
        for s in shape:
            n *= s
        hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + n]}
        blobs.append((off, data))
        off += n
    if meta:
        hdr["__metadata__"] = meta
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        base = 8 + len(h)
        for o, data in blobs:
            if data is not None:
                f.seek(base + o)
                f.write(data)
        f.truncate(base + off)


def main():
    mode, out = sys.argv[1], sys.argv[2]
    if mode == "wide":
        d = int(sys.argv[3])
        st(out, [("acts", "F32", [3, d], None),
                 ("pair", "I32", [3], struct.pack("<3i", 0, 0, 0)),
                 ("side", "U8", [3], bytes([0, 1, 2])),
                 ("pos", "I32", [3], struct.pack("<3i", 0, 0, 0)),
                 ("flags", "U8", [3], bytes([1, 1, 1])),
                 ("tok_off", "I64", [4], struct.pack("<4q", 0, 1, 2, 3)),
                 ("tok_bytes", "U8", [3], b"abc")], {"format": "safer-acts/1"})
    elif mode == "sae_m":
        m, d = 1 << 28, 16
        st(out, [("encoder.weight", "F32", [m, d], None), ("encoder.bias", "F32", [m], None),
                 ("W_dec", "F32", [m, d], None), ("b_dec", "F32", [d], None)])
    elif mode == "sae_d":
        m, d = 4, 1 << 30
        st(out, [("encoder.weight", "F16", [m, d], None), ("encoder.bias", "F16", [m], None),
                 ("W_dec", "F16", [m, d], None), ("b_dec", "F16", [d], None)])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
