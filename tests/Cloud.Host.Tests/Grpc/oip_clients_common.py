"""Shared by the independent clients: models built with onnx.helper, uploaded through Cloud's management API.

Expected outputs are computed here with numpy from the models' definitions, never by Cloud.
"""
import http.client
import json
import struct
import time
import urllib.parse

import numpy as np
from onnx import TensorProto, helper

VERSION = "1.0.0"


def _model(name, inputs, outputs, nodes):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    return model.SerializeToString()


# name -> (onnx bytes, expected(inputs dict) -> outputs dict)
MODELS = {
    # Two FP32 inputs: out = a + b, and a BOOL output (a > b).
    "py-add": (
        _model(
            "add",
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [None, 3]), helper.make_tensor_value_info("b", TensorProto.FLOAT, [None, 3])],
            [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [None, 3]), helper.make_tensor_value_info("greater", TensorProto.BOOL, [None, 3])],
            [helper.make_node("Add", ["a", "b"], ["sum"]), helper.make_node("Greater", ["a", "b"], ["greater"])],
        ),
        lambda x: {"sum": x["a"] + x["b"], "greater": x["a"] > x["b"]},
    ),
    # FP16 in and out, which JSON cannot carry exactly and gRPC's typed contents cannot carry at all.
    "py-half": (
        _model(
            "half",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [None, 4])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [None, 4])],
            [helper.make_node("Add", ["x", "x"], ["y"])],
        ),
        lambda x: {"y": (x["x"] + x["x"]).astype(np.float16)},
    ),
    # BYTES: strings through Identity.
    "py-strings": (
        _model(
            "strings",
            [helper.make_tensor_value_info("s", TensorProto.STRING, [None])],
            [helper.make_tensor_value_info("t", TensorProto.STRING, [None])],
            [helper.make_node("Identity", ["s"], ["t"])],
        ),
        lambda x: {"t": x["s"]},
    ),
    # Narrow integers through typed int_contents and uint_contents: INT8 negated, UINT16 as is.
    "py-ints": (
        _model(
            "ints",
            [helper.make_tensor_value_info("i8", TensorProto.INT8, [None, 2]), helper.make_tensor_value_info("u16", TensorProto.UINT16, [None, 2])],
            [helper.make_tensor_value_info("neg", TensorProto.INT8, [None, 2]), helper.make_tensor_value_info("same", TensorProto.UINT16, [None, 2])],
            [helper.make_node("Neg", ["i8"], ["neg"]), helper.make_node("Identity", ["u16"], ["same"])],
        ),
        lambda x: {"neg": -x["i8"], "same": x["u16"]},
    ),
}

DATATYPES = {
    np.dtype(np.float32): "FP32", np.dtype(np.float16): "FP16", np.dtype(np.float64): "FP64", np.dtype(np.bool_): "BOOL",
    np.dtype(np.int8): "INT8", np.dtype(np.int16): "INT16", np.dtype(np.int32): "INT32", np.dtype(np.int64): "INT64",
    np.dtype(np.uint8): "UINT8", np.dtype(np.uint16): "UINT16", np.dtype(np.uint32): "UINT32", np.dtype(np.uint64): "UINT64",
}
NUMPY = {v: k for k, v in DATATYPES.items()}


def datatype(array):
    return "BYTES" if array.dtype == object else DATATYPES[array.dtype]


def http_request(base, method, path, body=None, headers=None):
    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
    except (BrokenPipeError, ConnectionResetError):
        # A server may answer (413) before a large body is sent and close its side: the answer is still there to read.
        pass
    response = connection.getresponse()
    data = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    connection.close()
    return result


def upload_models(base):
    for name, (onnx_bytes, _) in MODELS.items():
        if http_request(base, "GET", f"/api/models/{name}/versions/{VERSION}")[0] == 200:
            continue  # uploaded by an earlier client of the same host
        files = f"/api/models/{name}/versions/{VERSION}/files"
        status, _, body = http_request(base, "PUT", f"{files}/model.onnx", onnx_bytes)
        assert status == 200, (name, status, body)
        manifest = json.dumps({"name": name, "version": VERSION, "format": "onnx", "modelFile": "model.onnx"}).encode()
        status, _, body = http_request(base, "PUT", f"{files}/model.json", manifest)
        assert status == 200, (name, status, body)
    deadline = time.time() + 120
    for name in MODELS:
        while http_request(base, "GET", f"/v2/models/{name}/ready")[0] != 200:
            assert time.time() < deadline, f"{name} did not become ready"
            time.sleep(0.2)


def expect_equal(what, expected, actual):
    assert expected.shape == actual.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    assert expected.dtype == actual.dtype, f"{what}: dtype {actual.dtype}, expected {expected.dtype}"
    if expected.dtype == object:
        assert list(expected.ravel()) == list(actual.ravel()), f"{what}: {actual!r}, expected {expected!r}"
    else:
        assert np.array_equal(expected, actual), f"{what}: {actual!r}, expected {expected!r}"


def sample_inputs():
    rng = np.random.default_rng(23)
    return {
        "py-add": {"a": rng.standard_normal((2, 3)).astype(np.float32), "b": rng.standard_normal((2, 3)).astype(np.float32)},
        "py-half": {"x": np.array([[0.5, -1.25, 1000.0, 3.1416], [65504 / 2, -0.0, 1e-3, 7.0]], dtype=np.float16)},
        "py-strings": {"s": np.array(["hello", "", "ünïcödé ✓", "a\x00b"], dtype=object)},
        "py-ints": {"i8": np.array([[-128 + 1, 127], [0, -5]], dtype=np.int8), "u16": np.array([[1, 2], [30000, 65535 // 2]], dtype=np.uint16)},
    }


# --- raw tensor bytes, as the protocols' documentation gives them (BYTES: a 4-byte little-endian length per element) --
def raw_bytes(array):
    if array.dtype == object:
        return b"".join(struct.pack("<I", len(v.encode())) + v.encode() for v in array.ravel())
    return array.astype(array.dtype.newbyteorder("<")).tobytes()


def from_raw(dt, shape, data):
    if dt == "BYTES":
        values, offset = [], 0
        while offset < len(data):
            (length,) = struct.unpack_from("<I", data, offset)
            values.append(data[offset + 4: offset + 4 + length].decode())
            offset += 4 + length
        return np.array(values, dtype=object).reshape(shape)
    return np.frombuffer(data, dtype=NUMPY[dt].newbyteorder("<")).astype(NUMPY[dt]).reshape(shape)


checks = []


def check(name):
    checks.append(name)
    print(f"ok {name}")
