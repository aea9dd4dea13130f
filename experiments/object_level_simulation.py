"""Simulating a dropped block particle by particle, or as one rigid object.

- **Particle level**: a square lattice of n × n particles (total mass M, side a) held together by stiff springs
  to nearest and diagonal neighbours, with light internal damping; the ground pushes back on every particle
  below it through a penalty spring-damper. Vectorised in torch, semi-implicit Euler, with the step set by
  the stiffest oscillation (it shrinks as the particles get lighter).
- **Object level**: one body of mass M with the same ground law, summed over the bottom row.

Measured against N = n²: the work per simulated second (bytes written by torch per step, times steps per
second: counted, so load cannot change it) and its exponent; the largest difference between the particle
block's centre of mass and the rigid body, in position and velocity; and the internal vibration energy that
only the particle level has (the negative control). Min-of-k timings corroborate the counts.

Then, in code from cited inputs: the atoms in 1 kg of iron, a molecular-dynamics time step, the measured work
per particle-step, and the fastest supercomputer's rate give the time to simulate one second of a real object
atom by atom; the record molecular-dynamics run is set beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from experiments.common.counting import bytes_written, min_times
from experiments.common.montecarlo import propagate
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, loglog_slope

G = 9.81
AVOGADRO = 6.02214076e23  # exact since the 2019 SI redefinition
IRON_MOLAR_MASS = 55.845e-3  # kg/mol, standard atomic weight of Fe
EL_CAPITAN_FLOPS = 1.742e18  # HPL Rmax, TOP500 June 2025 (see the claim's anchors)
MD_STEP_S = (1e-15, 2e-15)  # a molecular-dynamics time step, 1–2 fs: a range, not a cited point
SECONDS_PER_YEAR = 365.25 * 86400
MD_RECORD_ATOMS = 1e8  # Jia et al. 2020 (Gordon Bell prize): "over 100 million atoms" ...
MD_RECORD_SECONDS_PER_DAY = 1e-9  # ... "more than 1 nanosecond-long trajectory" per day


@dataclass(frozen=True)
class Config:
    sides: tuple[int, ...] = (2, 4, 8, 16, 32, 64)  # n: N = n² from 4 to 4096 (three decades)
    trajectory_sides: tuple[int, ...] = (2, 4, 8, 16, 24)  # the full drop is simulated for these
    mass: float = 1.0  # kg
    size: float = 0.1  # m
    height: float = 0.5  # m, drop height of the block's bottom
    duration: float = 0.6  # s: the fall, a bounce and part of the rise
    link_stiffness: float = 2.0e5  # N/m per spring (a stiff solid)
    ground_stiffness: float = 2.0e4  # N/m, summed over the bottom row (a contact slower than the block rings)
    ground_damping: float = 60.0  # N·s/m, summed over the bottom row (sets the bounce)
    internal_damping: float = 0.02  # per spring, as a fraction of critical damping
    courant: float = 0.2  # time step as a fraction of the stiffest period / π
    repeats: int = 5  # k for the timings
    draws: int = 20000
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    cost_exponent: Estimate  # work per simulated second ∝ N^b
    years_per_second: Estimate  # years to simulate 1 s of 1 kg of iron atom by atom on the fastest computer,
    # at our model's elementary operations per particle-step (real interatomic potentials need many more)
    position_error: float  # largest |Δ centre of mass| ÷ drop height, at the largest trajectory N
    velocity_error: float  # largest |Δ velocity| ÷ impact speed, at the largest trajectory N
    vibration_error: (
        float  # |Δ internal energy| ÷ the particle level's, at the largest trajectory N (control)
    )


@dataclass
class Result:
    evidence: Evidence
    particles: list[int]
    work_per_second: list[float]  # bytes written per simulated second
    time_per_second: list[float]  # seconds of wall time per simulated second (min of k)
    steps_per_second: list[float]
    trajectory_particles: list[int]
    position_errors: list[float]
    velocity_errors: list[float]
    vibration_share: list[float]  # internal energy ÷ kinetic energy at impact, per N
    times: list[float]  # sample times of the stored trajectories
    com_particle: list[float]  # centre-of-mass height at the largest trajectory N
    com_rigid: list[float]
    rigid_work_per_second: float
    bytes_per_particle_step: float
    atoms: float  # in 1 kg of iron
    record_years: float  # years for 1 s of 1 kg of iron at the record run's atom-seconds per day


class Block:
    """The particle model: positions (N, 2), velocities, spring index pairs and rest lengths."""

    def __init__(self, n: int, cfg: Config):
        import torch

        self.n, self.cfg = n, cfg
        spacing = cfg.size / max(n - 1, 1)
        ij = torch.cartesian_prod(torch.arange(n), torch.arange(n)).to(torch.float64)
        self.pos = ij * spacing + torch.tensor([0.0, cfg.height])
        self.vel = torch.zeros_like(self.pos)
        self.mass = cfg.mass / (n * n)
        pairs = []
        for di, dj in ((1, 0), (0, 1), (1, 1), (1, -1)):
            for i in range(n):
                for j in range(n):
                    if 0 <= i + di < n and 0 <= j + dj < n:
                        pairs.append((i * n + j, (i + di) * n + (j + dj)))
        p = torch.tensor(pairs)
        self.a, self.b = p[:, 0], p[:, 1]
        self.rest = (self.pos[self.a] - self.pos[self.b]).norm(dim=1)
        self.k_ground = cfg.ground_stiffness / n
        self.c_ground = cfg.ground_damping / n
        self.c_link = cfg.internal_damping * 2 * math.sqrt(cfg.link_stiffness * self.mass)
        stiffest = math.sqrt((8 * cfg.link_stiffness + self.k_ground) / self.mass)
        self.dt = cfg.courant * math.pi / stiffest

    def step(self) -> None:
        import torch

        d = self.pos[self.b] - self.pos[self.a]
        length = d.norm(dim=1, keepdim=True)
        unit = d / length
        rel = ((self.vel[self.b] - self.vel[self.a]) * unit).sum(1, keepdim=True)
        f = (self.cfg.link_stiffness * (length - self.rest[:, None]) + self.c_link * rel) * unit
        force = torch.zeros_like(self.pos).index_add_(0, self.a, f).index_add_(0, self.b, -f)
        depth = (-self.pos[:, 1]).clamp(min=0)
        touching = (depth > 0).to(torch.float64)
        force[:, 1] += self.k_ground * depth - touching * self.c_ground * self.vel[:, 1] - self.mass * G
        self.vel += force / self.mass * self.dt
        self.pos += self.vel * self.dt

    def centre(self) -> tuple[float, float]:
        c = self.pos.mean(0)
        v = self.vel.mean(0)
        return float(c[1]), float(v[1])

    def internal_energy(self) -> float:
        """Kinetic energy in the centre-of-mass frame plus spring energy: what a rigid body cannot hold."""
        v_rel = self.vel - self.vel.mean(0)
        kinetic = 0.5 * self.mass * float((v_rel**2).sum())
        stretch = (self.pos[self.b] - self.pos[self.a]).norm(dim=1) - self.rest
        return kinetic + 0.5 * self.cfg.link_stiffness * float((stretch**2).sum())


def rigid_step(y, v, dt: float, cfg: Config, damping: float):
    """One step of the rigid body: its bottom meets the ground with the summed ground law. Works on floats and
    on torch tensors alike (the tensor version is used to count its work)."""
    depth = cfg.size / 2 - y
    touching = depth > 0
    f = (cfg.ground_stiffness * depth - damping * v) * touching - cfg.mass * G
    v = v + f / cfg.mass * dt
    return y + v * dt, v


def rigid_trajectory(cfg: Config, dt: float, steps: int, damping: float) -> tuple[np.ndarray, np.ndarray]:
    y, v = cfg.height + cfg.size / 2, 0.0
    ys, vs = np.empty(steps), np.empty(steps)
    for i in range(steps):
        y, v = rigid_step(y, v, dt, cfg, damping)
        ys[i], vs[i] = y, v
    return ys, vs


def rebound_apex(ys: np.ndarray, cfg: Config) -> float:
    """Highest centre of mass after the first contact."""
    first = int(np.argmax(ys < cfg.size / 2))
    return float(ys[first:].max())


def calibrate(cfg: Config, dt: float, steps: int, target: float) -> float:
    """The rigid body's one material constant, its contact damping, chosen so that it rebounds as high as the
    particle block does (as an engineer sets a restitution coefficient from a drop test); bisection."""
    lo, hi = 0.0, 20 * cfg.ground_damping
    for _ in range(24):  # 1200 N·s/m ÷ 2²⁴: far finer than anything the apex can resolve
        mid = (lo + hi) / 2
        if rebound_apex(rigid_trajectory(cfg, dt, steps, mid)[0], cfg) > target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def rigid_internal_energy() -> float:
    """A rigid body has no internal degrees of freedom, so the object-level model predicts no internal energy."""
    return 0.0


def compare(n: int, cfg: Config) -> tuple[float, float, float, np.ndarray, np.ndarray, np.ndarray]:
    """Drop the particle block and the rigid body; return the largest position and velocity differences (relative),
    the internal energy share at its peak, and the sampled trajectories."""
    block = Block(n, cfg)
    steps = int(cfg.duration / block.dt)
    py, pv, bottom = np.empty(steps), np.empty(steps), np.empty(steps)
    internal = 0.0
    for i in range(steps):
        block.step()
        py[i], pv[i] = block.centre()
        bottom[i] = float(block.pos[:, 1].min())
        if i % 20 == 0:
            internal = max(internal, block.internal_energy())
    damping = calibrate(cfg, block.dt, steps, rebound_apex(py, cfg))
    ry, rv = rigid_trajectory(cfg, block.dt, steps, damping)
    flight = (bottom > 0) & (ry > cfg.size / 2)  # what an observer judges: the object in flight
    impact_speed = math.sqrt(2 * G * cfg.height)
    impact_energy = 0.5 * cfg.mass * impact_speed**2
    pos_err = float(np.abs(py - ry)[flight].max() / cfg.height)
    vel_err = float(np.abs(pv - rv)[flight].max() / impact_speed)
    t = np.arange(1, steps + 1) * block.dt
    return pos_err, vel_err, internal / impact_energy, t, py, ry


def run(cfg: Config, progress: Progress = silent) -> Result:
    work, wall, rates = [], [], []
    for n in progress(cfg.sides, "cost against N"):
        block = Block(n, cfg)
        work.append(bytes_written(block.step) / block.dt)
        wall.append(min_times([block.step], cfg.repeats)[0] / block.dt)
        rates.append(1 / block.dt)
    particles = [n * n for n in cfg.sides]
    logs = np.log(particles)
    slope = loglog_slope(particles, work)
    # the slope is exact for counted work; its spread over the three-decade window comes from leave-one-out fits
    loo = [float(np.polyfit(np.delete(logs, i), np.delete(np.log(work), i), 1)[0]) for i in range(len(logs))]
    exponent = Estimate(slope, min(loo), max(loo), "counted exactly", len(particles))

    pos, vel, vib, traj = [], [], [], None
    for n in progress(cfg.trajectory_sides, "drops"):
        p, v, e, t, py, ry = compare(n, cfg)
        pos.append(p)
        vel.append(v)
        vib.append(e)
        traj = (t, py, ry)
    assert traj is not None
    t, py, ry = traj
    keep = np.linspace(0, len(t) - 1, 200).astype(int)

    per_particle_step = work[-1] / rates[-1] / particles[-1]
    atoms = 1.0 / IRON_MOLAR_MASS * AVOGADRO
    ops = per_particle_step / 8  # float64 elements written per particle-step: one per elementary operation
    years = propagate(
        lambda d: atoms * (1.0 / d["dt"]) * ops / EL_CAPITAN_FLOPS / SECONDS_PER_YEAR,
        {"dt": MD_STEP_S},
        cfg.draws,
        cfg.seed,
    )
    import torch

    rigid_dt = Block(cfg.sides[0], cfg).dt
    y0 = torch.tensor([cfg.height], dtype=torch.float64)
    rigid_work = (
        bytes_written(
            lambda: rigid_step(y0, torch.zeros(1, dtype=torch.float64), rigid_dt, cfg, cfg.ground_damping)
        )
        / rigid_dt
    )
    evidence = Evidence(
        cost_exponent=exponent,
        years_per_second=years,
        position_error=pos[-1],
        velocity_error=vel[-1],
        vibration_error=abs(vib[-1] - rigid_internal_energy()) / vib[-1],
    )
    return Result(
        evidence=evidence,
        particles=particles,
        work_per_second=work,
        time_per_second=wall,
        steps_per_second=rates,
        trajectory_particles=[n * n for n in cfg.trajectory_sides],
        position_errors=pos,
        velocity_errors=vel,
        vibration_share=vib,
        times=t[keep].tolist(),
        com_particle=py[keep].tolist(),
        com_rigid=ry[keep].tolist(),
        rigid_work_per_second=float(rigid_work),
        bytes_per_particle_step=float(per_particle_step),
        atoms=atoms,
        record_years=atoms * 1.0 / (MD_RECORD_ATOMS * MD_RECORD_SECONDS_PER_DAY) / 365.25,
    )
