"""Writes safetensors files as the format specifies (an 8-byte little-endian
header length, a JSON header, raw little-endian data), so tests need no
package beyond numpy: the same bytes safetensors.torch.save_file writes."""
import json
import struct

import numpy as np

DTYPES = {np.dtype("float32"): "F32", np.dtype("int64"): "I64", np.dtype("int32"): "I32"}


def save(tensors, path):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        data = array.tobytes()
        header[name] = {"dtype": DTYPES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def state_dict_arrays(module):
    """A PyTorch state_dict as numpy arrays, num_batches_tracked included."""
    return {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}


def load(path):
    """The tensors of a safetensors file (F32, I32, I64) and its metadata."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    metadata = header.pop("__metadata__", {})
    names = {v: k for k, v in DTYPES.items()}
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        raw = data[8 + size + begin:8 + size + end]
        tensors[name] = np.frombuffer(raw, names[e["dtype"]]).reshape(e["shape"])
    return tensors, metadata
