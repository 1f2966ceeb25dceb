#!/usr/bin/python3
"""
Expected values of one training step of small networks, computed with PyTorch autograd, for the
ONNX training engine's tests (lib/ml/onnx-training/torch-fixtures.test.ts). Run once where torch
is installed (Debian: apt-get install python3-torch) and commit the JSON: a fresh machine has no
torch.

    /usr/bin/python3 test-support/ml/make-torch-fixtures.py > test-support/ml/torch-fixtures.json

Inputs and weights are not stored: both sides compute them from the same formula
(`fixture_values` here, `fixtureValues` in test-support/ml/fixture-values.ts), rounded to
float32. Each network is written as the engine's NetworkSpec (layers in order, then softmax heads
on the trunk's vector); the loss is sum_i classWeight[y_i] * CE_i / N with label -1 ignored,
which is F.cross_entropy(weight=..., ignore_index=-1, reduction="sum") / N.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def fixture_values(count, seed, scale):
    # Same formula as fixtureValues() in TypeScript; float64 sin, then float32.
    return torch.tensor([scale * math.sin(0.7137 * i + 1.37 * seed) * math.cos(0.1931 * i - seed) for i in range(count)], dtype=torch.float32)


def conv_block(index, filters):
    """conv (3x3) -> batchNorm -> relu: the unit both networks are built from."""
    return [
        {"kind": "conv", "name": f"conv{index}", "filters": filters, "kernel": 3},
        {"kind": "batchNorm", "name": f"bn{index}"},
        {"kind": "relu"},
    ]


def dense_tail(dropout_rate):
    """The shared dense layer the heads read, as in the cnn baseline."""
    return [{"kind": "dense", "name": "shared", "units": 5}, {"kind": "relu"}, {"kind": "dropout", "name": "dropout", "rate": dropout_rate}]


# The challenge's three tasks (lib/challenge/definition.ts).
HEADS = [{"name": "Gender", "classes": 2}, {"name": "Hair_Color", "classes": 5}, {"name": "Hair_Type", "classes": 3}]
MAX_POOL = {"kind": "maxPool", "size": 2}

CASES = [
    {
        "spec": {
            "name": "reference_like",
            "input": [14, 12, 3],
            "layers": [
                *conv_block(1, 4),
                MAX_POOL,
                *conv_block(2, 6),
                MAX_POOL,
                *conv_block(3, 8),
                {"kind": "globalAvgPool"},
                *dense_tail(0.25),
            ],
            "heads": HEADS,
        },
        "batch": 4,
        "labels": [[0, 1, -1, 1], [4, -1, 0, 2], [1, 2, 0, -1]],
        "classWeights": [[1.0, 2.0], [0.5, 1.0, 1.5, 2.0, 3.0], [1.0, 1.0, 0.25]],
    },
    {
        "spec": {
            "name": "baseline_like",
            "input": [18, 15, 3],
            "layers": [
                {"kind": "avgPool", "size": 3},
                *conv_block(1, 4),
                MAX_POOL,
                *conv_block(2, 6),
                {"kind": "flatten"},
                *dense_tail(0.5),
            ],
            "heads": HEADS,
        },
        "batch": 5,
        "labels": [[0, 1, 1, -1, 0], [3, 1, -1, 0, 2], [-1, 2, 0, 1, 1]],
        "classWeights": [[1.5, 0.5], [1.0, 1.0, 2.0, 0.5, 1.0], [0.3, 1.0, 2.0]],
    },
]

EPS = 1e-3


def run_case(case):
    spec = case["spec"]
    n = case["batch"]
    h, w, c = spec["input"]
    x = fixture_values(n * h * w * c, 1, 1.0).reshape(n, h, w, c).permute(0, 3, 1, 2)
    params = {}
    seed = 10

    def param(name, shape, scale):
        nonlocal seed
        seed += 1
        count = 1
        for d in shape:
            count *= d
        t = fixture_values(count, seed, scale).reshape(shape)
        t.requires_grad_(True)
        params[name] = t
        return t

    cur = x
    channels = c
    stats = {}
    mask_seed = 100
    for layer in spec["layers"]:
        kind = layer["kind"]
        if kind == "conv":
            k = layer["kernel"]
            wt = param(layer["name"] + ".kernel", [layer["filters"], channels, k, k], math.sqrt(2.0 / (channels * k * k)))
            cur = F.conv2d(cur, wt, padding=(k - 1) // 2)
            channels = layer["filters"]
        elif kind == "batchNorm":
            gamma = param(layer["name"] + ".gamma", [channels], 0.3)
            beta = param(layer["name"] + ".beta", [channels], 0.2)
            with torch.no_grad():
                gamma += 1.0
            mean = cur.detach().mean(dim=(0, 2, 3))
            var = cur.detach().var(dim=(0, 2, 3), unbiased=False)
            stats[layer["name"]] = (mean, var)
            cur = F.batch_norm(cur, None, None, gamma, beta, training=True, eps=EPS)
        elif kind == "relu":
            cur = F.relu(cur)
        elif kind == "maxPool":
            cur = F.max_pool2d(cur, layer["size"])
        elif kind == "avgPool":
            cur = F.avg_pool2d(cur, layer["size"])
        elif kind == "globalAvgPool":
            cur = cur.mean(dim=(2, 3))
        elif kind == "flatten":
            cur = cur.flatten(1)
        elif kind == "dense":
            fan_in = cur.shape[1]
            wt = param(layer["name"] + ".kernel", [fan_in, layer["units"]], math.sqrt(2.0 / fan_in))
            b = param(layer["name"] + ".bias", [layer["units"]], 0.1)
            cur = cur @ wt + b
        elif kind == "dropout":
            mask_seed += 1
            u = fixture_values(cur.numel(), mask_seed, 1.0).reshape(cur.shape)
            # Keep where |u| >= rate-quantile proxy: a value in [0,1) compared with the rate.
            keep = ((u.abs() * 7.0) % 1.0 >= layer["rate"]).float() / (1.0 - layer["rate"])
            cur = cur * keep
        else:
            raise ValueError(kind)
    features = cur
    losses = []
    for k, head in enumerate(spec["heads"]):
        wt = param(head["name"] + ".kernel", [features.shape[1], head["classes"]], math.sqrt(6.0 / (features.shape[1] + head["classes"])))
        b = param(head["name"] + ".bias", [head["classes"]], 0.1)
        logits = features @ wt + b
        y = torch.tensor(case["labels"][k])
        cw = torch.tensor(case["classWeights"][k], dtype=torch.float32)
        losses.append(F.cross_entropy(logits, y, weight=cw, ignore_index=-1, reduction="sum") / n)
    loss = sum(losses)
    loss.backward()
    r = lambda t: [float("%.8g" % v) for v in t.detach().reshape(-1).tolist()]
    return {
        **case,
        "xChecksum": float(x.double().sum()),
        "loss": float(loss),
        "losses": [float(l) for l in losses],
        "gradients": {name: r(t.grad) for name, t in params.items()},
        "batchMean": {name: r(m) for name, (m, v) in stats.items()},
        "batchVar": {name: r(v) for name, (m, v) in stats.items()},
    }


json.dump({"generator": "test-support/ml/make-torch-fixtures.py", "torch": torch.__version__, "cases": [run_case(c) for c in CASES]}, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
