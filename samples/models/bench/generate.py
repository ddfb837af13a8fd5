#!/usr/bin/python3
"""Generate the benchmark models (random weights, fixed seeds).

What it makes (in --out, default: this script's folder, samples/models/bench/):
  mlp/model.onnx      MLP 256 -> 1024 -> 1024 -> 10 (Gemm+Relu, Gemm+Relu, Gemm,
                      Softmax); input x float32 [batch, 256], output y float32
                      [batch, 10]. About 5 MB, so it is NOT committed (see the
                      .gitignore beside this script): run this script to get it.
  cnn/model.onnx      small CNN: image float32 [batch, 1, 28, 28] ->
                      Conv(8, 3x3, pad 1)+Relu+MaxPool(2) ->
                      Conv(16, 3x3, pad 1)+Relu+MaxPool(2) -> Flatten ->
                      Gemm(784 -> 10) -> logits float32 [batch, 10]. About 37 KB: committed.
  */model.json        manifest for each, in the same style as the iris sample.
  */reference.json    a seeded input and the numpy-computed expected output,
                      so a C# test can check ONNX Runtime against numpy.

Why: Cloud's benchmarks need models whose cost is dominated by real compute
(dense matmuls for the MLP, convolutions for the CNN) while staying
reproducible without any training data. The weights are meaningless but
deterministic: each model has its own fixed seed, so `--only mlp` produces the
same bytes as `--only all`, and rerunning reproduces every file byte for byte.

Usage:
  /usr/bin/python3 samples/models/bench/generate.py [--out DIR] [--only mlp|cnn|all]
"""

import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
OPSET = 17
IR_VERSION = 8
GENERATOR = "samples/models/bench/generate.py"

# One seed per model, so generating one model never shifts another's weights.
MLP_SEED = 1001
CNN_SEED = 1002

# Tolerance a consumer should use when comparing ORT output with reference.json:
# |actual - expected| <= absolute + relative * |expected|. The absolute floor
# keeps values near zero (tiny softmax outputs, logits close to 0) from making
# a purely relative check fail on harmless float32 rounding differences.
RELATIVE_TOLERANCE = 1e-4
ABSOLUTE_TOLERANCE = 1e-6


# --------------------------------------------------------------------------
# helpers


def he_normal(rng, shape, fan_in):
    """He (Kaiming) normal init: keeps activations O(1) through Relu layers,
    so outputs are neither all zero nor overflowing."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def small_bias(rng, n):
    # Non-zero biases, so a runtime that dropped a bias would fail the reference check.
    return (rng.standard_normal(n) * 0.1).astype(np.float32)


def make_model(graph, doc):
    model = helper.make_model(
        graph,
        producer_name="cloud-samples-bench",
        producer_version="1.0",
        model_version=1,
        ir_version=IR_VERSION,
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=doc,
    )
    helper.set_model_props(model, {"generator": GENERATOR})
    onnx.checker.check_model(model, full_check=True)
    return model


def f32_list(a):
    """float32 array -> flat list of Python floats with 9 significant digits,
    which is enough to round-trip every float32 exactly, and shorter than
    the float64 repr of the same value."""
    return [float("%.9g" % v) for v in np.asarray(a, dtype=np.float32).ravel()]


def dumps(obj, indent=0):
    """JSON with 2-space indentation like json.dumps(indent=2), except that
    lists of numbers stay on one line: reference data would otherwise take one
    line per number."""
    pad = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = ['%s  %s: %s' % (pad, json.dumps(k), dumps(v, indent + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and not all(isinstance(v, (int, float)) for v in obj):
        items = ["%s  %s" % (pad, dumps(v, indent + 1)) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj)


def write_json(path, obj, compact_arrays=False):
    text = dumps(obj) if compact_arrays else json.dumps(obj, indent=2)
    with open(path, "w", newline="") as f:
        f.write(text + "\n")


def reference(model_seed, input_name, x, output_name, y, note):
    return {
        "description": note,
        "seed": model_seed,
        "tolerance": {
            "relative": RELATIVE_TOLERANCE,
            "absolute": ABSOLUTE_TOLERANCE,
            "rule": "|actual - expected| <= absolute + relative * |expected|",
        },
        "inputs": {input_name: {"type": "float32", "shape": list(x.shape), "data": f32_list(x)}},
        "outputs": {output_name: {"type": "float32", "shape": list(y.shape), "data": f32_list(y)}},
    }


def manifest(name, description, hyper, seed):
    # Same key order as samples/models/iris/model.json, minus what does not
    # apply: no classNames (the classes are meaningless), no inputs (there are
    # no feature names; the model itself declares its input) and no
    # validation section (there is no data set).
    return {
        "name": name,
        "version": "1.0.0",
        "format": "onnx",
        "modelFile": "model.onnx",
        "task": "classification",
        "description": description,
        "lineage": {
            "trainer": GENERATOR,
            "hyperParameters": hyper,
            "seed": seed,
        },
    }


# --------------------------------------------------------------------------
# MLP


MLP_SIZES = [256, 1024, 1024, 10]


def mlp(out_dir):
    rng = np.random.default_rng(MLP_SEED)
    # Weights stored [out, in] and used with transB=1, the layout PyTorch
    # exporters produce, so the benchmark exercises the common Gemm path.
    weights, biases = [], []
    for fan_in, fan_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        weights.append(he_normal(rng, (fan_out, fan_in), fan_in))
        biases.append(small_bias(rng, fan_out))
    x = rng.standard_normal((2, MLP_SIZES[0])).astype(np.float32)

    inits, nodes = [], []
    cur = "x"
    n_layers = len(weights)
    for i, (w, b) in enumerate(zip(weights, biases)):
        inits += [numpy_helper.from_array(w, "fc%d.weight" % (i + 1)),
                  numpy_helper.from_array(b, "fc%d.bias" % (i + 1))]
        gemm_out = "fc%d" % (i + 1) if i < n_layers - 1 else "logits"
        nodes.append(helper.make_node(
            "Gemm", [cur, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1)], [gemm_out],
            name="fc%d" % (i + 1), transB=1))
        cur = gemm_out
        if i < n_layers - 1:
            nodes.append(helper.make_node("Relu", [cur], ["relu%d" % (i + 1)], name="relu%d" % (i + 1)))
            cur = "relu%d" % (i + 1)
    nodes.append(helper.make_node("Softmax", [cur], ["y"], name="softmax", axis=-1))
    graph = helper.make_graph(
        nodes, "bench_mlp",
        inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", MLP_SIZES[0]])],
        outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", MLP_SIZES[-1]])],
        initializer=inits)
    model = make_model(graph, "Benchmark MLP 256-1024-1024-10 with random weights.")

    # Reference in float64 from the float32 weights, then cast to float32.
    h = x.astype(np.float64)
    for i, (w, b) in enumerate(zip(weights, biases)):
        h = h @ w.astype(np.float64).T + b.astype(np.float64)
        if i < n_layers - 1:
            h = np.maximum(h, 0.0)
    e = np.exp(h - h.max(axis=1, keepdims=True))
    y = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    write_json(os.path.join(out_dir, "model.json"), manifest(
        "bench-mlp",
        "Benchmark MLP 256 -> 1024 -> 1024 -> 10 (Relu, softmax output) with random "
        "He-initialized weights; not trained, for throughput and latency measurements.",
        {"layers": MLP_SIZES, "init": "he-normal", "biasStd": 0.1}, MLP_SEED))
    write_json(os.path.join(out_dir, "reference.json"), reference(
        MLP_SEED, "x", x, "y", y,
        "2 standard-normal input rows and the softmax output computed by numpy in "
        "float64 from the float32 weights, then cast to float32."), compact_arrays=True)
    return os.path.join(out_dir, "model.onnx")


# --------------------------------------------------------------------------
# CNN


def conv2d_same3x3(x, w, b):
    """numpy Conv, 3x3 kernel, stride 1, pad 1 (float64). x [N,C,H,W], w [M,C,3,3]."""
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # N,C,H,W,3,3
    return np.einsum("nchwij,mcij->nmhw", win, w) + b[None, :, None, None]


def maxpool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def cnn(out_dir):
    rng = np.random.default_rng(CNN_SEED)
    w1 = he_normal(rng, (8, 1, 3, 3), 1 * 9)
    b1 = small_bias(rng, 8)
    w2 = he_normal(rng, (16, 8, 3, 3), 8 * 9)
    b2 = small_bias(rng, 16)
    w3 = he_normal(rng, (10, 16 * 7 * 7), 16 * 7 * 7)
    b3 = small_bias(rng, 10)
    # One "image" with pixel values in [0, 1), like a normalized grayscale digit.
    x = rng.random((1, 1, 28, 28)).astype(np.float32)

    inits = [numpy_helper.from_array(a, n) for a, n in [
        (w1, "conv1.weight"), (b1, "conv1.bias"), (w2, "conv2.weight"), (b2, "conv2.bias"),
        (w3, "fc.weight"), (b3, "fc.bias")]]
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    pool = dict(kernel_shape=[2, 2], strides=[2, 2])
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight", "conv1.bias"], ["conv1"], name="conv1", **conv),
        helper.make_node("Relu", ["conv1"], ["relu1"], name="relu1"),
        helper.make_node("MaxPool", ["relu1"], ["pool1"], name="pool1", **pool),
        helper.make_node("Conv", ["pool1", "conv2.weight", "conv2.bias"], ["conv2"], name="conv2", **conv),
        helper.make_node("Relu", ["conv2"], ["relu2"], name="relu2"),
        helper.make_node("MaxPool", ["relu2"], ["pool2"], name="pool2", **pool),
        helper.make_node("Flatten", ["pool2"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "bench_cnn",
        inputs=[helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 28, 28])],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
        initializer=inits)
    model = make_model(graph, "Benchmark CNN for 28x28 grayscale images with random weights.")

    h = conv2d_same3x3(x.astype(np.float64), w1.astype(np.float64), b1.astype(np.float64))
    h = maxpool2(np.maximum(h, 0.0))
    h = conv2d_same3x3(h, w2.astype(np.float64), b2.astype(np.float64))
    h = maxpool2(np.maximum(h, 0.0))
    h = h.reshape(h.shape[0], -1)  # Flatten(axis=1): C-order, same as ONNX
    y = (h @ w3.astype(np.float64).T + b3.astype(np.float64)).astype(np.float32)

    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    write_json(os.path.join(out_dir, "model.json"), manifest(
        "bench-cnn",
        "Benchmark CNN for 1x28x28 images: two Conv+Relu+MaxPool blocks and a dense "
        "layer to 10 logits, with random He-initialized weights; not trained.",
        {"conv": [8, 16], "kernel": 3, "pool": 2, "classes": 10, "init": "he-normal",
         "biasStd": 0.1},
        CNN_SEED))
    write_json(os.path.join(out_dir, "reference.json"), reference(
        CNN_SEED, "image", x, "logits", y,
        "1 image with uniform [0, 1) pixels and the logits computed by numpy in float64 "
        "from the float32 weights, then cast to float32."), compact_arrays=True)
    return os.path.join(out_dir, "model.onnx")


def main():
    ap = argparse.ArgumentParser(description="Generate Cloud's benchmark ONNX models.")
    ap.add_argument("--out", default=SCRIPT_DIR, help="output folder (default: %(default)s)")
    ap.add_argument("--only", choices=["mlp", "cnn", "all"], default="all")
    args = ap.parse_args()
    if args.only in ("mlp", "all"):
        p = mlp(os.path.join(args.out, "mlp"))
        print("wrote %s (%d bytes)" % (p, os.path.getsize(p)))
    if args.only in ("cnn", "all"):
        p = cnn(os.path.join(args.out, "cnn"))
        print("wrote %s (%d bytes)" % (p, os.path.getsize(p)))


if __name__ == "__main__":
    main()
