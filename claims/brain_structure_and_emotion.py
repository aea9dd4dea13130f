"""Claim brain-structure-and-emotion: today's AI is structurally far simpler than a brain; emotions will not
emerge on this path. An opinion: the reason no experiment settles it is in ``brain_structure_and_emotion.<lang>.yml``;
anchors: ``brain_structure_and_emotion.anchors.yml``; cited evidence for and against:
``brain_structure_and_emotion.sources.yml``."""

from __future__ import annotations

from kanguri.claim import define

claim = define("brain-structure-and-emotion")
