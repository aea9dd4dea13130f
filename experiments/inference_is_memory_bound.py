"""Is LLM inference memory-bound? A roofline on this machine, for token-by-token decoding and for prefill.

The machine: memory bandwidth from a STREAM-style triad (a = b + s·c on arrays far larger than the caches) and
the peak matrix-multiply rate, each the best of k runs, in several rounds. The model: a GPT-shaped decoder with
random weights (d_model × layers, a KV cache), decoding one token for a batch of sequences at a time, and a
prefill of a whole prompt. Work is counted: FLOPs with torch's FlopCounterMode, bytes as the weights and the
cache that a step must read. The roofline predicts a step's time as max(bytes ÷ bandwidth, FLOPs ÷ peak); the
measured time (best of k) is set beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from experiments.common.counting import flops, min_times
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval


@dataclass(frozen=True)
class Config:
    d_model: int = 512
    layers: int = 8
    context: int = 128  # tokens already in the KV cache when a decode step runs
    batches: tuple[int, ...] = (1, 4, 16, 64, 256)
    prompt: int = 256  # prefill length
    triad_elements: int = 2**25  # 128 MiB per float32 array
    matmul: int = 2048
    repeats: int = 3  # k in best-of-k
    rounds: int = 3  # independent rounds for the intervals
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads. Intensities are counted FLOPs per byte; balance is measured."""

    balance: Estimate  # peak FLOP/s ÷ bandwidth (FLOPs per byte) of this machine
    decode_intensity: float  # batch 1
    large_batch_intensity: float  # the largest batch
    prefill_intensity: float
    decode_agreement: Estimate  # roofline-predicted ÷ measured step time at batch 1


@dataclass
class Result:
    evidence: Evidence
    params: int
    bandwidth: Estimate  # bytes/s
    peak: Estimate  # FLOP/s
    batches: list[int]
    step_seconds: list[float]  # measured, best of k, median over rounds
    predicted_seconds: list[float]
    tokens_per_second: list[float]
    intensity: list[float]
    crossover_batch: float  # batch at which the roofline turns compute-bound
    prefill_seconds: float
    prefill_predicted: float
    device: str


class Decoder:
    """A GPT-shaped stack of random weights with a KV cache; attention written out as matrix products."""

    def __init__(self, cfg: Config, dev):
        import torch

        gen = torch.Generator().manual_seed(cfg.seed)
        d = cfg.d_model
        self.cfg, self.heads = cfg, max(1, d // 64)

        def w(*shape):
            return (torch.randn(*shape, generator=gen) * 0.02).to(dev)

        self.layers = [(w(d, 3 * d), w(d, d), w(d, 4 * d), w(4 * d, d)) for _ in range(cfg.layers)]
        self.dev = dev

    def params(self) -> int:
        return sum(t.numel() for layer in self.layers for t in layer)

    def cache(self, batch: int, length: int):
        import torch

        d, h = self.cfg.d_model, self.heads
        return [
            (
                torch.zeros(batch, h, length, d // h, device=self.dev),
                torch.zeros(batch, h, length, d // h, device=self.dev),
            )
            for _ in self.layers
        ]

    def _block(self, x, layer, k_cache, v_cache):
        import torch

        wqkv, wo, w1, w2 = layer
        b, t, d = x.shape
        h = self.heads
        q, k, v = (x @ wqkv).split(d, dim=2)
        q, k, v = (z.view(b, t, h, d // h).transpose(1, 2) for z in (q, k, v))
        k, v = torch.cat([k_cache, k], 2), torch.cat([v_cache, v], 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / (d // h) ** 0.5, dim=-1)
        x = x + ((att @ v).transpose(1, 2).reshape(b, t, d)) @ wo
        return x + torch.nn.functional.gelu(x @ w1) @ w2

    def step(self, x, caches):
        """One forward pass of x (batch, tokens, d) against the cached context."""
        for layer, (k, v) in zip(self.layers, caches, strict=True):
            x = self._block(x, layer, k, v)
        return x

    def bytes_read(self, batch: int, context: int) -> float:
        """A step reads every weight once and every cached key and value once (float32)."""
        kv = 2 * self.cfg.layers * batch * context * self.cfg.d_model
        return 4.0 * (self.params() + kv)


def machine(cfg: Config, dev) -> tuple[list[float], list[float]]:
    """Bandwidth (bytes/s) and peak matmul rate (FLOP/s), one value per round."""
    import torch

    n = cfg.triad_elements
    a, b, c = (torch.rand(n, device=dev) for _ in range(3))
    m1, m2 = torch.rand(cfg.matmul, cfg.matmul, device=dev), torch.rand(cfg.matmul, cfg.matmul, device=dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)

    def triad():
        torch.add(b, c, alpha=3.0, out=a)
        sync()

    def matmul():
        torch.mm(m1, m2)
        sync()

    triad(), matmul()
    mm_flops = flops(lambda: torch.mm(m1, m2))
    bw, peak = [], []
    for _ in range(cfg.rounds):
        t_triad, t_mm = min_times([triad, matmul], cfg.repeats)
        bw.append(3 * 4 * n / t_triad)  # read b and c, write a
        peak.append(mm_flops / t_mm)
    return bw, peak


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    bw, peak = machine(cfg, dev)
    model = Decoder(cfg, dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    gen = torch.Generator().manual_seed(cfg.seed)

    measured, predicted, intensity = [], [], []
    with torch.no_grad():
        for batch in progress(cfg.batches, "decode batches"):
            caches = model.cache(batch, cfg.context)
            x = torch.randn(batch, 1, cfg.d_model, generator=gen).to(dev)
            step_flops = flops(partial(model.step, x, caches))
            step_bytes = model.bytes_read(batch, cfg.context)

            def run_step(x=x, caches=caches):
                model.step(x, caches)
                sync()

            run_step()
            rounds = [min_times([run_step], cfg.repeats)[0] for _ in range(cfg.rounds)]
            measured.append(rounds)
            intensity.append(step_flops / step_bytes)
            predicted.append([max(step_bytes / b_, step_flops / p_) for b_, p_ in zip(bw, peak, strict=True)])
        prompt = torch.randn(1, cfg.prompt, cfg.d_model, generator=gen).to(dev)
        empty = model.cache(1, 0)
        prefill_flops = flops(lambda: model.step(prompt, empty))
        prefill_bytes = model.bytes_read(1, 0) + 4.0 * cfg.prompt * cfg.d_model * cfg.layers * 2
        t_prefill = float(
            np.median(
                [
                    min_times([lambda: (model.step(prompt, empty), sync())], cfg.repeats)[0]
                    for _ in range(cfg.rounds)
                ]
            )
        )

    balance = [p_ / b_ for p_, b_ in zip(peak, bw, strict=True)]
    agreement = [predicted[0][r] / measured[0][r] for r in range(cfg.rounds)]
    step_med = [float(np.median(m)) for m in measured]
    pred_med = [float(np.median(p)) for p in predicted]
    params = model.params()
    per_batch_flops = intensity[0] * model.bytes_read(1, cfg.context)  # FLOPs of one sequence's step
    # the roofline turns compute-bound where B·flops/peak = bytes(B)/bw; weights dominate the bytes
    crossover = float(np.median(balance)) * 4.0 * params / per_batch_flops
    evidence = Evidence(
        balance=t_interval(balance, "t-interval over rounds"),
        decode_intensity=intensity[0],
        large_batch_intensity=intensity[-1],
        prefill_intensity=prefill_flops / prefill_bytes,
        decode_agreement=t_interval(agreement, "t-interval over rounds"),
    )
    return Result(
        evidence=evidence,
        params=params,
        bandwidth=t_interval(bw, "t-interval over rounds"),
        peak=t_interval(peak, "t-interval over rounds"),
        batches=list(cfg.batches),
        step_seconds=step_med,
        predicted_seconds=pred_med,
        tokens_per_second=[b / t for b, t in zip(cfg.batches, step_med, strict=True)],
        intensity=intensity,
        crossover_batch=crossover,
        prefill_seconds=t_prefill,
        prefill_predicted=float(
            np.median([max(prefill_bytes / b_, prefill_flops / p_) for b_, p_ in zip(bw, peak, strict=True)])
        ),
        device=dev.type,
    )
