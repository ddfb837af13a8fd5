#!/usr/bin/python3
"""Train the Iris sample model (softmax logistic regression) and export ONNX.

What it makes (in --out, default samples/models/iris/):
  model.onnx      the model: features float32 [batch, 4] ->
                  probabilities float32 [batch, 3] and label int64 [batch].
                  The feature standardization is part of the graph, so callers
                  send raw centimetre measurements.
  validation.csv  the 30 held-out rows (10 per species), same layout as
                  samples/data/iris.csv, for the toolkit's validation step.
  expected.csv    the probabilities and label for those 30 rows, computed by
                  numpy in float32 mirroring the graph's arithmetic, so a C#
                  test can check ONNX Runtime's output against them.
  model.json      a first-draft model manifest for the toolkit.

Why: Cloud needs a small, real, reproducible classifier to serve in samples
and tests. Only numpy and onnx are used (Debian's python3-numpy and
python3-onnx), and every step is seeded, so rerunning with the default
arguments reproduces the committed files byte for byte.

Usage:
  /usr/bin/python3 samples/trainers/logreg/train.py [--data samples/data/iris.csv]
      [--out samples/models/iris] [--epochs N] [--learning-rate X] [--l2 X] [--seed N]

Relative --data/--out paths are taken relative to the current directory (so
repo-relative paths work from the repo root); the defaults are resolved from
this script's location, so a plain run works from anywhere.

As a Cloud train job's trainer (docs/jobs.md, "Train") it follows the trainer
contract: CLOUD_DATASET is the data, CLOUD_OUTPUT the folder to write the model
folder into, CLOUD_HPARAMS a JSON object of hyper-parameters (epochs,
learning_rate or learningRate, l2, seed), CLOUD_MODEL the model's name, and
CLOUD_METRICS the curve file, to which it appends one JSON object every
METRICS_EVERY epochs and after the last. Command-line flags still win over
them. Without those variables nothing changes: the committed files are
reproduced byte for byte.
"""

import argparse
import csv
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(SCRIPT_DIR, "..", "..", ".."))
DEFAULT_DATA = os.path.join(REPO_ROOT, "samples", "data", "iris.csv")
DEFAULT_OUT = os.path.join(REPO_ROOT, "samples", "models", "iris")

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CLASSES = ["setosa", "versicolor", "virginica"]
TRAIN_PER_CLASS = 40
VALIDATION_PER_CLASS = 10

# Defaults that produce the committed model. Features are standardized, so a
# large step size is stable; the small L2 term keeps the weights finite on the
# linearly separable setosa class.
DEFAULT_EPOCHS = 2000
DEFAULT_LEARNING_RATE = 0.5
DEFAULT_L2 = 0.001
DEFAULT_SEED = 42

OPSET = 17
IR_VERSION = 8

# How often the curve gets a point under the trainer contract (CLOUD_METRICS).
METRICS_EVERY = 100


def repo_relative(path):
    """Path as recorded in metadata: repo-relative with '/' when inside the repo,
    so the committed files do not depend on where the repo is checked out."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path, REPO_ROOT)
    if rel.startswith(".."):
        return path
    return rel.replace(os.sep, "/")


def load_iris(path):
    """Return (raw rows as text, float64 features [n,4], int labels [n])."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == FEATURES + ["species"], header
        rows = [r for r in reader if r]
    x = np.array([[float(v) for v in r[:4]] for r in rows], dtype=np.float64)
    y = np.array([CLASSES.index(r[4]) for r in rows], dtype=np.int64)
    return rows, x, y


def stratified_split(y, seed):
    """Seeded stratified split: per class, shuffle that class's row indices and
    take the first TRAIN_PER_CLASS for training and the next
    VALIDATION_PER_CLASS for validation. Indices are returned sorted so the
    written validation.csv keeps the data file's order (easier to eyeball)."""
    rng = np.random.default_rng(seed)
    train, val = [], []
    for c in range(len(CLASSES)):
        idx = np.flatnonzero(y == c)
        assert len(idx) >= TRAIN_PER_CLASS + VALIDATION_PER_CLASS, (c, len(idx))
        idx = rng.permutation(idx)
        train.extend(idx[:TRAIN_PER_CLASS])
        val.extend(idx[TRAIN_PER_CLASS:TRAIN_PER_CLASS + VALIDATION_PER_CLASS])
    return np.sort(np.array(train)), np.sort(np.array(val))


def softmax(z):
    # Subtract the row max first (as ONNX Runtime does) to avoid overflow.
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fit(x, y, epochs, learning_rate, l2, on_epoch=None):
    """Full-batch gradient descent on the mean cross-entropy plus
    (l2/2)*||W||^2 (the bias is not penalized), in float64.

    Weights start at zero: the loss is convex, so the start point does not
    change the optimum, and zero keeps the run independent of any RNG.
    on_epoch(epoch, p), when given, sees each epoch's probabilities before the
    step (it only reads them, so the result is the same with or without it)."""
    n, d = x.shape
    k = len(CLASSES)
    onehot = np.eye(k)[y]
    w = np.zeros((d, k))
    b = np.zeros(k)
    for epoch in range(epochs):
        p = softmax(x @ w + b)
        if on_epoch is not None:
            on_epoch(epoch, p, w)
        g = (p - onehot) / n  # d(mean CE)/d(logits)
        w -= learning_rate * (x.T @ g + l2 * w)
        b -= learning_rate * g.sum(axis=0)
    p = softmax(x @ w + b)
    loss = -np.mean(np.log(p[np.arange(n), y])) + 0.5 * l2 * np.sum(w * w)
    return w, b, loss


def build_onnx(mean, std, w, b, seed):
    """Graph: features -Sub(mean)-> -Div(std)-> -MatMul(W)-> -Add(b)->
    logits -Softmax-> probabilities -ArgMax-> label.

    ArgMax reads the probabilities (not the logits) so that the label always
    agrees with the probabilities output a caller sees."""
    inits = [
        numpy_helper.from_array(mean.astype(np.float32), "mean"),
        numpy_helper.from_array(std.astype(np.float32), "std"),
        numpy_helper.from_array(w.astype(np.float32), "W"),
        numpy_helper.from_array(b.astype(np.float32), "b"),
    ]
    nodes = [
        helper.make_node("Sub", ["features", "mean"], ["centered"], name="center"),
        helper.make_node("Div", ["centered", "std"], ["standardized"], name="scale"),
        helper.make_node("MatMul", ["standardized", "W"], ["scores"], name="matmul"),
        helper.make_node("Add", ["scores", "b"], ["logits"], name="bias"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1),
        helper.make_node("ArgMax", ["probabilities"], ["label"], name="argmax",
                         axis=1, keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "iris_logreg",
        inputs=[helper.make_tensor_value_info(
            "features", TensorProto.FLOAT, ["batch", len(FEATURES)],
            doc_string="raw measurements in cm: " + ",".join(FEATURES))],
        outputs=[
            helper.make_tensor_value_info(
                "probabilities", TensorProto.FLOAT, ["batch", len(CLASSES)],
                doc_string="class probabilities, columns " + ",".join(CLASSES)),
            helper.make_tensor_value_info(
                "label", TensorProto.INT64, ["batch"],
                doc_string="index of the most probable class"),
        ],
        initializer=inits,
        doc_string="standardize -> linear -> softmax; label = argmax",
    )
    model = helper.make_model(
        graph,
        producer_name="cloud-samples-logreg",
        producer_version="1.0",
        model_version=1,
        ir_version=IR_VERSION,
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string="Softmax logistic regression on Fisher's Iris data "
                   "(classes: " + ",".join(CLASSES) + ").",
    )
    helper.set_model_props(model, {
        "classes": ",".join(CLASSES),
        "trainer": "samples/trainers/logreg/train.py",
        "seed": str(seed),
    })
    onnx.checker.check_model(model, full_check=True)
    return model


def graph_forward_float32(x, mean, std, w, b):
    """numpy mirror of the graph, op by op, in float32 (what ORT computes)."""
    x = x.astype(np.float32)
    z = (x - mean.astype(np.float32)) / std.astype(np.float32)
    z = z @ w.astype(np.float32) + b.astype(np.float32)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    assert p.dtype == np.float32
    return p, np.argmax(p, axis=1).astype(np.int64)


def write_csv(path, header, rows):
    # Explicit "\n" line ends: identical bytes on every platform.
    with open(path, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)


def contract_defaults():
    """Defaults under Cloud's trainer contract: the CLOUD_* variables a train
    job sets, else the script's own defaults (so a plain run is unchanged)."""
    hparams = {}
    if os.environ.get("CLOUD_HPARAMS"):
        with open(os.environ["CLOUD_HPARAMS"]) as f:
            hparams = json.load(f)
    return {
        "data": os.environ.get("CLOUD_DATASET") or DEFAULT_DATA,
        "out": os.environ.get("CLOUD_OUTPUT") or DEFAULT_OUT,
        "epochs": int(hparams.get("epochs", DEFAULT_EPOCHS)),
        "learning_rate": float(hparams.get("learning_rate", hparams.get("learningRate", DEFAULT_LEARNING_RATE))),
        "l2": float(hparams.get("l2", DEFAULT_L2)),
        "seed": int(hparams.get("seed", DEFAULT_SEED)),
    }


class Curve:
    """Appends one JSON line per METRICS_EVERY epochs to CLOUD_METRICS, flushed
    at once so the job reads the curve while training runs."""

    def __init__(self, path, y, l2, epochs):
        self.file = open(path, "a") if path else None
        self.y, self.l2, self.epochs = y, l2, epochs

    def __call__(self, epoch, p, w):
        if self.file is None or (epoch % METRICS_EVERY and epoch != self.epochs - 1):
            return
        n = len(self.y)
        loss = -np.mean(np.log(p[np.arange(n), self.y])) + 0.5 * self.l2 * np.sum(w * w)
        accuracy = float(np.mean(np.argmax(p, axis=1) == self.y))
        self.file.write(json.dumps({"epoch": epoch, "loss": round(float(loss), 6),
                                    "accuracy": round(accuracy, 6)}) + "\n")
        self.file.flush()


def main():
    defaults = contract_defaults()
    ap = argparse.ArgumentParser(
        description="Train the Iris softmax-regression sample and export ONNX.")
    ap.add_argument("--data", default=defaults["data"], help="iris CSV (default: %(default)s)")
    ap.add_argument("--out", default=defaults["out"], help="output folder (default: %(default)s)")
    ap.add_argument("--epochs", type=int, default=defaults["epochs"])
    ap.add_argument("--learning-rate", type=float, default=defaults["learning_rate"])
    ap.add_argument("--l2", type=float, default=defaults["l2"])
    ap.add_argument("--seed", type=int, default=defaults["seed"])
    args = ap.parse_args()

    rows, x, y = load_iris(args.data)
    tr, va = stratified_split(y, args.seed)

    # Standardize with training statistics only (population std, ddof=0), so
    # nothing about the validation rows leaks into the model.
    mean = x[tr].mean(axis=0)
    std = x[tr].std(axis=0)
    curve = Curve(os.environ.get("CLOUD_METRICS"), y[tr], args.l2, args.epochs)
    w, b, loss = fit((x[tr] - mean) / std, y[tr], args.epochs, args.learning_rate, args.l2, curve)

    model = build_onnx(mean, std, w, b, args.seed)
    os.makedirs(args.out, exist_ok=True)
    onnx.save(model, os.path.join(args.out, "model.onnx"))

    # validation.csv: the held-out rows exactly as they appear in the data file.
    write_csv(os.path.join(args.out, "validation.csv"), FEATURES + ["species"],
              [rows[i] for i in va])

    # expected.csv: what the exported graph should output for validation.csv.
    # '%.9g' is enough digits to round-trip any float32 exactly.
    p_va, label_va = graph_forward_float32(x[va], mean, std, w, b)
    write_csv(os.path.join(args.out, "expected.csv"),
              ["p_" + c for c in CLASSES] + ["label"],
              [["%.9g" % v for v in p] + [str(int(l))] for p, l in zip(p_va, label_va)])

    manifest = {
        "name": os.environ.get("CLOUD_MODEL") or "iris",
        "version": "1.0.0",
        "format": "onnx",
        "modelFile": "model.onnx",
        "task": "classification",
        "classNames": CLASSES,
        "inputs": {"features": {"featureNames": FEATURES}},
        "description": "Softmax logistic regression classifying Iris flowers into "
                       "setosa, versicolor or virginica from four measurements in cm; "
                       "feature standardization is built into the graph.",
        "validation": {
            "dataset": "validation.csv",
            "labelColumn": "species",
            "metrics": ["accuracy"],
            "thresholds": {"accuracy": 0.9},
        },
        "lineage": {
            "trainer": "samples/trainers/logreg/train.py",
            "dataset": repo_relative(args.data),
            "hyperParameters": {
                "epochs": args.epochs,
                "learningRate": args.learning_rate,
                "l2": args.l2,
                "trainPerClass": TRAIN_PER_CLASS,
                "validationPerClass": VALIDATION_PER_CLASS,
            },
            "seed": args.seed,
        },
    }
    with open(os.path.join(args.out, "model.json"), "w", newline="") as f:
        f.write(json.dumps(manifest, indent=2) + "\n")

    # Accuracies as the exported float32 graph would score them.
    _, label_tr = graph_forward_float32(x[tr], mean, std, w, b)
    train_acc = float(np.mean(label_tr == y[tr]))
    val_acc = float(np.mean(label_va == y[va]))
    print("final training loss: %.6f" % loss)
    print("train accuracy:      %.4f (%d rows)" % (train_acc, len(tr)))
    print("validation accuracy: %.4f (%d rows)" % (val_acc, len(va)))
    # Under the trainer contract the output is a temporary folder of the worker's: the job's log (which the dashboard
    # shows) names the variable rather than that machine's path.
    shown = "CLOUD_OUTPUT" if args.out == os.environ.get("CLOUD_OUTPUT") else args.out
    print("wrote model.onnx, validation.csv, expected.csv, model.json to %s" % shown)


if __name__ == "__main__":
    main()
