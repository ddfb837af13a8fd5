"""An independent client of the binary tensor data extension: bodies built by hand with struct, per Triton's
documentation (docs/protocol/extension_binary_data.md): a JSON header whose length is in Inference-Header-Content-Length,
then each binary input's bytes in the order of "inputs" (little-endian, row-major; BOOL one byte; BYTES a 4-byte
little-endian length before each element). Outputs are compared with values numpy computes.
Usage: oip_binary_http_client.py HTTP_BASE
"""
import gzip
import json
import struct
import sys

import numpy as np

from oip_clients_common import MODELS, NUMPY, VERSION, check, checks, datatype, expect_equal, from_raw, http_request, raw_bytes, sample_inputs, upload_models

base = sys.argv[1]
def body_of(inputs, binary_outputs=True, outputs=None):
    header = {"id": "bin-1", "inputs": [], "parameters": {"binary_data_output": binary_outputs}}
    tail = b""
    for name, array in inputs.items():
        data = raw_bytes(array)
        header["inputs"].append({"name": name, "shape": list(array.shape), "datatype": datatype(array), "parameters": {"binary_data_size": len(data)}})
        tail += data
    if outputs is not None:
        header["outputs"] = outputs
    json_part = json.dumps(header).encode()
    return json_part, tail


def infer(model, json_part, tail, extra_headers=None, header_length=None, compress=False):
    body = json_part + tail
    headers = {"Inference-Header-Content-Length": str(len(json_part) if header_length is None else header_length)}
    if compress:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    # No Content-Type, as Triton's HTTP client sends none.
    headers.update(extra_headers or {})
    return http_request(base, "POST", f"/v2/models/{model}/infer", body, headers)


def read_response(status, headers, body):
    assert status == 200, (status, body[:400])
    length = int(headers.get("inference-header-content-length", len(body)))
    header = json.loads(body[:length])
    offset, result = length, {}
    for output in header["outputs"]:
        shape = tuple(output["shape"])
        if "parameters" in output and "binary_data_size" in output["parameters"]:
            size = output["parameters"]["binary_data_size"]
            result[output["name"]] = from_raw(output["datatype"], shape, body[offset: offset + size])
            offset += size
        else:
            dt = output["datatype"]
            result[output["name"]] = np.array(output["data"], dtype=object if dt == "BYTES" else NUMPY[dt]).reshape(shape)
    assert offset == len(body), f"{len(body) - offset} bytes after the last binary output"
    return header, result


def fails(response, status, text):
    got, headers, body = response
    assert got == status, f"{got} {body[:300]!r}, expected {status}"
    error = json.loads(body)["error"]
    assert text in error, f"'{error}' does not say '{text}'"
    print(f"  {status}: {error[:160]}")


upload_models(base)
status, _, body = http_request(base, "GET", "/v2")
assert "binary_tensor_data" in json.loads(body)["extensions"], body
check("server metadata lists binary_tensor_data")

for name, inputs in sample_inputs().items():
    expected = MODELS[name][1](inputs)
    for binary_out in (True, False):
        if not binary_out and name == "py-half":
            continue  # FP16 in JSON is not what this test is about
        header, actual = read_response(*infer(name, *body_of(inputs, binary_outputs=binary_out)))
        assert header["model_name"] == name and header["model_version"] == VERSION and header["id"] == "bin-1", header
        for output in expected:
            expect_equal(f"{name} {output}", np.asarray(expected[output]), actual[output])
        check(f"binary inputs {name}, {'binary' if binary_out else 'JSON'} outputs")

# Per-output binary_data overrides binary_data_output; compressed body; routing key header.
inputs = sample_inputs()["py-add"]
json_part, tail = body_of(inputs, binary_outputs=False, outputs=[{"name": "greater", "parameters": {"binary_data": True}}, {"name": "sum"}])
status, headers, body = infer("py-add", json_part, tail, {"X-Cloud-Routing-Key": "user-17"}, compress=True)
header, actual = read_response(status, headers, body)
assert "parameters" in header["outputs"][0] and "data" in header["outputs"][1], header
expect_equal("greater", inputs["a"] > inputs["b"], actual["greater"])
expect_equal("sum", inputs["a"] + inputs["b"], actual["sum"])
check("binary_data per output, gzip body")

# Header length 0: the whole body is the single input.
x = sample_inputs()["py-half"]["x"]
status, headers, body = http_request(base, "POST", "/v2/models/py-half/infer", raw_bytes(x), {"Inference-Header-Content-Length": "0"})
header, actual = read_response(status, headers, body)
expect_equal("raw body", (x + x).astype(np.float16), actual["y"])
check("Inference-Header-Content-Length 0 (raw body)")

# --- bad input ---------------------------------------------------------------------------------------------------------
json_part, tail = body_of(inputs)
fails(infer("py-add", json_part, tail[:-4]), 400, "binary_data_size is 24 but only 20 bytes")
fails(infer("py-add", json_part, tail, header_length=len(json_part) + len(tail) + 1), 400, "Inference-Header-Content-Length is")
wrong = json_part.replace(b'"binary_data_size": 24}', b'"binary_data_size": 20}', 1)
fails(infer("py-add", wrong, tail[:20] + tail[24:]), 400, "6 values of raw data take 24 bytes; got 20")
strings = json.dumps({"inputs": [{"name": "s", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": 14}}]}).encode()
fails(infer("py-strings", strings, struct.pack("<I", 3) + b"abc" + struct.pack("<I", 99) + b"xyz"), 400, "says 99 bytes but only 3 remain")
fails(infer("py-add", json_part, tail + b"extra"), 400, "5 bytes of binary data follow")
fails(http_request(base, "POST", "/v2/models/py-add/infer", json_part + tail, {"Inference-Header-Content-Length": "twelve"}), 400, "must be a non-negative integer")
# 100 MB, announced with Expect: 100-continue so the early 413 is read rather than raced by the upload (the host
# answers before reading a body its Content-Length already rules out).
big = json.dumps({"inputs": [{"name": "a", "shape": [8738133, 3], "datatype": "FP32", "parameters": {"binary_data_size": 8738133 * 12}}]}).encode()
fails(http_request(base, "POST", "/v2/models/py-add/infer", None, {
    "Inference-Header-Content-Length": str(len(big)), "Content-Length": str(len(big) + 8738133 * 12), "Expect": "100-continue"}), 413, "larger than the limit")
check("bad input (100 MB body included)")
print(f"{len(checks)} checks passed")
