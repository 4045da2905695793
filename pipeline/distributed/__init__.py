"""Engines that spread the analysis stage beyond one machine (optional extras)."""

from __future__ import annotations

from pipeline.distributed.ray_engine import DEFAULT_WINDOW, ray_outcomes

__all__ = ["DEFAULT_WINDOW", "ray_outcomes"]
