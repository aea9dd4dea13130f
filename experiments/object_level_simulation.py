"""Simulating a dropped block particle by particle, or as one rigid object: calibrated on one drop, validated on
others, contact included.

- **Particle level** (the "truth"): a square lattice of n × n particles (total mass M, side a) held together by
  springs to nearest and diagonal neighbours with a fixed stiffness and a fixed viscous damping per spring, so
  that the material does not change with n (a 2-D lattice whose springs keep their constants has the same
  continuum modulus at every n); the ground pushes back on every particle below it through a penalty
  spring-damper (the totals are fixed, shared over the n particles of a row). Vectorised in torch,
  semi-implicit Euler, the step set by the stiffest oscillation. Several drops run as one batch.
- **Object level**: one rigid body (position, angle, their rates) with the same ground law applied at points
  along the particle lattice's outline (same points, same per-point law), and no friction (the particle ground has none either). Its one material constant, the
  contact damping, is either fitted to the rebound apex of one calibration drop ("apex") or taken unchanged
  from the particle model ("nominal").

Drops: every height × every tilt. One (the calibration height, no tilt) calibrates; the others validate. The
comparison runs over the whole drop, contact included: the largest difference of the centre of mass's position
(÷ drop height) and of its velocity (÷ impact speed). Velocity is compared as people judge it, averaged over a
100 ms window (the integration time in Snowden & Braddick 1991); the instantaneous difference is kept as well.
The truth's convergence in n is measured on the same metric, between each lattice and the next (the profiles
double n, so that successive changes compare): the change between the two largest n is the truth's uncertainty.

The negative control: the same pipeline on a fragile block, whose springs break past a small strain (it shatters
on impact), and on a soft block; the object level must fail there. Work per simulated second against N is
counted (bytes written by torch per step × steps per second); its exponent is a derivation (N particles, a step
that shrinks as √N), shown as a sanity check. In code from cited inputs: the years to simulate 1 kg of iron atom
by atom on the fastest computer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

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
WINDOW = 0.1  # s: velocity is judged over about 100 ms (Snowden & Braddick 1991)
SAMPLE = 1e-3  # s: trajectories are compared on a 1 ms grid
RIGID_DT = 2e-4  # s: the rigid body's step (its fastest motion is the contact, period ≈ 44 ms)
OUTLINE = 16  # contact points per edge of the rigid body's outline


@dataclass(frozen=True)
class Config:
    sides: tuple[int, ...] = (2, 4, 8, 16, 32, 64)  # n for the cost count: N = n² from 4 to 4096
    trajectory_sides: tuple[int, ...] = (
        6,
        12,
    )  # the drops are simulated at these n; the largest is the truth
    mass: float = 1.0  # kg
    size: float = 0.1  # m
    heights: tuple[float, ...] = (0.25, 0.5, 1.0)  # m, height of the lowest point at release
    tilts: tuple[float, ...] = (0.0, 20.0)  # degrees
    calibration_height: float = 0.5  # m: the drop (untilted) that calibrates the rigid body
    calibration: str = (
        "apex"  # "apex": fit the contact damping to its rebound; "nominal": take the particle model's
    )
    duration: float = 0.8  # s: the fall from the highest drop, the bounce and the rise
    link_stiffness: float = 1.0e5  # N/m per spring (a stiff solid: it rings faster than the contact)
    link_damping: float = 1.1  # N·s/m per spring (a material constant, the same at every n)
    ground_stiffness: float = 2.0e4  # N/m, summed over a row (a contact slower than the block rings)
    ground_damping: float = 60.0  # N·s/m, summed over a row (sets the bounce)
    courant: float = 0.4  # time step × the stiffest angular frequency ÷ π (stable below 2/π)
    soft_factor: float = 0.01  # the control's soft block: springs this much weaker
    break_strain: float = 0.003  # the control's fragile block: a spring breaks past this strain
    repeats: int = 5  # k for the timings
    draws: int = 20000
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    cost_exponent: Estimate  # work per simulated second ∝ N^b (a derivation: sanity check)
    years_per_second: Estimate  # years to simulate 1 s of 1 kg of iron atom by atom on the fastest computer
    validation_position_error: float  # largest |Δ centre of mass| ÷ drop height, over the validation drops
    validation_velocity_error: (
        float  # largest |Δ 100-ms mean velocity| ÷ impact speed, over the validation drops
    )
    truth_change_largest_n: float  # how much the particle truth moved between the two largest n (same metric)
    error_change_largest_n: float  # how much the validation error itself moved between the two largest n
    fragile_error: float  # the control: the larger of the two errors for a block that shatters
    soft_error: float  # the control: the same for a soft block


@dataclass
class Result:
    evidence: Evidence
    particles: list[int]
    work_per_second: list[float]  # bytes written per simulated second
    time_per_second: list[float]  # seconds of wall time per simulated second (min of k)
    steps_per_second: list[float]
    trajectory_particles: list[int]
    drops: list[tuple[float, float]]  # (height, tilt) of every drop; the first calibrates
    position_errors: list[list[float]]  # [n][drop]
    velocity_errors: list[list[float]]  # [n][drop], 100 ms window
    instant_velocity_errors: list[list[float]]  # [n][drop], instantaneous
    truth_change_position: float  # between the two largest n
    truth_change_velocity: float
    truth_changes: list[float]  # [n]: the truth's change from the lattice before (0 for the first)
    truth_ratio: float | None  # last change ÷ the one before: at most ½ when each doubling at least halves it
    rebounds: list[float]  # [n]: the particle block's rebound apex on the calibration drop (m)
    dampings: list[float]  # [n]: the rigid body's contact damping at each n
    damping: float  # the rigid body's contact damping (calibrated or nominal)
    calibration_position_error: float
    calibration_velocity_error: float
    fragile_position_error: float
    fragile_velocity_error: float
    soft_position_error: float
    soft_velocity_error: float
    broken_share: float  # springs broken in the fragile block's highest drop
    vibration_share: float  # internal energy ÷ impact kinetic energy, largest n, calibration drop
    times: list[float]  # sample times of the stored trajectories
    com_particle: list[
        float
    ]  # centre-of-mass height, largest n, the validation drop with the largest difference
    shown_drop: tuple[float, float]
    com_rigid: list[float]
    rigid_work_per_second: float
    bytes_per_particle_step: float
    atoms: float  # in 1 kg of iron
    record_years: float  # years for 1 s of 1 kg of iron at the record run's atom-seconds per day


def rotation(deg: float) -> np.ndarray:
    t = math.radians(deg)
    return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


def placed(body: np.ndarray, height: float, tilt: float) -> np.ndarray:
    """Body-frame points (centred) turned by ``tilt`` and lifted so that the lowest is at ``height``."""
    world = body @ rotation(tilt).T
    return world + np.array([0.0, height - world[:, 1].min()])


DIRECTIONS = ((1, 0), (0, 1), (1, 1), (1, -1))  # nearest and diagonal neighbours on the lattice


def _pair(x, di: int, dj: int):
    """The two ends of every spring in one lattice direction: views of x (D, n, n, …)."""
    if dj >= 0:
        return x[:, : x.shape[1] - di, : x.shape[2] - dj], x[:, di:, dj:]
    return x[:, : x.shape[1] - di, -dj:], x[:, di:, : x.shape[2] + dj]


class Block:
    """The particle model, a batch of drops: positions (D, n, n, 2) and velocities. The springs are the lattice's
    four neighbour directions, taken by slicing, so one step is a fixed handful of array operations. It runs on
    numpy arrays, or on torch tensors when its work is counted."""

    def __init__(
        self, n: int, cfg: Config, drops: list[tuple[float, float]] | None = None, torch: bool = False
    ):
        self.n, self.cfg = n, cfg
        drops = drops or [(cfg.heights[0], 0.0)]
        spacing = cfg.size / max(n - 1, 1)
        ij = np.array([(i, j) for i in range(n) for j in range(n)], dtype=float) * spacing
        body = ij - ij.mean(0)
        pos: Any = np.stack([placed(body, h, a).reshape(n, n, 2) for h, a in drops])
        self.rest = [float(np.hypot(di * spacing, dj * spacing)) for di, dj in DIRECTIONS]
        alive: list[Any] = [np.ones((*_pair(pos, di, dj)[0].shape[:3], 1)) for di, dj in DIRECTIONS]
        if torch:
            import torch as t

            pos, alive = t.tensor(pos), [t.tensor(a) for a in alive]
        self.pos, self.alive = pos, alive
        self.vel = pos * 0
        self.mass = cfg.mass / (n * n)
        self.fragile = False
        self.k_ground = cfg.ground_stiffness / n
        self.c_ground = cfg.ground_damping / n
        stiffest = math.sqrt((8 * cfg.link_stiffness + self.k_ground) / self.mass)
        self.dt = cfg.courant * math.pi / stiffest
        # the explicit step must also resolve the damping: c·dt/m stays well below 1
        self.dt = min(self.dt, 0.5 * self.mass / (8 * cfg.link_damping + self.c_ground))

    def step(self) -> None:
        cfg, pos, vel = self.cfg, self.pos, self.vel
        force = pos * 0
        for k, (di, dj) in enumerate(DIRECTIONS):
            (pa, pb), (va, vb) = _pair(pos, di, dj), _pair(vel, di, dj)
            d = pb - pa
            length = (((d * d).sum(-1) + 1e-24) ** 0.5)[..., None]  # fragments may overlap: no 0 ÷ 0
            unit = d / length
            rel = ((vb - va) * unit).sum(-1)[..., None]
            stretch = length - self.rest[k]
            if self.fragile:
                self.alive[k] = self.alive[k] * (abs(stretch) <= cfg.break_strain * self.rest[k])
            f = self.alive[k] * (cfg.link_stiffness * stretch + cfg.link_damping * rel) * unit
            fa, fb = _pair(force, di, dj)
            fa += f
            fb -= f
        depth = (-pos[..., 1]).clip(min=0)
        touching = depth > 0
        force[..., 1] += self.k_ground * depth - touching * self.c_ground * vel[..., 1] - self.mass * G
        vel += force * (self.dt / self.mass)
        pos += vel * self.dt

    def centre(self) -> tuple[np.ndarray, np.ndarray]:
        return self.pos.mean((1, 2)), self.vel.mean((1, 2))

    def internal_energy(self) -> np.ndarray:
        """Per drop: kinetic energy about the centre of mass's motion plus spring energy."""
        v_rel = self.vel - self.vel.mean((1, 2))[:, None, None]
        energy = 0.5 * self.mass * (v_rel**2).sum((1, 2, 3))
        for k, (di, dj) in enumerate(DIRECTIONS):
            pa, pb = _pair(self.pos, di, dj)
            stretch = (((pb - pa) ** 2).sum(-1) ** 0.5)[..., None] - self.rest[k]
            energy = energy + 0.5 * self.cfg.link_stiffness * (self.alive[k] * stretch**2).sum((1, 2, 3))
        return np.asarray(energy)

    def broken_share(self) -> float:
        """Share of the springs broken in the last drop."""
        alive = sum(float(a[-1].sum()) for a in self.alive)
        return 1 - alive / sum(a[-1].size for a in self.alive)


def particle_drops(n: int, cfg: Config, drops: list[tuple[float, float]], fragile: bool = False):
    """Centre of mass (D, T, 2) and its velocity on the sample grid; peak internal energy per drop; broken share."""
    block = Block(n, cfg, drops)
    block.fragile = fragile
    samples = round(cfg.duration / SAMPLE)
    t = (np.arange(samples) + 1) * SAMPLE  # each sample is taken at the first step at or after its time
    com, vel = np.empty((len(drops), samples, 2)), np.empty((len(drops), samples, 2))
    internal = np.zeros(len(drops))
    steps = 0
    for s in range(samples):
        while steps * block.dt < t[s] - 1e-12:
            block.step()
            steps += 1
        com[:, s], vel[:, s] = block.centre()
        if s % 5 == 0:
            internal = np.maximum(internal, block.internal_energy())
    broken = block.broken_share()
    return t, com, vel, internal, broken


def outline(cfg: Config, n: int = OUTLINE) -> np.ndarray:
    """The rigid body's contact points: n per edge of the square, centred (the particle lattice's outline)."""
    s = np.linspace(-cfg.size / 2, cfg.size / 2, n)
    h = cfg.size / 2
    edges = [np.stack([s, np.full_like(s, e)], 1) for e in (-h, h)]
    edges += [np.stack([np.full_like(s[1:-1], e), s[1:-1]], 1) for e in (-h, h)]
    return np.concatenate(edges)


def rigid_drops(cfg: Config, drops: list[tuple[float, float]], damping: np.ndarray, t: np.ndarray, n: int):
    """Rigid bodies, one per (drop, damping) pair in a batch: centre of mass and velocity (B, T, 2) at times t.
    The contact points are the outline of the n × n lattice, each with the particle model's ground law, so that the
    two models differ only in what rigidity removes."""
    body = outline(cfg, n)
    b = len(drops)
    inertia = cfg.mass * cfg.size**2 / 6  # a uniform square plate about its centre
    c = np.zeros((b, 2))
    theta = np.array([math.radians(a) for _, a in drops])
    for i, (h, a) in enumerate(drops):
        c[i] = [0.0, h - placed(body, 0.0, a)[:, 1].min() + 0.0]
        c[i, 1] = h - (body @ rotation(a).T)[:, 1].min()
    v, w = np.zeros((b, 2)), np.zeros(b)
    k, cd = cfg.ground_stiffness / n, np.asarray(damping, dtype=float)[:, None] / n
    steps = round(t[-1] / RIGID_DT)
    keep = set(np.round(t / RIGID_DT).astype(int).tolist())
    com, vel = [], []
    for s in range(1, steps + 1):
        cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
        rx = body[None, :, 0] * cos - body[None, :, 1] * sin
        ry = body[None, :, 0] * sin + body[None, :, 1] * cos
        y = c[:, 1:2] + ry
        vy = v[:, 1:2] + w[:, None] * rx
        depth = np.maximum(-y, 0.0)
        f = (k * depth - cd * vy) * (depth > 0)
        fy, torque = f.sum(1), (rx * f).sum(1)
        v[:, 1] += (fy / cfg.mass - G) * RIGID_DT
        w += torque / inertia * RIGID_DT
        c += v * RIGID_DT
        theta += w * RIGID_DT
        if s in keep:
            com.append(c.copy())
            vel.append(v.copy())
    return np.stack(com, 1), np.stack(vel, 1)


def apex(com: np.ndarray, cfg: Config) -> np.ndarray:
    """Highest centre of mass after the first contact (the centre comes within half a side of the ground)."""
    y = com[..., 1]
    first = np.argmax(y < cfg.size / 2 + 1e-9, axis=1)
    mask = np.arange(y.shape[1])[None, :] >= first[:, None]
    return np.where(mask, y, -np.inf).max(1)


def calibrate(cfg: Config, drop: tuple[float, float], target: float, t: np.ndarray, n: int) -> float:
    """The contact damping at which the rigid body rebounds as high as the particle block: two batched grids."""
    lo, hi = 0.0, 20 * cfg.ground_damping
    for _ in range(1):
        grid = np.linspace(lo, hi, 65)
        apexes = apex(rigid_drops(cfg, [drop] * len(grid), grid, t, n)[0], cfg)
        i = int(np.argmin(np.abs(apexes - target)))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    grid = np.linspace(lo, hi, 33)
    apexes = apex(rigid_drops(cfg, [drop] * len(grid), grid, t, n)[0], cfg)
    return float(grid[int(np.argmin(np.abs(apexes - target)))])


def windowed(vel: np.ndarray, com: np.ndarray) -> np.ndarray:
    """Mean velocity over the next WINDOW: the displacement over the window ÷ the window."""
    w = round(WINDOW / SAMPLE)
    return (com[:, w:] - com[:, :-w]) / (w * SAMPLE)


def errors(drops, pc, pv, rc, rv) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per drop: largest position difference ÷ height, 100-ms velocity ÷ impact speed, instantaneous velocity."""
    h = np.array([d[0] for d in drops])
    speed = np.sqrt(2 * G * h)
    pos = np.linalg.norm(pc - rc, axis=2).max(1) / h
    win = np.linalg.norm(windowed(pv, pc) - windowed(rv, rc), axis=2).max(1) / speed
    inst = np.linalg.norm(pv - rv, axis=2).max(1) / speed
    return pos, win, inst


def truth_change(drops, before: tuple[np.ndarray, np.ndarray], after: tuple[np.ndarray, np.ndarray]):
    """How far the particle truth moved from one lattice to the next, on the validation metric, over every drop:
    the largest position difference ÷ height and the largest 100-ms velocity difference ÷ impact speed."""
    pos, win, _ = errors(drops, *after, *before)
    return float(pos.max()), float(win.max())


def drops_of(cfg: Config) -> list[tuple[float, float]]:
    """The calibration drop first, then every other (height, tilt)."""
    cal = (cfg.calibration_height, 0.0)
    return [cal] + [(h, a) for h in cfg.heights for a in cfg.tilts if (h, a) != cal]


def compare(n: int, cfg: Config, drops, fragile: bool = False):
    """Drop the particle block (all drops at once) and the rigid bodies; the rigid body is calibrated on drop 0."""
    t, pc, pv, internal, broken = particle_drops(n, cfg, drops, fragile)
    if cfg.calibration == "apex":
        damping = calibrate(cfg, drops[0], float(apex(pc[:1], cfg)[0]), t, n)
    elif cfg.calibration == "nominal":
        damping = cfg.ground_damping
    else:
        raise ValueError(f"calibration {cfg.calibration!r}: 'apex' or 'nominal'")
    rc, rv = rigid_drops(cfg, drops, np.full(len(drops), damping), t, n)
    return t, pc, pv, rc, rv, damping, internal, broken


def run(cfg: Config, progress: Progress = silent) -> Result:
    work, wall, rates = [], [], []
    for n in progress(cfg.sides, "cost against N"):
        block = Block(n, cfg, torch=True)
        work.append(bytes_written(block.step) / block.dt)
        wall.append(min_times([block.step], cfg.repeats)[0] / block.dt)
        rates.append(1 / block.dt)
    particles = [n * n for n in cfg.sides]
    logs = np.log(particles)
    slope = loglog_slope(particles, work)
    # the slope is exact for counted work; its spread over the window comes from leave-one-out fits
    loo = [float(np.polyfit(np.delete(logs, i), np.delete(np.log(work), i), 1)[0]) for i in range(len(logs))]
    exponent = Estimate(slope, min(loo), max(loo), "counted exactly", len(particles))

    drops = drops_of(cfg)
    if cfg.calibration_height not in cfg.heights:
        raise ValueError(f"calibration height {cfg.calibration_height} is not one of {cfg.heights}")
    pos, win, inst, coms, rebounds, dampings = [], [], [], [], [], []
    for n in progress(cfg.trajectory_sides, "drops"):
        t, pc, pv, rc, rv, damping, internal, _ = compare(n, cfg, drops)
        p, w, i = errors(drops, pc, pv, rc, rv)
        pos.append(p.tolist())
        win.append(w.tolist())
        inst.append(i.tolist())
        coms.append((pc, pv))
        rebounds.append(float(apex(pc[:1], cfg)[0]))
        dampings.append(damping)
    pc1 = coms[-1][0]
    moves = [(0.0, 0.0)] + [truth_change(drops, a, b) for a, b in pairwise(coms)]
    change_pos, change_vel = moves[-1]
    changes = [max(m) for m in moves]
    ratio = changes[-1] / changes[-2] if len(changes) > 2 and changes[-2] > 0 else None

    # the controls, at the largest n: a block that shatters, and a soft one
    n_last = cfg.trajectory_sides[-1]
    _, fc, fv, frc, frv, _, _, broken = compare(n_last, cfg, drops, fragile=True)
    fp, fw, _ = errors(drops, fc, fv, frc, frv)
    soft = replace(cfg, link_stiffness=cfg.link_stiffness * cfg.soft_factor)
    _, sc, sv, src, srv, _, _, _ = compare(n_last, soft, drops)
    sp, sw, _ = errors(drops, sc, sv, src, srv)

    show = 1 + int(np.argmax(np.maximum(pos[-1][1:], win[-1][1:])))  # the validation drop it gets most wrong
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
    body = outline(cfg)
    state = np.zeros((1, 2))

    def rigid_once() -> None:
        import torch

        c = torch.tensor(state)
        th = torch.zeros(1, dtype=torch.float64)
        rx = torch.tensor(body[:, 0]) * th.cos() - torch.tensor(body[:, 1]) * th.sin()
        y = c[:, 1:2] + rx
        f = (cfg.ground_stiffness * (-y).clamp(min=0)).sum(1)
        (c + f).sum()

    rigid_work = bytes_written(rigid_once) / RIGID_DT
    vp, vw = pos[-1][1:], win[-1][1:]
    before = max(max(pos[-2][1:]), max(win[-2][1:])) if len(pos) > 1 else max(max(vp), max(vw))
    evidence = Evidence(
        cost_exponent=exponent,
        years_per_second=years,
        validation_position_error=float(max(vp)),
        validation_velocity_error=float(max(vw)),
        truth_change_largest_n=max(change_pos, change_vel),
        error_change_largest_n=abs(max(max(vp), max(vw)) - before),
        fragile_error=float(max(fp[1:].max(), fw[1:].max())),
        soft_error=float(max(sp[1:].max(), sw[1:].max())),
    )
    return Result(
        evidence=evidence,
        particles=particles,
        work_per_second=work,
        time_per_second=wall,
        steps_per_second=rates,
        trajectory_particles=[n * n for n in cfg.trajectory_sides],
        drops=drops,
        position_errors=pos,
        velocity_errors=win,
        instant_velocity_errors=inst,
        truth_change_position=change_pos,
        truth_change_velocity=change_vel,
        truth_changes=changes,
        truth_ratio=ratio,
        rebounds=rebounds,
        dampings=dampings,
        damping=damping,
        calibration_position_error=pos[-1][0],
        calibration_velocity_error=win[-1][0],
        fragile_position_error=float(fp[1:].max()),
        fragile_velocity_error=float(fw[1:].max()),
        soft_position_error=float(sp[1:].max()),
        soft_velocity_error=float(sw[1:].max()),
        broken_share=broken,
        vibration_share=float(internal[0] / (cfg.mass * G * drops[0][0])),
        times=t[keep].tolist(),
        com_particle=pc1[show, keep, 1].tolist(),
        com_rigid=rc[show, keep, 1].tolist(),
        shown_drop=drops[show],
        rigid_work_per_second=float(rigid_work),
        bytes_per_particle_step=float(per_particle_step),
        atoms=atoms,
        record_years=atoms * 1.0 / (MD_RECORD_ATOMS * MD_RECORD_SECONDS_PER_DAY) / 365.25,
    )
