"""A batched statevector simulator in torch: many random circuits at once, on CUDA when present.

States are ``(batch, 2**n)`` complex tensors, wire 0 the most significant bit (PennyLane's convention).
Single-qubit gates are batched 2×2 matrices contracted into one axis; diagonal gates (CZ, Z observables)
are elementwise products with a precomputed ±1 vector. Nothing here records an autograd graph unless the
caller asks for it, so a parameter-shift gradient under ``torch.no_grad`` needs two states, not a tape.
"""

from __future__ import annotations

import math

import torch

PAULI_X, PAULI_Y, PAULI_Z = 1, 2, 3
DTYPE = torch.complex128


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def zero_state(batch: int, n: int, dev: torch.device) -> torch.Tensor:
    state = torch.zeros(batch, 2**n, dtype=DTYPE, device=dev)
    state[:, 0] = 1
    return state


def rotation(pauli: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """R_P(θ) = exp(−iθP/2) = cos(θ/2)·I − i·sin(θ/2)·P for a batch of Paulis (1=X, 2=Y, 3=Z): (B, 2, 2)."""
    c = torch.cos(theta / 2).to(DTYPE)
    s = torch.sin(theta / 2).to(DTYPE)
    zero = torch.zeros_like(c)
    x = torch.stack([torch.stack([c, -1j * s], -1), torch.stack([-1j * s, c], -1)], -2)
    y = torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)
    z = torch.stack([torch.stack([c - 1j * s, zero], -1), torch.stack([zero, c + 1j * s], -1)], -2)
    p = pauli.reshape(-1, 1, 1)
    return torch.where(p == PAULI_X, x, torch.where(p == PAULI_Y, y, z))


def ry(theta: torch.Tensor) -> torch.Tensor:
    return rotation(torch.full_like(theta, PAULI_Y, dtype=torch.long), theta)


def rx(theta: torch.Tensor) -> torch.Tensor:
    return rotation(torch.full_like(theta, PAULI_X, dtype=torch.long), theta)


def rot(phi: torch.Tensor, theta: torch.Tensor, omega: torch.Tensor) -> torch.Tensor:
    """PennyLane's general rotation Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ), batched: (B, 2, 2); differentiable."""
    c, s = torch.cos(theta / 2).to(DTYPE), torch.sin(theta / 2).to(DTYPE)
    plus, minus = ((phi + omega) / 2).to(DTYPE), ((phi - omega) / 2).to(DTYPE)
    row0 = torch.stack([torch.exp(-1j * plus) * c, -torch.exp(1j * minus) * s], -1)
    row1 = torch.stack([torch.exp(-1j * minus) * s, torch.exp(1j * plus) * c], -1)
    return torch.stack([row0, row1], -2)


def apply_1q(state: torch.Tensor, n: int, wire: int, u: torch.Tensor) -> torch.Tensor:
    """Apply ``u`` ((B, 2, 2), or (2, 2) shared) to ``wire`` of every state; differentiable."""
    b = state.shape[0]
    s = state.reshape(b, 2**wire, 2, 2 ** (n - wire - 1))
    u = u.expand(b, 2, 2).reshape(b, 1, 2, 2, 1)
    s0, s1 = s[:, :, 0], s[:, :, 1]
    new = torch.stack([u[:, :, 0, 0] * s0 + u[:, :, 0, 1] * s1, u[:, :, 1, 0] * s0 + u[:, :, 1, 1] * s1], 2)
    return new.reshape(b, 2**n)


def apply_1q_(state: torch.Tensor, out: torch.Tensor, n: int, wire: int, u: torch.Tensor):
    """The same gate written into ``out`` without allocating; returns (new state, free buffer).

    For sweeps under ``no_grad``: with a batch that fits in cache this runs several times faster than
    allocating a fresh tensor per gate.
    """
    b = state.shape[0]
    s = state.view(b, 2**wire, 2, 2 ** (n - wire - 1))
    o = out.view(b, 2**wire, 2, 2 ** (n - wire - 1))
    u = u.expand(b, 2, 2).reshape(b, 1, 2, 2, 1)
    s0, s1 = s[:, :, 0], s[:, :, 1]
    torch.mul(s0, u[:, :, 0, 0], out=o[:, :, 0])
    o[:, :, 0].addcmul_(s1, u[:, :, 0, 1])
    torch.mul(s0, u[:, :, 1, 0], out=o[:, :, 1])
    o[:, :, 1].addcmul_(s1, u[:, :, 1, 1])
    return out, state


def z_signs(n: int, wire: int, dev: torch.device) -> torch.Tensor:
    """The eigenvalues (±1) of Z on ``wire``, over the computational basis: (2**n,)."""
    idx = torch.arange(2**n, device=dev)
    return 1 - 2 * ((idx >> (n - 1 - wire)) & 1).to(torch.float64)


def cz_phase(n: int, pairs: list[tuple[int, int]], dev: torch.device) -> torch.Tensor:
    """The diagonal of a product of CZ gates: −1 where both wires of an odd number of pairs are 1."""
    idx = torch.arange(2**n, device=dev)
    parity = torch.zeros(2**n, dtype=torch.long, device=dev)
    for a, b in pairs:
        parity ^= ((idx >> (n - 1 - a)) & 1) & ((idx >> (n - 1 - b)) & 1)
    return (1 - 2 * parity).to(DTYPE)


def expval(state: torch.Tensor, diagonal: torch.Tensor) -> torch.Tensor:
    """⟨ψ|D|ψ⟩ for a real diagonal observable D, per state: (B,)."""
    return (state.real**2 + state.imag**2) @ diagonal.to(torch.float64)


def chunks(total: int, n: int, copies: int = 1, budget_mb: float = 4.0) -> list[int]:
    """Batch sizes whose states (``copies`` × 2**n complex128 amplitudes each) fit in about ``budget_mb``:
    cache-sized batches run several times faster on a CPU than one large batch, and bound the memory."""
    size = max(1, min(total, int(budget_mb * 2**20 // (2**n * 16 * copies))))
    return [min(size, total - i) for i in range(0, total, size)]


def shift_pair(theta: torch.Tensor, index: tuple[int, ...]) -> torch.Tensor:
    """Stack θ + π/2·e_index over θ − π/2·e_index along the batch: the parameter-shift pair."""
    plus, minus = theta.clone(), theta.clone()
    at = (slice(None), *index)
    plus[at] += math.pi / 2  # type: ignore[index]
    minus[at] -= math.pi / 2  # type: ignore[index]
    return torch.cat([plus, minus])
