"""Trains the MLP of models/mlp.net in PyTorch on scikit-learn's 8x8 digits
(a few seconds) and writes what the classify example needs: the weights as
safetensors (the state_dict, PyTorch's names) and a batch of test digits.

usage: train_digits.py OUT_DIR
"""
import os, sys

import numpy as np
import torch
from sklearn.datasets import load_digits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "e2e"))
import safetensors_io  # noqa: E402
import torch_zoo  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
digits = load_digits()
x = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
y = torch.tensor(digits.target)
torch.manual_seed(0)
order = torch.randperm(len(x))
train, test = order[:1500], order[1500:]
model = torch_zoo.build("mlp")
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for epoch in range(30):
    for i in range(0, len(train), 32):
        b = train[i:i + 32]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x[b]), y[b]).backward()
        opt.step()
with torch.no_grad():
    accuracy = (model(x[test]).argmax(1) == y[test]).float().mean().item()
safetensors_io.save(safetensors_io.state_dict_arrays(model), os.path.join(out, "mlp.safetensors"))
np.save(os.path.join(out, "digits.npy"), x[test[:8]].numpy())
np.save(os.path.join(out, "labels.npy"), y[test[:8]].numpy())
print(f"test accuracy {accuracy:.3f}; labels of digits.npy: {y[test[:8]].tolist()}")
