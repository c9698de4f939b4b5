# lit configuration for dlc's regression tests.
import os
import shlex
import subprocess
import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "dlc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".net", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_obj_root, "tests", "lit")

llvm_config.use_default_substitutions()  # FileCheck, not, count
tools_dir = os.path.join(config.dlc_obj_root, "tools")
llvm_config.add_tool_substitutions(
    [ToolSubst("dlc", unresolved="fatal"), ToolSubst("dlc-opt", unresolved="fatal"),
     ToolSubst("dlc-run", unresolved="fatal")],
    [os.path.join(tools_dir, t) for t in ("dlc", "dlc-opt", "dlc-run")])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.substitutions.append(("%models", os.path.join(config.dlc_src_root, "models")))
config.substitutions.append(("%e2e", os.path.join(config.dlc_src_root, "tests", "e2e")))
config.substitutions.append(("%dlc_tools", tools_dir))
config.substitutions.append(("%dlc_build", config.dlc_obj_root))
config.substitutions.append(("%dlc_src", config.dlc_src_root))
config.substitutions.append(("%dlc_binary", os.path.join(tools_dir, "dlc", "dlc")))
# Debian's python3, the one that imports python3-torch (--param python=...
# picks another). Ahead of lit's own %python, which is lit's interpreter.
config.python = lit_config.params.get("python", config.python)
config.substitutions.insert(0, ("%python", config.python))

# What that Python can import: tests that compare with PyTorch say
# `REQUIRES: torch`, and are reported unsupported where it is missing.
for module in ("numpy", "torch", "sklearn"):
    probe = shlex.split(config.python) + ["-c", "import " + module]
    if subprocess.run(probe, stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode == 0:
        config.available_features.add(module)
