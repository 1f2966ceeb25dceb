#!/usr/bin/python3
"""
PyTorch's side of bench/training.ts: trains the same model as the ONNX engine (the reference CNN
or the cnn baseline's model, described by the JSON spec of lib/ml/onnx-training/network-spec.ts)
on random data with Adam and three softmax heads, on the CPU with N threads, and prints one JSON
line {"imagesPerSecond", "bestImagesPerSecond", "imagesPerCpuSecond", "steps", "batch"}.

    /usr/bin/python3 bench/training-pytorch.py '<spec json>' --batch 64 --steps 4 --warmup 2 --threads 2
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("spec")
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--steps", type=int, default=4)
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
spec = json.loads(args.spec)


class Net(nn.Module):
    def __init__(self, spec):
        super().__init__()
        h, w, c = spec["input"]
        layers = []
        shape = (c, h, w)
        for layer in spec["layers"]:
            kind = layer["kind"]
            if kind == "conv":
                k = layer["kernel"]
                layers.append(nn.Conv2d(shape[0], layer["filters"], k, padding=(k - 1) // 2, bias=False))
                shape = (layer["filters"], shape[1], shape[2])
            elif kind == "batchNorm":
                layers.append(nn.BatchNorm2d(shape[0], eps=1e-3, momentum=0.01))
            elif kind == "relu":
                layers.append(nn.ReLU())
            elif kind in ("maxPool", "avgPool"):
                s = layer["size"]
                layers.append(nn.MaxPool2d(s) if kind == "maxPool" else nn.AvgPool2d(s))
                shape = (shape[0], shape[1] // s, shape[2] // s)
            elif kind == "globalAvgPool":
                layers.append(nn.AdaptiveAvgPool2d(1))
                layers.append(nn.Flatten())
                shape = (shape[0],)
            elif kind == "flatten":
                layers.append(nn.Flatten())
                shape = (math.prod(shape),)
            elif kind == "dense":
                layers.append(nn.Linear(shape[0], layer["units"]))
                shape = (layer["units"],)
            elif kind == "dropout":
                layers.append(nn.Dropout(layer["rate"]))
        self.trunk = nn.Sequential(*layers)
        self.heads = nn.ModuleList([nn.Linear(shape[0], head["classes"]) for head in spec["heads"]])

    def forward(self, x):
        f = self.trunk(x)
        return [head(f) for head in self.heads]


model = Net(spec)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
h, w, c = spec["input"]
n = args.batch
# NHWC images as the engine gets them, permuted once (the permute is part of each step, as the
# engine's Transpose is).
x_nhwc = torch.rand(n, h, w, c) * 2 - 1
labels = [torch.randint(0, head["classes"], (n,)) for head in spec["heads"]]


def step():
    optimizer.zero_grad(set_to_none=True)
    x = x_nhwc.permute(0, 3, 1, 2).contiguous()
    outs = model(x)
    loss = sum(F.cross_entropy(o, y) for o, y in zip(outs, labels))
    loss.backward()
    optimizer.step()


model.train()
for _ in range(args.warmup):
    step()
times = []
cpu0 = resource.getrusage(resource.RUSAGE_SELF)
for _ in range(args.steps):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
print(json.dumps({"imagesPerSecond": n * len(times) / sum(times), "bestImagesPerSecond": n / min(times), "imagesPerCpuSecond": n * len(times) / cpu, "steps": len(times), "batch": n, "torch": torch.__version__}))
