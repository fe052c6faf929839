"""Synthetic county bundles: families, units, work histories, inspectors, rounds and
planted conflicts, deterministic for a seed (``xuncha synth``)."""

from __future__ import annotations

from xuncha.synth.generate import SynthReport, write_bundle

__all__ = ["SynthReport", "write_bundle"]
