"""What the benchmarks share: the PyTorch 2.x environment, compiling a zoo
model with a dlc build, and the PyTorch twin of a model with inputs shaped
as `dlc-run info --json` describes them."""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def torch_python(explicit=None):
    """PyTorch 2.x's python: `explicit`, or bench/setup_venv.sh's."""
    if explicit:
        return explicit
    return subprocess.run([os.path.join(HERE, "setup_venv.sh")], check=True,
                          capture_output=True, text=True).stdout.strip()


def run_json(cmd):
    """The JSON object on the last line `cmd` prints."""
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


class Build:
    """dlc and dlc-run of one build folder."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.dlc = os.path.join(self.path, "tools", "dlc", "dlc")
        self.dlc_run = os.path.join(self.path, "tools", "dlc-run", "dlc-run")

    def compile(self, name, inference_only=False):
        """models/<name>.net compiled into this build's bench/ folder."""
        work = os.path.join(self.path, "bench")
        os.makedirs(work, exist_ok=True)
        so = os.path.join(work, name + ("_inference" if inference_only else "") + ".so")
        subprocess.run([self.dlc, os.path.join(ROOT, "models", name + ".net"), "-o", so]
                       + (["--inference-only"] if inference_only else []), check=True)
        return so

    def info(self, so, batch=1):
        return run_json([self.dlc_run, "info", so, "--json", "--batch", str(batch)])


def torch_model(name, info, batch, train):
    """(module, inputs, targets, loss) for models/<name>.net in PyTorch, with
    random inputs and targets of `info`'s shapes at `batch`. Runs in the
    PyTorch environment."""
    import torch
    sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
    import torch_zoo
    torch.manual_seed(0)
    shape = lambda t: [batch] + t["shape"][1:]
    inputs = [torch.randn(*shape(i)) for i in info["inputs"]]
    if not train:
        return torch_zoo.build(name).eval(), inputs, [], None
    model, loss = torch_zoo.build_training(name)
    classes = info["outputs"][0]["shape"][1]
    targets = [torch.randint(0, classes, shape(t)) if t["dtype"] == "i32"
               else torch.rand(*shape(t)) for t in info["targets"]]
    return model.train(), inputs, targets, loss


def torch_call(name, info, batch, train):
    """(call, optimizer): a function that runs one forward (no_grad) or one
    training step (SGD with momentum) of models/<name>.net in PyTorch, and
    its optimizer (None for a forward)."""
    import torch
    model, x, t, loss = torch_model(name, info, batch, train)
    if not train:
        def forward():
            with torch.no_grad():
                model(*x)
        return forward, None
    opt = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)

    def step():
        opt.zero_grad()
        loss(model(*x), *t).backward()
        opt.step()
    return step, opt
