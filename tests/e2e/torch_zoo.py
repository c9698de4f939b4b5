"""PyTorch definitions of the model zoo: the reference every dlc model is
checked against. torchvision's models where the zoo uses them; the others
restate the networks of shared/bench/torch_anchor.py (same modules, same
names), since that script runs its benchmark when imported."""
import torch.nn as nn
import torch.nn.functional as F


def conv(i, o, k=3, s=1, p=1):
    return nn.Conv2d(i, o, k, s, p)


class MLP(nn.Module):
    def __init__(s):
        super().__init__()
        s.a = nn.Linear(64, 128); s.b = nn.Linear(128, 64); s.c = nn.Linear(64, 10)

    def forward(s, x):
        return s.c(F.relu(s.b(F.relu(s.a(x.flatten(1))))))


class LeNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = conv(1, 6, 5, 1, 2); s.c2 = conv(6, 16, 5, 1, 0)
        s.f1 = nn.Linear(400, 120); s.f2 = nn.Linear(120, 84); s.f3 = nn.Linear(84, 10)

    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 2); x = F.max_pool2d(F.relu(s.c2(x)), 2)
        return s.f3(F.relu(s.f2(F.relu(s.f1(x.flatten(1))))))


class Block(nn.Module):
    def __init__(s, i, o, st):
        super().__init__()
        s.c1 = conv(i, o, 3, st, 1); s.b1 = nn.BatchNorm2d(o); s.c2 = conv(o, o); s.b2 = nn.BatchNorm2d(o)
        s.sc = nn.Sequential() if st == 1 and i == o else nn.Sequential(nn.Conv2d(i, o, 1, st, 0), nn.BatchNorm2d(o))

    def forward(s, x):
        return F.relu(s.b2(s.c2(F.relu(s.b1(s.c1(x))))) + s.sc(x))


class ResNetCifar(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Sequential(conv(3, 64), nn.BatchNorm2d(64), nn.ReLU())
        L = []; i = 64
        for o, st in [(64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)]:
            L.append(Block(i, o, st)); i = o
        s.layers = nn.Sequential(*L); s.fc = nn.Linear(512, 10)

    def forward(s, x):
        return s.fc(F.adaptive_avg_pool2d(s.layers(s.stem(x)), 1).flatten(1))


class UNet(nn.Module):
    def __init__(s, cin=1, cout=2, w=64, residual=False):
        super().__init__(); s.residual = residual
        ch = [w, 2 * w, 4 * w, 8 * w, 16 * w]

        def dbl(i, o):
            return nn.Sequential(conv(i, o), nn.ReLU(), conv(o, o), nn.ReLU())
        s.down = nn.ModuleList(); i = cin
        for c in ch:
            s.down.append(dbl(i, c)); i = c
        s.up = nn.ModuleList(); s.dec = nn.ModuleList()
        for c in reversed(ch[:-1]):
            s.up.append(nn.ConvTranspose2d(2 * c, c, 2, 2)); s.dec.append(dbl(2 * c, c))
        s.out = nn.Conv2d(w, cout, 1)

    def forward(s, x):
        inp = x; skips = []
        for k, d in enumerate(s.down):
            x = d(x)
            if k < len(s.down) - 1:
                skips.append(x); x = F.max_pool2d(x, 2)
        for u, d in zip(s.up, s.dec):
            x = d(__import__("torch").cat([u(x), skips.pop()], 1))
        y = s.out(x)
        return y + inp if s.residual else y


class OpMix(nn.Module):
    """The twin of tests/e2e/models/opmix.net."""
    def __init__(s):
        super().__init__()
        s.g = nn.Conv2d(4, 8, 3, stride=2, padding=2, dilation=2, groups=2)
        s.b = nn.BatchNorm2d(8)
        s.t = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1)
        s.n = nn.BatchNorm1d(14)
        s.d = nn.Linear(14, 5)

    def forward(s, x):
        import torch
        h = F.avg_pool2d(F.leaky_relu(s.b(s.g(x)), 0.2), 3, 1, 1)
        t = s.t(h)
        m = F.max_pool2d(torch.sigmoid(t) * 2 - torch.tanh(t), 3, 2, 1)
        f = torch.cat([m, h], 1).mean((2, 3))
        d = s.d(F.dropout(s.n(f), 0.3, training=s.training))
        return F.softmax(d, 1), -d + 0.5


class BreastCancerMLP(nn.Module):
    """The twin of models/breast_cancer.net."""
    def __init__(s):
        super().__init__()
        s.fc1 = nn.Linear(30, 32); s.fc2 = nn.Linear(32, 16); s.fc3 = nn.Linear(16, 2)

    def forward(s, x):
        h = F.dropout(F.relu(s.fc1(x)), 0.2, training=s.training)
        return s.fc3(F.relu(s.fc2(h)))


def build(name):
    """The PyTorch model for models/<name>.net."""
    import torchvision.models as tv
    return {
        "mlp": MLP, "lenet5": LeNet, "resnet18_cifar": ResNetCifar,
        "unet": lambda: UNet(1, 2), "fbpconvnet": lambda: UNet(1, 1, residual=True),
        "opmix": OpMix, "unet_tiny": lambda: UNet(1, 2, w=4),
        "breast_cancer": BreastCancerMLP,
        "alexnet": lambda: tv.alexnet(num_classes=1000),
        "vgg16": lambda: tv.vgg16(num_classes=1000),
        "resnet18": lambda: tv.resnet18(num_classes=1000),
        "resnet50": lambda: tv.resnet50(num_classes=1000),
    }[name]()
