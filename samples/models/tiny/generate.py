#!/usr/bin/python3
"""Generate the tiny ONNX models used by the ONNX Runtime binding's unit tests.

What it makes (in --out, default: this script's folder, samples/models/tiny/):
  identity_<type>.onnx      Identity x -> y of one element type, shape [batch, 3],
                            for every type the binding maps (float, double,
                            float16, int8, uint8, int16, int32, int64, bool, string).
  add_float.onnx            two inputs, two outputs: sum = a + b, diff = a - b.
  cast_int32_to_float.onnx  input and output of different element types.
  unknown_dims.onnx         dims with no value and no name, a named dim, a fixed dim.
  metadata.onnx             every model-level metadata field filled in.
  scalar_sum.onnx           ReduceSum to a rank-1 output [batch].
  slow_sum.onnx             y = x * 2^24, the slow way: x expanded to
                            [batch, 4096, 4096] and summed (milliseconds a row).
  not_a_model.onnx          64 bytes of garbage; loading must fail.
  truncated.onnx            first half of add_float.onnx; loading must fail.
See README.md beside this script for what each one is for.

Why: unit tests need models that each pin down one behaviour of the binding
(type mapping, shapes, metadata, error paths), are a few hundred bytes so they
can be committed, and are reproducible byte for byte: everything is fixed,
and the one random file uses a fixed seed.

Usage:
  /usr/bin/python3 samples/models/tiny/generate.py [--out DIR]
"""

import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
OPSET = 17
IR_VERSION = 8
GARBAGE_SEED = 20240229

# File-name suffix -> ONNX element type.
IDENTITY_TYPES = [
    ("float", TensorProto.FLOAT),
    ("double", TensorProto.DOUBLE),
    ("float16", TensorProto.FLOAT16),
    ("int8", TensorProto.INT8),
    ("uint8", TensorProto.UINT8),
    ("int16", TensorProto.INT16),
    ("int32", TensorProto.INT32),
    ("int64", TensorProto.INT64),
    ("bool", TensorProto.BOOL),
    ("string", TensorProto.STRING),
]


def vi(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def make_model(nodes, graph_name, inputs, outputs, initializer=(), **model_kwargs):
    graph = helper.make_graph(nodes, graph_name, inputs, outputs, initializer=list(initializer))
    model_kwargs.setdefault("producer_name", "cloud-samples-tiny")
    model = helper.make_model(
        graph,
        ir_version=IR_VERSION,
        opset_imports=[helper.make_opsetid("", OPSET)],
        **model_kwargs,
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def identity(elem_type, shape, graph_name="identity", **model_kwargs):
    return make_model([helper.make_node("Identity", ["x"], ["y"])], graph_name,
                      [vi("x", elem_type, shape)], [vi("y", elem_type, shape)], **model_kwargs)


def build_all():
    """Return {file name: ModelProto} for every real model, in a fixed order."""
    models = {}
    for suffix, elem_type in IDENTITY_TYPES:
        models["identity_%s.onnx" % suffix] = identity(elem_type, ["batch", 3])

    models["add_float.onnx"] = make_model(
        [helper.make_node("Add", ["a", "b"], ["sum"]),
         helper.make_node("Sub", ["a", "b"], ["diff"])],
        "add_float",
        [vi("a", TensorProto.FLOAT, ["batch", 4]), vi("b", TensorProto.FLOAT, ["batch", 4])],
        [vi("sum", TensorProto.FLOAT, ["batch", 4]), vi("diff", TensorProto.FLOAT, ["batch", 4])])

    models["cast_int32_to_float.onnx"] = make_model(
        [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT)],
        "cast_int32_to_float",
        [vi("x", TensorProto.INT32, ["batch", 2])],
        [vi("y", TensorProto.FLOAT, ["batch", 2])])

    # None -> a dim with neither dim_value nor dim_param: ORT reports -1 and an
    # empty symbolic name; "width" is reported as -1 with symbolic name "width".
    models["unknown_dims.onnx"] = identity(TensorProto.FLOAT, [None, "width", 5], "unknown_dims")

    meta = identity(
        TensorProto.FLOAT, ["batch", 2], "meta_graph",
        producer_name="cloud-tests",
        producer_version="0.1",
        domain="ai.cloud.test",
        doc_string="a model with metadata",
        model_version=42,
    )
    meta.graph.doc_string = "graph description"
    # Non-ASCII value checks that the binding decodes metadata as UTF-8.
    helper.set_model_props(meta, {"author": "cloud", "purpose": "metadata test",
                                  "unicode": "h\u00e9llo \u2713"})
    onnx.checker.check_model(meta, full_check=True)
    models["metadata.onnx"] = meta

    # Opset 13+ ReduceSum takes its axes as an int64 input, here an initializer.
    models["scalar_sum.onnx"] = make_model(
        [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
        "scalar_sum",
        [vi("x", TensorProto.FLOAT, ["batch", 3])],
        [vi("y", TensorProto.FLOAT, ["batch"])],
        initializer=[numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")])

    # Slow on purpose, for tests that need a run to last (a full batch queue): each row is
    # broadcast to 4096 x 4096 floats (64 MiB) and summed back, so y = x * 2^24, exactly for
    # small integers x (every partial sum is an integer below 2^24 times x).
    models["slow_sum.onnx"] = make_model(
        [helper.make_node("Unsqueeze", ["x", "unsqueeze_axes"], ["x3"]),
         helper.make_node("Expand", ["x3", "shape"], ["big"]),
         helper.make_node("ReduceSum", ["big", "sum_axes"], ["y"], keepdims=0)],
        "slow_sum",
        [vi("x", TensorProto.FLOAT, ["batch", 1])],
        [vi("y", TensorProto.FLOAT, ["batch", 1])],
        initializer=[numpy_helper.from_array(np.array([2, 3], dtype=np.int64), "unsqueeze_axes"),
                     numpy_helper.from_array(np.array([1, 1, 4096, 4096], dtype=np.int64), "shape"),
                     numpy_helper.from_array(np.array([2, 3], dtype=np.int64), "sum_axes")])
    return models


def assert_not_loadable(data, what):
    """The error-path files must really be unparseable, or the tests that use
    them would test nothing."""
    try:
        onnx.load_model_from_string(data)
    except Exception:  # protobuf DecodeError (type differs across protobuf versions)
        return
    raise AssertionError("%s unexpectedly parses as an ONNX model" % what)


def main():
    ap = argparse.ArgumentParser(description="Generate the tiny ONNX test models.")
    ap.add_argument("--out", default=SCRIPT_DIR, help="output folder (default: %(default)s)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    written = {}
    for name, model in build_all().items():
        written[name] = model.SerializeToString()

    garbage = np.random.default_rng(GARBAGE_SEED).bytes(64)
    assert_not_loadable(garbage, "not_a_model.onnx")
    written["not_a_model.onnx"] = garbage

    add = written["add_float.onnx"]
    truncated = add[: len(add) // 2]
    assert_not_loadable(truncated, "truncated.onnx")
    written["truncated.onnx"] = truncated

    for name, data in written.items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        print("%-28s %5d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
