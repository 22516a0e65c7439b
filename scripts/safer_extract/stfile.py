"""safetensors files with numpy only: no `safetensors` package needed.

Layout: 8-byte little-endian header length H, H bytes of JSON header
{"name": {"dtype", "shape", "data_offsets": [b, e]}, "__metadata__": {..}},
then the data block. The header is padded with spaces so the data block
starts 8-byte aligned, and tensors follow each other without gaps (the
reference implementation rejects holes), widest element type first, so
every tensor starts aligned to its own element size.

Large tensors are written in pieces: `Writer` takes the full list of
tensor specs up front (so the header can be written first) and then the
bytes of each tensor in order, in as many calls as the caller likes.
"""

import json
import os
import struct

import numpy as np

MAX_HEADER = 100 << 20

# dtype name -> (numpy dtype of the stored bytes, element size). BF16 has
# no numpy type: its raw bits travel as little-endian uint16.
DTYPES = {
	"F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<u2", 2),
	"I64": ("<i8", 8), "I32": ("<i4", 4), "I16": ("<i2", 2), "I8": ("i1", 1),
	"U8": ("u1", 1), "BOOL": ("u1", 1),
}


class FormatError(Exception):
	pass


def _nbytes(dtype, shape):
	n = DTYPES[dtype][1]
	for s in shape:
		n *= int(s)
	return n


def layout(specs):
	"""specs: [(name, dtype, shape)]. Returns (order, offsets) with the
	tensors ordered widest element first (stable otherwise)."""
	order = sorted(range(len(specs)), key=lambda i: -DTYPES[specs[i][1]][1])
	offsets, pos = {}, 0
	for i in order:
		name, dt, shape = specs[i]
		n = _nbytes(dt, shape)
		offsets[name] = (pos, pos + n)
		pos += n
	return [specs[i] for i in order], offsets


def header_bytes(specs, meta):
	ordered, offsets = layout(specs)
	h = {}
	if meta:
		h["__metadata__"] = {str(k): str(v) for k, v in meta.items()}
	for name, dt, shape in ordered:
		h[name] = {"dtype": dt, "shape": [int(s) for s in shape],
		           "data_offsets": list(offsets[name])}
	js = json.dumps(h, separators=(",", ":"), ensure_ascii=True).encode()
	js += b" " * (-(8 + len(js)) % 8)
	return struct.pack("<Q", len(js)) + js, ordered


class Writer:
	"""Write a safetensors file to an open binary file object `f`.

	    w = Writer(f, [("acts", "F16", (N, d)), ...], meta)
	    for name in w.order: w.write(name, array_piece); ...
	    w.finish()

	Pieces must arrive in w.order and fill each tensor exactly; finish()
	checks that they did."""

	def __init__(self, f, specs, meta=None):
		hdr, ordered = header_bytes(specs, meta)
		self.f = f
		self.order = [s[0] for s in ordered]
		self.want = {s[0]: _nbytes(s[1], s[2]) for s in ordered}
		self.npdt = {s[0]: np.dtype(DTYPES[s[1]][0]) for s in ordered}
		self.cur = 0
		self.done = 0
		f.write(hdr)

	def write(self, name, arr):
		while self.cur < len(self.order) and self.done == self.want[self.order[self.cur]] \
				and self.order[self.cur] != name:
			self.cur += 1
			self.done = 0
		if self.cur >= len(self.order) or self.order[self.cur] != name:
			raise ValueError("tensor %s written out of order" % name)
		if isinstance(arr, (bytes, bytearray, memoryview)):
			b = bytes(arr)
		else:
			b = np.ascontiguousarray(arr, dtype=self.npdt[name]).tobytes()
		if self.done + len(b) > self.want[name]:
			raise ValueError("tensor %s: too many bytes" % name)
		self.f.write(b)
		self.done += len(b)

	def finish(self):
		for i in range(self.cur, len(self.order)):
			name = self.order[i]
			got = self.done if i == self.cur else 0
			if got != self.want[name]:
				raise ValueError("tensor %s: %d of %d bytes written" % (name, got, self.want[name]))


def save(path, tensors, meta=None):
	"""tensors: {name: (dtype name, numpy array)}; written atomically."""
	specs = [(k, dt, a.shape) for k, (dt, a) in tensors.items()]
	with AtomicFile(path) as f:
		w = Writer(f, specs, meta)
		for name in w.order:
			w.write(name, tensors[name][1])
		w.finish()


def read_header(path):
	"""Parse and check the header. Returns (header dict, data start, file
	size). Every tensor's byte range is checked against dtype x shape and
	the file size."""
	size = os.path.getsize(path)
	with open(path, "rb") as f:
		raw = f.read(8)
		if len(raw) < 8:
			raise FormatError("%s: too short for a safetensors file" % path)
		(hl,) = struct.unpack("<Q", raw)
		if hl > MAX_HEADER or 8 + hl > size:
			raise FormatError("%s: header length %d does not fit the file" % (path, hl))
		try:
			h = json.loads(f.read(hl).decode("utf-8"))
		except (UnicodeDecodeError, ValueError) as exc:
			raise FormatError("%s: header is not JSON (%s)" % (path, exc))
	if not isinstance(h, dict):
		raise FormatError("%s: header is not a JSON object" % path)
	data = 8 + hl
	for name, t in h.items():
		if name == "__metadata__":
			continue
		try:
			dt, shape, (b, e) = t["dtype"], t["shape"], t["data_offsets"]
			n = _nbytes(dt, shape)
		except (KeyError, TypeError, ValueError):
			raise FormatError("%s: tensor %s has a malformed entry" % (path, name))
		if e - b != n or b < 0 or data + e > size:
			raise FormatError("%s: tensor %s: bytes %d..%d do not match %s %s" %
			                  (path, name, b, e, dt, shape))
	return h, data, size


def load(path, mmap=True):
	"""{name: numpy array} (BF16 as uint16 bits) and the metadata dict."""
	h, data, _ = read_header(path)
	out = {}
	for name, t in h.items():
		if name == "__metadata__":
			continue
		b, e = t["data_offsets"]
		npdt = np.dtype(DTYPES[t["dtype"]][0])
		count = (e - b) // npdt.itemsize
		if mmap and count:
			a = np.memmap(path, dtype=npdt, mode="r", offset=data + b, shape=(count,))
		else:
			with open(path, "rb") as f:
				f.seek(data + b)
				a = np.frombuffer(f.read(e - b), dtype=npdt)
		out[name] = a.reshape(t["shape"])
	return out, h.get("__metadata__", {})


def copy_bytes(src_path, start, count, dst_write, chunk=16 << 20):
	"""Stream count bytes of src_path from start into dst_write()."""
	with open(src_path, "rb") as f:
		f.seek(start)
		while count:
			b = f.read(min(chunk, count))
			if not b:
				raise FormatError("%s: truncated" % src_path)
			dst_write(b)
			count -= len(b)


class AtomicFile:
	"""Write to PATH.tmp-PID, fsync, rename over PATH, fsync the directory.
	An exception inside the with-block removes the temp file and leaves
	PATH as it was."""

	def __init__(self, path):
		self.path = path
		self.tmp = "%s.tmp-%d" % (path, os.getpid())

	def __enter__(self):
		self.f = open(self.tmp, "wb")
		return self.f

	def __exit__(self, et, ev, tb):
		if et is not None:
			self.f.close()
			try:
				os.unlink(self.tmp)
			except OSError:
				pass
			return False
		self.f.flush()
		os.fsync(self.f.fileno())
		self.f.close()
		os.replace(self.tmp, self.path)
		d = os.open(os.path.dirname(os.path.abspath(self.path)), os.O_RDONLY)
		try:
			os.fsync(d)
		finally:
			os.close(d)
		return False
