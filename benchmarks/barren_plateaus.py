"""The barren-plateau sweep: our batched torch simulator against a straightforward default.qubit loop.

    .venv/bin/python benchmarks/barren_plateaus.py [--qubits 4 6 8] [--samples 200]

Both compute the same thing on the same random circuits: ∂⟨Z₀Z₁⟩/∂θ₁₁ of McClean circuits with L = 10·n
layers, by the parameter-shift rule (two circuit evaluations per circuit; the loop is not asked for the full
gradient, which is the most favourable setting for it). Prints the times, the speed-up, the largest
difference between the two, the whole site-profile sweep's time and the peak memory.
"""

from __future__ import annotations

import argparse
import math
import resource
import time

import numpy as np
import torch

from claims.barren_plateaus import claim
from experiments import barren_plateaus as bp
from experiments.common import statevector as sv


def pennylane_loop(n: int, layers: int, samples: int, seed: int) -> np.ndarray:
    """One QNode evaluation per shifted random circuit on default.qubit: the straightforward way."""
    gen = torch.Generator().manual_seed(seed)
    circuit = bp.pennylane_mcclean(n, layers, device="default.qubit", diff_method="best")

    out = []
    # the same draws, in the same order, as experiments.barren_plateaus.deep_random_gradients
    for b in sv.chunks(samples, n, copies=2):
        paulis = torch.randint(1, 4, (b, layers, n), generator=gen)
        theta = torch.rand((b, layers, n), generator=gen, dtype=torch.float64) * 2 * math.pi
        for i in range(b):
            plus, minus = theta[i].clone().numpy(), theta[i].clone().numpy()
            plus[0, 0] += math.pi / 2
            minus[0, 0] -= math.pi / 2
            p = paulis[i].numpy()
            out.append((float(circuit(plus, p)) - float(circuit(minus, p))) / 2)
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qubits", type=int, nargs="+", default=[4, 6, 8])
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()
    dev = sv.device()
    print(f"device: {dev}, torch threads: {torch.get_num_threads()}")
    print(f"{'n':>3} {'L':>4} {'ours (s)':>9} {'default.qubit (s)':>18} {'speed-up':>9} {'max |diff|':>11}")
    total_ours = total_loop = 0.0
    for n in args.qubits:
        layers = 10 * n
        t0 = time.perf_counter()
        ours = bp.deep_random_gradients(n, layers, args.samples, seed=n, dev=dev)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        loop = pennylane_loop(n, layers, args.samples, seed=n)
        t_loop = time.perf_counter() - t0
        total_ours += t_ours
        total_loop += t_loop
        diff = float(np.abs(ours - loop).max())
        print(f"{n:>3} {layers:>4} {t_ours:>9.2f} {t_loop:>18.2f} {t_loop / t_ours:>8.0f}× {diff:>11.1e}")
    print(
        f"all: ours {total_ours:.2f} s, default.qubit {total_loop:.2f} s, speed-up {total_loop / total_ours:.0f}×"
    )
    t0 = time.perf_counter()
    bp.run(claim.config("site"))
    print(f"whole site-profile experiment (ours): {time.perf_counter() - t0:.1f} s")
    print(f"peak memory (this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
