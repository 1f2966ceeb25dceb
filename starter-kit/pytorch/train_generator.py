"""Tiny Portraits, generation track: train a small conditional VAE with PyTorch on a CPU and
export its decoder to ONNX as a generator submission.

Requirements: Python 3.9+ with torch, numpy and pillow (pip install torch numpy pillow);
onnxruntime is optional (pip install onnxruntime): when present, the exported decoder is checked
against PyTorch before it is zipped. Uses read_train() of train_export.py (same folder).

    python train_generator.py --data ../data --out out-generator [--epochs 3] [--max-train-images N]

reads Tiny_Portraits_Train.zip from --data and writes into --out:

    model.onnx                      the decoder: latent z [N, 64] + requested attributes [N, 10] -> images
    manifest.json                   how the platform feeds it and reads its images
    tiny-portraits-generator.zip    both together: upload this as a generator
    samples.png                     a preview: one row per Hair_Color, generated as the platform would ask

See README.md next to this file ("Generators") for what each part of the export and of the
manifest means.
"""

import argparse
import inspect
import os
import sys

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.nn import functional as F

sys.dont_write_bytecode = True  # importing train_export leaves no __pycache__ in the kit folder
from train_export import ATTRIBUTES, CLASSES, read_train, write_bundle  # noqa: E402

LATENT = 64  # the platform feeds every generator [N, 64] standard normal latents
CONDITION = sum(len(CLASSES[a]) for a in ATTRIBUTES)  # 2 + 5 + 3 = 10: the three one-hots side by side

# The manifest submitted with model.onnx. It must name the inputs and output passed to
# torch.onnx.export() and describe the output: NCHW, values in [-1, 1] (the decoder ends in tanh).
# --- manifest.json: begin
MANIFEST = {
    "format": "onnx",
    "model": "model.onnx",
    "latent": {"input": "z", "size": 64},
    "condition": {"input": "attributes"},
    "output": {"name": "images", "layout": "NCHW", "range": "[-1,1]"},
    "batchSize": 64,
    "name": "PyTorch starter conditional VAE"
}
# --- manifest.json: end


def conditions(y, rows):
    """Requested-attribute vectors [N, 10] for training rows: the one-hots the platform will send,
    with an n/a label replaced by that attribute's class shares (the platform never asks for n/a)."""
    blocks = []
    for a in ATTRIBUTES:
        k = len(CLASSES[a])
        labels = y[a][rows]
        known = y[a][y[a] >= 0]
        shares = np.bincount(known, minlength=k) / max(len(known), 1)
        block = np.tile(shares, (len(rows), 1))
        block[labels >= 0] = np.eye(k)[labels[labels >= 0]]
        blocks.append(block)
    return torch.tensor(np.concatenate(blocks, axis=1), dtype=torch.float32)


def to_pixels(images):
    """uint8 [N, 108, 84, 3] -> float32 [N, 3, 108, 84] in [-1, 1] (the decoder's output range)."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


class Decoder(nn.Module):
    """z [N, 64] and attributes [N, 10] -> images [N, 3, 108, 84] in [-1, 1].

    A linear layer to 128 x 9 x 7, then three nearest-neighbour upsamplings (x3, x2, x2) each
    followed by a 3x3 conv: 27 x 21, 54 x 42, 108 x 84. No batch norm: the exported decoder then
    computes exactly what it computed in training, whatever the batch.
    """

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(LATENT + CONDITION, 128 * 9 * 7)
        self.body = nn.Sequential(
            nn.Upsample(scale_factor=3, mode="nearest"), nn.Conv2d(128, 64, 3, padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(64, 32, 3, padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 3, 3, padding=1), nn.Tanh(),
        )

    def forward(self, z, attributes):
        h = F.relu(self.fc(torch.cat([z, attributes], dim=1))).view(-1, 128, 9, 7)
        return self.body(h)


class Encoder(nn.Module):
    """images [N, 3, 108, 84] and attributes -> mean and log-variance of q(z | image, attributes)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 32, 4, stride=2, padding=1), nn.ReLU(),    # 54 x 42
            nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.ReLU(),   # 27 x 21
            nn.Conv2d(64, 128, 4, stride=2, padding=1), nn.ReLU(),  # 13 x 10
            nn.AdaptiveAvgPool2d((4, 4)), nn.Flatten(),
        )
        self.head = nn.Linear(128 * 16 + CONDITION, 2 * LATENT)

    def forward(self, x, attributes):
        mu, logvar = self.head(torch.cat([self.body(x), attributes], dim=1)).chunk(2, dim=1)
        return mu, logvar.clamp(-8, 8)


def train(encoder, decoder, x, y, epochs, batch_size, lr, beta, seed):
    rng = np.random.default_rng(seed)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=lr)
    for epoch in range(1, epochs + 1):
        encoder.train()
        decoder.train()
        order = rng.permutation(len(x))
        totals = np.zeros(2)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            xb = to_pixels(x[batch])
            cb = conditions(y, batch)
            mu, logvar = encoder(xb, cb)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)  # reparameterisation
            recon = decoder(z, cb)
            # Per image: squared error summed over pixels, KL(q(z|x) || N(0, I)) summed over z.
            rec = (recon - xb).pow(2).sum(dim=(1, 2, 3)).mean()
            kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()
            loss = rec + beta * kl
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            totals += np.array([rec.item(), kl.item()]) * len(batch)
        rec, kl = totals / len(order)
        print("epoch %d/%d  reconstruction %.1f  KL %.1f" % (epoch, epochs, rec, kl), flush=True)


def export_onnx(decoder, path):
    decoder.eval()
    dummy = (torch.zeros(1, LATENT), torch.zeros(1, CONDITION))
    # torch >= 2.5 has two exporters; the classic (TorchScript) one takes dynamic_axes as is.
    exporter = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(
        decoder,
        dummy,
        path,
        input_names=["z", "attributes"],
        output_names=["images"],
        dynamic_axes={"z": {0: "batch"}, "attributes": {0: "batch"}, "images": {0: "batch"}},
        opset_version=17,
        **exporter,
    )


def check_onnx(decoder, path, z, attributes):
    """Runs the exported decoder with onnxruntime (when installed) and compares it with PyTorch."""
    try:
        import onnxruntime
    except ImportError:
        print("onnxruntime is not installed: skipping the check of model.onnx")
        return
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (onnx_out,) = session.run(["images"], {"z": z.numpy(), "attributes": attributes.numpy()})
    with torch.no_grad():
        torch_out = decoder(z, attributes).numpy()
    if not np.allclose(onnx_out, torch_out, atol=1e-4):
        raise SystemExit("model.onnx and the PyTorch decoder disagree")
    print("model.onnx matches the PyTorch decoder on %d samples" % len(z))


def preview(decoder, path, per_row=8):
    """One row per Hair_Color (the other attributes fixed: female, straight), as a PNG."""
    decoder.eval()
    rows = []
    with torch.no_grad():
        for c in range(len(CLASSES["Hair_Color"])):
            a = torch.zeros(per_row, CONDITION)
            a[:, 0] = 1  # female
            a[:, 2 + c] = 1  # this hair colour
            a[:, 7] = 1  # straight
            images = decoder(torch.randn(per_row, LATENT), a)
            rows.append(torch.cat(list(images), dim=2))  # [3, 108, 84 * per_row]
    grid = torch.cat(rows, dim=1).add(1).mul(127.5).clamp(0, 255).round().byte().permute(1, 2, 0).numpy()
    Image.fromarray(grid).save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../data", help="folder with the downloads (default ../data)")
    parser.add_argument("--out", default="out-generator")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--beta", type=float, default=1.0, help="weight of the KL term (default 1)")
    parser.add_argument("--max-train-images", type=int, default=4000, help="random subset (default 4000; 0: all)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.data, "Tiny_Portraits_Train.zip")):
        raise SystemExit("Tiny_Portraits_Train.zip is missing in %s: download it from the challenge's Data page, or pass --data" % os.path.abspath(args.data))
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    x, y = read_train(args.data, args.max_train_images, args.seed)
    print("training a conditional VAE on %d images" % len(x))
    encoder, decoder = Encoder(), Decoder()
    train(encoder, decoder, x, y, args.epochs, args.batch_size, args.learning_rate, args.beta, args.seed)

    onnx_path = os.path.join(args.out, "model.onnx")
    export_onnx(decoder, onnx_path)
    check_onnx(decoder, onnx_path, torch.randn(4, LATENT), conditions(y, np.arange(min(4, len(x)))))
    preview(decoder, os.path.join(args.out, "samples.png"))
    bundle = write_bundle(args.out, onnx_path, MANIFEST, "tiny-portraits-generator.zip")
    print("wrote %s (upload it as a generator) and a preview in samples.png" % bundle)


if __name__ == "__main__":
    main()
