"""The layout keeps its promises: experiments are pure, and every implemented claim is on the site."""

import ast

import yaml

from kanguri import nav, registry
from kanguri.paths import experiments_dir, module_name, root
from tests import toy


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


def _leaves(items):
    """(titled, page) for every page of a nav."""
    for item in items:
        if isinstance(item, dict):
            for value in item.values():
                yield from _leaves(value) if isinstance(value, list) else [(True, value)]
        else:
            yield (False, item)


def _configured_nav() -> list:
    config = (root() / "mkdocs.yml").read_text(encoding="utf-8")
    return yaml.safe_load("nav:" + config.split("\nnav:", 1)[1])[
        "nav"
    ]  # the nav alone: the rest has custom tags


def test_every_implemented_claim_is_in_the_nav_once_by_section_without_a_title():
    """mkdocs.yml names no claim page (one list to keep: the catalogue); the plugin's nav has each implemented
    claim once, after the claims index, section by section, each without a title (it comes from the catalogue)."""
    configured = [page for _, page in _leaves(_configured_nav())]
    assert not [p for p in configured if p.startswith("claims/") and p != nav.CLAIMS_INDEX]
    built = list(_leaves(nav.with_claim_pages(_configured_nav())))
    pages = [page for _, page in built]
    claims = [p for p in pages if p.startswith("claims/") and p != nav.CLAIMS_INDEX]
    assert claims == [f"claims/{cid}.md" for cid in registry.implemented()]  # the catalogue lists by section
    assert pages.index(nav.CLAIMS_INDEX) + 1 == pages.index(claims[0])
    assert not any(titled for titled, page in built if page in claims)
    assert nav.with_claim_pages(nav.with_claim_pages(_configured_nav())) == nav.with_claim_pages(
        _configured_nav()
    )


def test_a_claim_appended_to_the_catalogue_goes_into_its_section(toy_project):
    """A new claim is listed with its own section, wherever it sits in the catalogue's list."""
    catalogue = toy_project / "claims" / "catalogue.yml"
    text = catalogue.read_text(encoding="utf-8").replace(
        "sections:\n", "sections:\n  brain: {ja: 脳, en: Brain}\n", 1
    )
    text += (
        "  - {id: toy-late, section: brain, kind: experiment, title: {ja: 遅い, en: Late},\n"
        "     claim: {ja: 後から来た主張, en: A late claim}}\n"
    )
    catalogue.write_text(text, encoding="utf-8")
    toy.write_claim(toy_project, "toy-late")
    registry.refresh()
    built = [page for _, page in _leaves(nav.with_claim_pages(["index.md", {"Claims": [nav.CLAIMS_INDEX]}]))]
    assert built == ["index.md", nav.CLAIMS_INDEX, "claims/toy-late.md", "claims/toy-mean.md"]


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
