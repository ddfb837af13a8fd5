#!/usr/bin/python3
"""Train a small PyTorch MLP classifier on a CSV dataset and export it to ONNX.

A sample trainer for Cloud's train job (docs/jobs.md, "Train"). It follows the
trainer contract:

  CLOUD_DATASET  the training data: a CSV file with a header; the label column
                 (hyper-parameter label_column, default "species") holds class
                 names, every other column is a numeric feature
  CLOUD_OUTPUT   the folder it writes the model folder into: model.onnx,
                 model.json, validation.csv (the held-out rows)
  CLOUD_HPARAMS  a JSON object of hyper-parameters: epochs, hidden,
                 learning_rate, weight_decay, seed, validation_fraction,
                 label_column
  CLOUD_METRICS  the curve: it appends one JSON object per epoch (epoch, loss,
                 accuracy on the training rows, validation accuracy), flushed
                 at once so the job sees the curve grow
  CLOUD_MODEL    the model's name for model.json (the job sets the version)

It trains on the GPU when torch.cuda.is_available() (CUDA_VISIBLE_DEVICES, set
by the job from its GPU request, decides which devices it sees; "" means CPU),
and exports from the CPU so the ONNX file is the same wherever it trained.

The graph: features float32 [batch, n] -> standardize (training mean and std,
inside the graph) -> Linear -> ReLU -> Linear -> ReLU -> Linear -> Softmax:
probabilities float32 [batch, classes]; label int64 [batch] = argmax.

Needs Debian's python3-torch (and python3-numpy). Without the CLOUD_*
variables it runs on samples/data/iris.csv and writes to --out:

  /usr/bin/python3 samples/trainers/torch-mlp/train.py --out /tmp/iris-mlp
"""

import argparse
import csv
import json
import os
import sys

import numpy as np
import torch
from torch import nn

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(SCRIPT_DIR, "..", "..", ".."))
DEFAULT_DATA = os.path.join(REPO_ROOT, "samples", "data", "iris.csv")
OPSET = 17


def hyper_parameters():
    """CLOUD_HPARAMS when set, with the sample's defaults for what it leaves out."""
    given = {}
    if os.environ.get("CLOUD_HPARAMS"):
        with open(os.environ["CLOUD_HPARAMS"]) as f:
            given = json.load(f)
    return {
        "epochs": int(given.get("epochs", 300)),
        "hidden": int(given.get("hidden", 16)),
        "learning_rate": float(given.get("learning_rate", given.get("learningRate", 0.01))),
        "weight_decay": float(given.get("weight_decay", 0.0001)),
        "seed": int(given.get("seed", 7)),
        "validation_fraction": float(given.get("validation_fraction", 0.2)),
        "label_column": str(given.get("label_column", "species")),
    }


def load(path, label_column):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        rows = [r for r in reader if r]
    if label_column not in header:
        sys.exit("the dataset has no column '%s'; its columns are: %s" % (label_column, ", ".join(header)))
    label_at = header.index(label_column)
    features = [h for i, h in enumerate(header) if i != label_at]
    classes = sorted({r[label_at].strip() for r in rows})
    x = np.array([[float(v) for i, v in enumerate(r) if i != label_at] for r in rows], dtype=np.float32)
    y = np.array([classes.index(r[label_at].strip()) for r in rows], dtype=np.int64)
    return header, rows, features, classes, x, y


def split(y, fraction, seed):
    """Stratified: per class, a seeded shuffle; the first `fraction` held out."""
    rng = np.random.default_rng(seed)
    train, held = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        cut = max(1, int(round(len(idx) * fraction)))
        held.extend(idx[:cut])
        train.extend(idx[cut:])
    return np.sort(np.array(train)), np.sort(np.array(held))


class Classifier(nn.Module):
    """Standardization, the MLP and the softmax in one module, so the exported
    graph takes raw features and answers probabilities and a label."""

    def __init__(self, mean, std, inputs, hidden, classes):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean))
        self.register_buffer("std", torch.tensor(std))
        self.mlp = nn.Sequential(
            nn.Linear(inputs, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, classes))

    def logits(self, features):
        return self.mlp((features - self.mean) / self.std)

    def forward(self, features):
        probabilities = torch.softmax(self.logits(features), dim=1)
        return probabilities, torch.argmax(probabilities, dim=1)


def main():
    hp = hyper_parameters()
    ap = argparse.ArgumentParser(description="Train a PyTorch MLP classifier and export ONNX.")
    ap.add_argument("--data", default=os.environ.get("CLOUD_DATASET") or DEFAULT_DATA)
    ap.add_argument("--out", default=os.environ.get("CLOUD_OUTPUT"))
    ap.add_argument("--epochs", type=int, default=hp["epochs"])
    args = ap.parse_args()
    if not args.out:
        ap.error("--out is required when CLOUD_OUTPUT is not set")

    torch.manual_seed(hp["seed"])
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    print("device: %s%s" % (device, " (%s)" % torch.cuda.get_device_name(0) if device.type == "cuda" else ""), flush=True)

    header, rows, features, classes, x, y = load(args.data, hp["label_column"])
    tr, va = split(y, hp["validation_fraction"], hp["seed"])
    mean = x[tr].mean(axis=0)
    std = x[tr].std(axis=0)
    std[std == 0] = 1.0

    model = Classifier(mean, std, len(features), hp["hidden"], len(classes)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=hp["learning_rate"], weight_decay=hp["weight_decay"])
    loss_of = nn.CrossEntropyLoss()
    x_tr, y_tr = torch.tensor(x[tr], device=device), torch.tensor(y[tr], device=device)
    x_va, y_va = torch.tensor(x[va], device=device), torch.tensor(y[va], device=device)

    curve = open(os.environ["CLOUD_METRICS"], "a") if os.environ.get("CLOUD_METRICS") else None
    for epoch in range(args.epochs):
        model.train()
        optimizer.zero_grad()
        logits = model.logits(x_tr)
        loss = loss_of(logits, y_tr)
        loss.backward()
        optimizer.step()
        if curve is not None:
            model.eval()
            with torch.no_grad():
                accuracy = (logits.argmax(dim=1) == y_tr).float().mean().item()
                validation = (model.logits(x_va).argmax(dim=1) == y_va).float().mean().item()
            curve.write(json.dumps({"epoch": epoch, "loss": round(loss.item(), 6), "accuracy": round(accuracy, 6),
                                    "validation_accuracy": round(validation, 6)}) + "\n")
            curve.flush()

    model = model.to("cpu").eval()
    os.makedirs(args.out, exist_ok=True)
    torch.onnx.export(
        model, (torch.zeros(1, len(features)),), os.path.join(args.out, "model.onnx"),
        input_names=["features"], output_names=["probabilities", "label"],
        dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}, "label": {0: "batch"}},
        opset_version=OPSET)

    with open(os.path.join(args.out, "validation.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows[i] for i in va)

    manifest = {
        "name": os.environ.get("CLOUD_MODEL") or "iris-mlp",
        "version": "1.0.0",
        "format": "onnx",
        "modelFile": "model.onnx",
        "task": "classification",
        "classNames": classes,
        "inputs": {"features": {"featureNames": features}},
        "description": "A PyTorch MLP (%d-%d-%d-%d) with standardization in the graph." % (len(features), hp["hidden"], hp["hidden"], len(classes)),
        "validation": {
            "dataset": "validation.csv",
            "labelColumn": hp["label_column"],
            "metrics": ["accuracy", "logloss"],
            "thresholds": {"accuracy": 0.9},
        },
        "lineage": {
            "trainer": "samples/trainers/torch-mlp/train.py",
            "seed": hp["seed"],
            "hyperParameters": {k: v for k, v in hp.items()},
        },
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        f.write(json.dumps(manifest, indent=2) + "\n")

    with torch.no_grad():
        _, label = model(torch.tensor(x[va]))
    print("validation accuracy: %.4f (%d rows), torch %s" % (float((label.numpy() == y[va]).mean()), len(va), torch.__version__), flush=True)


if __name__ == "__main__":
    main()
