"""PyTorch definitions of the model zoo (docs/zoo.md): the reference every
dlc model is checked against. torchvision's models where the zoo uses them;
the others are written here, with the module names the .net files
reproduce."""
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


class Winograd(nn.Module):
    """The twin of tests/e2e/models/winograd.net."""
    def __init__(s):
        super().__init__()
        s.a = nn.Conv2d(20, 24, 3, padding=1); s.an = nn.BatchNorm2d(24)
        s.b = nn.Conv2d(24, 18, 3, bias=False)
        s.c = nn.Conv2d(18, 18, 3, padding=1)
        s.e = nn.Conv2d(18, 16, 3, padding=1)

    def forward(s, x):
        b = s.b(F.relu(s.an(s.a(x))))
        d = F.max_pool2d(F.relu(s.c(b) + b), 4)
        return s.e(d)


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
        "opmix": OpMix, "winograd": Winograd, "unet_tiny": lambda: UNet(1, 2, w=4),
        "breast_cancer": BreastCancerMLP,
        "alexnet": lambda: tv.alexnet(num_classes=1000),
        "vgg16": lambda: tv.vgg16(num_classes=1000),
        "resnet18": lambda: tv.resnet18(num_classes=1000),
        "resnet50": lambda: tv.resnet50(num_classes=1000),
    }[name]()


# Twins of tests/e2e/models/grads.net: forward returns what the loss takes.
class GConv(nn.Module):
    def __init__(s):
        super().__init__()
        s.pre = nn.Conv2d(4, 4, 1)
        s.c = nn.Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2)
        s.s = nn.Conv2d(4, 6, 1, stride=2)
        s.other = nn.Conv2d(4, 4, 1)

    def forward(s, x):
        h = s.pre(x)
        return s.c(h), s.s(h), h, s.other(x)


class GConvT(nn.Module):
    def __init__(s):
        super().__init__()
        s.pre = nn.Conv2d(3, 3, 1)
        s.a = nn.ConvTranspose2d(3, 6, 3, stride=2, padding=1)
        s.b = nn.ConvTranspose2d(3, 6, 2, stride=2)

    def forward(s, x):
        h = s.pre(x)
        return s.a(h), s.b(h)


class GDense(nn.Module):
    def __init__(s):
        super().__init__()
        s.d1, s.d2, s.d3, s.d4 = (nn.Linear(12 if i == 0 else 16, 16) for i in range(4))
        s.d5 = nn.Linear(16, 5)

    def forward(s, x):
        import torch
        h = F.leaky_relu(s.d2(F.relu(s.d1(x))), 0.2)
        return s.d5(torch.tanh(s.d4(torch.sigmoid(s.d3(h)))))


class GBatchNorm(nn.Module):
    def __init__(s):
        super().__init__()
        s.c = nn.Conv2d(3, 4, 3, padding=1, bias=False); s.bn = nn.BatchNorm2d(4)
        s.d = nn.Linear(144, 6, bias=False); s.bn1d = nn.BatchNorm1d(6)

    def forward(s, x):
        return s.bn1d(s.d(F.relu(s.bn(s.c(x))).flatten(1)))


class GPool(nn.Module):
    def __init__(s):
        super().__init__()
        s.c = nn.Conv2d(2, 4, 3, padding=1); s.d = nn.Linear(4, 3)

    def forward(s, x):
        h = F.max_pool2d(s.c(x), 3, 2, 1)
        h = F.max_pool2d(F.avg_pool2d(h, 3, 1, 1), 2)
        return s.d(h.mean((2, 3)))


class GArith(nn.Module):
    def __init__(s):
        super().__init__()
        s.a = nn.Conv2d(4, 3, 1); s.b = nn.Conv2d(4, 3, 1)

    def forward(s, x):
        import torch
        a, b = s.a(x), s.b(x)
        u = torch.cat([a * a, a - b, -b + 1.0], 1)
        return u * 0.5 + u


def soft_dice(p, t):
    """dl.dice: 1 - (2 sum(p t) + 1) / (sum(p) + sum(t) + 1) per sample and
    channel, averaged."""
    inter = (p * t).sum((2, 3))
    total = p.sum((2, 3)) + t.sum((2, 3))
    return (1 - (2 * inter + 1) / (total + 1)).mean()


class GPixel(nn.Module):
    def __init__(s):
        super().__init__()
        s.c = nn.Conv2d(3, 4, 3, padding=1)

    def forward(s, x):
        return s.c(x)


def build_training(name):
    """(module, loss(module_output, *targets)) for a network with a loss."""
    ce = lambda y, t: F.cross_entropy(y, t.long())
    nets = {
        "g_conv": (GConv, lambda y, t, u: F.mse_loss(y[0], t) + F.mse_loss(y[1], u)
                   + F.l1_loss(y[2], y[3])),
        "g_convt": (GConvT, lambda y, ta, tb: F.mse_loss(y[0], ta) + F.l1_loss(y[1], tb)),
        "g_dense": (GDense, ce),
        "g_bn": (GBatchNorm, F.mse_loss),
        "g_pool": (GPool, ce),
        "g_arith": (GArith, lambda v, t: soft_dice(F.softmax(v, 1), t)
                    + F.binary_cross_entropy_with_logits(v, t)),
        "g_pixel": (GPixel, ce),
        "fbpconvnet": (lambda: build("fbpconvnet"), F.mse_loss),
    }
    make, loss = nets.get(name, (lambda: build(name), ce))
    return make(), loss
