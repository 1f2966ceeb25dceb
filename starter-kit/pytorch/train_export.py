"""Tiny Portraits: train a small multitask CNN with PyTorch on a CPU and export it to ONNX.

Requirements: Python 3.9+ with torch, numpy and pillow (pip install torch numpy pillow);
onnxruntime is optional (pip install onnxruntime): when present, the exported model is checked
against PyTorch before it is zipped.

    python train_export.py --data ../data --out out [--epochs 3] [--max-train-images N]

reads the challenge downloads from --data (Tiny_Portraits_Train.zip, Tiny_Portraits_Test.zip,
sample_submission.csv) and writes into --out:

    model.onnx                  the exported model
    manifest.json               how the platform feeds it images and reads its outputs
    tiny-portraits-onnx.zip     both together: upload this as a model
    predictions.csv             predictions for every test image: or upload this as a CSV

See README.md next to this file for what each part of the export and of the manifest means.
"""

import argparse
import csv
import inspect
import io
import json
import os
import random
import zipfile

import numpy as np
import torch
from PIL import Image
from torch import nn

ATTRIBUTES = ["Gender", "Hair_Color", "Hair_Type"]
# Canonical class order of each attribute; a head's output k is the score of CLASSES[attr][k].
CLASSES = {
    "Gender": ["female", "male"],
    "Hair_Color": ["black", "blond", "brown", "gray", "bald"],
    "Hair_Type": ["straight", "wavy", "bald"],
}
HEIGHT, WIDTH = 108, 84
# Channel statistics of the dataset on a 0..1 scale, used by Normalize below and in the manifest.
MEAN = [0.516, 0.412, 0.358]
STD = [0.268, 0.238, 0.229]

# The manifest submitted with model.onnx. It must describe exactly what to_model_input() does
# and the names passed to torch.onnx.export(). (It is written in JSON syntax on purpose: the
# same text is valid JSON, which the platform's tests check against its manifest schema.)
# --- manifest.json: begin
MANIFEST = {
    "format": "onnx",
    "model": "model.onnx",
    "input": {
        "name": "image",
        "layout": "NCHW",
        "scale": 0.00392156862745098,
        "mean": [0.516, 0.412, 0.358],
        "std": [0.268, 0.238, 0.229],
        "channelOrder": "RGB"
    },
    "outputs": {
        "Gender": {"output": "Gender", "classes": ["female", "male"]},
        "Hair_Color": {"output": "Hair_Color", "classes": ["black", "blond", "brown", "gray", "bald"]},
        "Hair_Type": {"output": "Hair_Type", "classes": ["straight", "wavy", "bald"]}
    },
    "name": "PyTorch starter CNN"
}
# --- manifest.json: end


def read_png(data):
    """PNG bytes -> uint8 array [108, 84, 3], RGB."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8)


def read_train(data_dir, max_images, seed):
    """Train images [N, 108, 84, 3] uint8 and per attribute the class index, -1 for n/a."""
    with zipfile.ZipFile(os.path.join(data_dir, "Tiny_Portraits_Train.zip")) as z:
        # csv keeps "n/a" as the string it is (pandas would turn it into NaN by default).
        with z.open("Tiny_Portraits_Attributes.csv") as f:
            rows = list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8-sig")))
        if max_images and max_images < len(rows):
            rows = random.Random(seed).sample(rows, max_images)
        x = np.empty((len(rows), HEIGHT, WIDTH, 3), dtype=np.uint8)
        for i, row in enumerate(rows):
            x[i] = read_png(z.read("Tiny_Portraits_Images/Tiny_Portrait_%06d.png" % int(row["Image_Index"])))
    y = {a: np.array([-1 if r[a] == "n/a" else CLASSES[a].index(r[a]) for r in rows], dtype=np.int64) for a in ATTRIBUTES}
    return x, y


def read_test(data_dir):
    """Test ids in sample_submission.csv order and their images."""
    with open(os.path.join(data_dir, "sample_submission.csv"), encoding="utf-8-sig", newline="") as f:
        ids = [row["Image_Id"] for row in csv.DictReader(f)]
    with zipfile.ZipFile(os.path.join(data_dir, "Tiny_Portraits_Test.zip")) as z:
        x = np.stack([read_png(z.read("Tiny_Portraits_Test/%s.png" % i)) for i in ids])
    return ids, x


def to_model_input(images):
    """uint8 [N, 108, 84, 3] -> float32 [N, 3, 108, 84]: ToTensor() then Normalize(MEAN, STD).

    This is what the manifest's input block declares (layout NCHW, scale 1/255, mean, std, RGB),
    and what the platform does to the hidden test images before calling the model.
    """
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float().div(255.0)
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


class MultitaskCnn(nn.Module):
    """A shared conv trunk (stride-2 stem, 4 conv blocks) and one linear head per attribute."""

    def __init__(self, channels=(16, 32, 64, 128)):
        super().__init__()
        layers, c_in = [], 3
        for i, c in enumerate(channels):
            layers += [nn.Conv2d(c_in, c, 3, stride=2 if i == 0 else 1, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            if i < len(channels) - 1:
                layers.append(nn.MaxPool2d(2))
            c_in = c
        self.trunk = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, 64), nn.ReLU(), nn.Dropout(0.25))
        self.heads = nn.ModuleList([nn.Linear(64, len(CLASSES[a])) for a in ATTRIBUTES])

    def forward(self, x):
        h = self.trunk(x)
        # Logits, one tensor per attribute, in ATTRIBUTES order (= output_names below).
        return tuple(head(h) for head in self.heads)


def class_weights(y, k):
    """Inverse class frequency over the known labels, capped at 10 (the score is a macro-F1)."""
    counts = np.bincount(y[y >= 0], minlength=k).astype(np.float64)
    w = np.where(counts > 0, counts.sum() / (k * np.maximum(counts, 1)), 0.0)
    return torch.tensor(np.minimum(w, 10.0), dtype=torch.float32)


def macro_f1(truth, pred, k):
    """The leaderboard's macro-F1: n/a rows skipped; classes present in truth or predictions."""
    known = truth >= 0
    t, p = truth[known], pred[known]
    f1s = []
    for c in range(k):
        tp, fp, fn = np.sum((t == c) & (p == c)), np.sum((t != c) & (p == c)), np.sum((t == c) & (p != c))
        if tp + fp + fn > 0:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s)) if f1s else None


def predict(model, images, batch_size=256):
    model.eval()
    out = {a: [] for a in ATTRIBUTES}
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(to_model_input(images[start:start + batch_size]))
            for a, l in zip(ATTRIBUTES, logits):
                out[a].append(l.argmax(1).numpy())
    return {a: np.concatenate(v) for a, v in out.items()}


def train(model, x, y, rows, epochs, batch_size, lr, seed):
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = {a: nn.CrossEntropyLoss(weight=class_weights(y[a][rows], len(CLASSES[a])), ignore_index=-1, reduction="sum") for a in ATTRIBUTES}
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(rows)
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            xb = to_model_input(x[batch])
            flip = torch.from_numpy(rng.random(len(batch)) < 0.5).view(-1, 1, 1, 1)
            xb = torch.where(flip, xb.flip(3), xb)  # random left-right flips
            outputs = model(xb)
            # Summed and divided by the batch size: a batch whose labels are all n/a adds 0, not NaN.
            loss = sum(losses[a](o, torch.from_numpy(y[a][batch])) for a, o in zip(ATTRIBUTES, outputs)) / len(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print("epoch %d/%d  loss %.4f" % (epoch, epochs, total / len(order)), end="", flush=True)
        yield epoch


def export_onnx(model, path):
    model.eval()
    dummy = torch.zeros(1, 3, HEIGHT, WIDTH)
    # torch >= 2.5 has two exporters; the classic (TorchScript) one takes dynamic_axes as is.
    # Older versions have only that one and no `dynamo` argument.
    exporter = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(
        model,
        (dummy,),
        path,
        input_names=["image"],
        output_names=["Gender", "Hair_Color", "Hair_Type"],
        dynamic_axes={"image": {0: "batch"}, "Gender": {0: "batch"}, "Hair_Color": {0: "batch"}, "Hair_Type": {0: "batch"}},
        opset_version=17,
        **exporter,
    )


def check_onnx(model, path, images):
    """Runs the exported model with onnxruntime (when installed) and compares it with PyTorch."""
    try:
        import onnxruntime
    except ImportError:
        print("onnxruntime is not installed: skipping the check of model.onnx")
        return
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    x = to_model_input(images)
    onnx_out = session.run(["Gender", "Hair_Color", "Hair_Type"], {"image": x.numpy()})
    model.eval()
    with torch.no_grad():
        torch_out = model(x)
    for a, o, t in zip(ATTRIBUTES, onnx_out, torch_out):
        if not np.allclose(o, t.numpy(), atol=1e-4):
            raise SystemExit("model.onnx and the PyTorch model disagree on %s" % a)
    print("model.onnx matches the PyTorch model on %d images" % len(images))


def write_bundle(out_dir, onnx_path, manifest, zip_name):
    """Writes manifest.json beside the model and zips both (model.onnx, manifest.json at the top)."""
    text = json.dumps(manifest, indent=2) + "\n"
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        f.write(text)
    bundle = os.path.join(out_dir, zip_name)
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(onnx_path, "model.onnx")
        z.writestr("manifest.json", text)
    return bundle


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../data", help="folder with the downloads (default ../data)")
    parser.add_argument("--out", default="out")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--max-train-images", type=int, default=0, help="random subset (0: all)")
    parser.add_argument("--validation", type=float, default=0.1, help="fraction held out (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for name in ("Tiny_Portraits_Train.zip", "Tiny_Portraits_Test.zip", "sample_submission.csv"):
        if not os.path.isfile(os.path.join(args.data, name)):
            raise SystemExit("%s is missing in %s: download it from the challenge's Data page, or pass --data" % (name, os.path.abspath(args.data)))
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    x, y = read_train(args.data, args.max_train_images, args.seed)
    order = np.random.default_rng(args.seed).permutation(len(x))
    held = int(round(len(x) * args.validation))
    val_rows, train_rows = order[:held], order[held:]
    print("training on %d images, validating on %d" % (len(train_rows), held))
    model = MultitaskCnn()
    for _ in train(model, x, y, train_rows, args.epochs, args.batch_size, args.learning_rate, args.seed):
        if held:
            pred = predict(model, x[val_rows])
            scores = {a: macro_f1(y[a][val_rows], pred[a], len(CLASSES[a])) for a in ATTRIBUTES}
            print("  validation macro-F1: " + ", ".join("%s %s" % (a, "-" if s is None else "%.3f" % s) for a, s in scores.items()))
        else:
            print()

    onnx_path = os.path.join(args.out, "model.onnx")
    export_onnx(model, onnx_path)
    check_onnx(model, onnx_path, x[:8])
    bundle = write_bundle(args.out, onnx_path, MANIFEST, "tiny-portraits-onnx.zip")
    print("wrote %s: upload it as a model" % bundle)

    ids, test_x = read_test(args.data)
    pred = predict(model, test_x)
    csv_path = os.path.join(args.out, "predictions.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Image_Id"] + ATTRIBUTES)
        for i, image_id in enumerate(ids):
            w.writerow([image_id] + [CLASSES[a][pred[a][i]] for a in ATTRIBUTES])
    print("wrote %s: predictions for %d test images (or upload this as a CSV)" % (csv_path, len(ids)))


if __name__ == "__main__":
    main()
