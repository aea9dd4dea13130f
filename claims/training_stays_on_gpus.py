"""Claim training-stays-on-gpus: training stays on NVIDIA GPUs because of CUDA. An opinion: the reason no
experiment settles it is in ``training_stays_on_gpus.<lang>.yml``; anchors: ``training_stays_on_gpus.anchors.yml``;
cited evidence for and against: ``training_stays_on_gpus.sources.yml``."""

from __future__ import annotations

from kanguri.claim import define

claim = define("training-stays-on-gpus")
