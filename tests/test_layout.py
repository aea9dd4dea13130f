"""The layout keeps its promises: experiments are pure, and every implemented claim is on the site."""

import ast

import yaml

from kanguri import registry
from kanguri.paths import experiments_dir, module_name, root


def test_experiments_never_import_the_engine():
    for path in experiments_dir().rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "kanguri" for n in names), f"{path} imports the engine"


def test_each_experiment_is_named_after_its_claim():
    for cid in registry.implemented():
        claim = registry.load(cid)
        if claim.experiment is not None:
            assert claim.experiment.__module__ == f"experiments.{module_name(cid)}", cid


def test_every_implemented_claim_is_in_the_nav_without_a_title():
    def leaves(items):
        for item in items:
            if isinstance(item, dict):
                for value in item.values():
                    yield from leaves(value) if isinstance(value, list) else [(True, value)]
            else:
                yield (False, item)

    config = (root() / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load("nav:" + config.split("\nnav:", 1)[1])  # the nav alone: the rest has custom tags
    entries = dict((page, titled) for titled, page in leaves(nav["nav"]))
    for cid in registry.implemented():
        page = f"claims/{cid}.md"
        assert page in entries, f"{page} is not in the nav (kanguri new adds it)"
        assert not entries[page], f"{page} has a title in the nav; titles come from claims/catalogue.yml"


def test_every_torch_experiment_chooses_cuda_when_present():
    """No experiment is CPU-only by accident: each one that uses torch picks its device from
    ``torch.cuda.is_available()``, directly or through the shared simulator (``statevector.device``), or is
    listed here with its reason. The CUDA paths themselves run only where a GPU is lent; this machine has none."""
    cpu_only = {
        "measurement_collapse.py": "a few qubits on PennyLane's CPU simulators; a GPU gains nothing",
        "object_level_simulation.py": "its verdict counts bytes written per step; its wall times need a synchronous device",
        "parameter_shift_cost.py": "it counts circuit executions on PennyLane's simulators; the count is the same anywhere",
        # tiny tensors even at the full profile: a GPU would spend its time launching kernels, not computing
        "quantum_expressivity_overfitting.py": "circuits of at most 4 qubits (16 amplitudes) and nets of 128 units",
        "quantum_linearity.py": "a 2-qubit circuit (4 amplitudes) fitted on a 64-point grid",
        "repetition_vs_engineered_weights.py": "maps of at most 256×64 weights and a 500-neuron Hopfield net",
    }
    for path in sorted(experiments_dir().glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "import torch" not in text or path.name in cpu_only:
            continue
        assert "cuda" in text or "device()" in text, f"{path.name} never looks for a GPU"
