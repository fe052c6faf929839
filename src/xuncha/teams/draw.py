"""Verifiable random draw (随机抽取): commit to a seed, draw with it, verify byte for byte."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PREFIX = "xuncha-draw-v1:"


def canonical_seed(seed: str) -> str:
    """The seed as committed: NFKC-normalised (full-width digits become ASCII), trimmed."""
    return unicodedata.normalize("NFKC", seed).strip()


def seed_int(seed: str) -> int:
    """The integer seed the solver uses, derived from the canonical text."""
    digest = hashlib.sha256((PREFIX + canonical_seed(seed)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def commit(seed: str) -> str:
    """SHA-256 hex of the canonical seed; publish it in the round's plan before the draw."""
    if not canonical_seed(seed):
        raise ValueError("种子不能为空 / the seed must not be empty")
    return hashlib.sha256((PREFIX + canonical_seed(seed)).encode("utf-8")).hexdigest()


def print_friendly(digest: str) -> str:
    """The hash in groups of eight, for print."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    commitment: str
    message: str
    first_difference: int | None = None


def verify(
    out_dir: str | Path,
    seed: str,
    rerun: Callable[[str], bytes],
    commitment: str | None = None,
) -> VerifyResult:
    """Re-run the draw with ``seed`` (``rerun(seed)`` returns teams.jsonl bytes) and compare.

    ``commitment``, when given, must equal :func:`commit` of the seed.
    """
    digest = commit(seed)
    if commitment is not None and commitment.replace(" ", "").lower() != digest:
        return VerifyResult(False, digest, "种子与公布的承诺值不符 / seed mismatch")
    published = (Path(out_dir) / "teams.jsonl").read_bytes()
    fresh = rerun(seed)
    if published == fresh:
        return VerifyResult(True, digest, "一致：公布的名单就是该种子的抽取结果 / identical")
    at = next(
        (i for i, (a, b) in enumerate(zip(published, fresh, strict=False)) if a != b),
        min(len(published), len(fresh)),
    )
    return VerifyResult(False, digest, f"不一致：第{at}字节起不同 / differs at byte {at}", at)
