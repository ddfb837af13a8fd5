#!/usr/bin/python3
"""Convert scikit-learn's packaged iris.csv into samples/data/iris.csv.

Why: the samples need Fisher's Iris data with a self-describing header and the
species spelled out, but the data must come from a trustworthy source rather
than be typed from memory. Debian's python3-sklearn package ships the file as
``sklearn/datasets/data/iris.csv`` with a different layout:

    150,4,setosa,versicolor,virginica     <- n_samples, n_features, class names
    5.1,3.5,1.4,0.2,0                     <- 4 features + class index

This script rewrites it as

    sepal_length,sepal_width,petal_length,petal_width,species
    5.1,3.5,1.4,0.2,setosa

keeping every numeric field byte-for-byte as written in the source (no float
round-tripping), so the output is deterministic.

Usage (from anywhere):
    cd /tmp && apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb skl
    /usr/bin/python3 samples/data/convert_iris.py \
        /tmp/skl/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv [--out PATH]
"""

import argparse
import csv
import os

HEADER = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "iris.csv")


def convert(src_path, out_path):
    with open(src_path, newline="") as f:
        rows = list(csv.reader(f))
    n_samples, n_features = int(rows[0][0]), int(rows[0][1])
    class_names = rows[0][2:]
    body = rows[1:]
    # Sanity checks: fail loudly if the packaged file ever changes shape.
    assert n_features == 4, n_features
    assert class_names == ["setosa", "versicolor", "virginica"], class_names
    assert len(body) == n_samples == 150, (len(body), n_samples)
    out_rows = []
    for r in body:
        assert len(r) == 5, r
        for v in r[:4]:
            float(v)  # validate only; the original text is kept as-is
        out_rows.append(r[:4] + [class_names[int(r[4])]])
    # Write with explicit "\n" so the file is identical on every platform.
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(out_rows)
    return len(out_rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="path to sklearn/datasets/data/iris.csv")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output CSV (default: %(default)s)")
    args = ap.parse_args()
    n = convert(args.source, args.out)
    print("wrote %d rows to %s" % (n, args.out))


if __name__ == "__main__":
    main()
