"""Every conflict planted in a synthetic county is found; planted non-conflicts are not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xuncha.bundle.load import load_bundle
from xuncha.policy.model import load_policy
from xuncha.screening.run import screen
from xuncha.synth.generate import write_bundle

SEED = 7


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "bundle"
    write_bundle(out, persons=4000, seed=SEED, fmt="csv")
    return out


def _key(record: dict[str, object]) -> tuple[object, ...]:
    return (record["inspector"], record["target"], record["counterpart"], record["category"])


def _planted(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_planted_conflicts_are_found(county: Path) -> None:
    bundle = load_bundle(county)
    planted = _planted(county / "planted.jsonl")
    rounds = sorted({str(p["round"]) for p in planted})
    assert len(rounds) >= 2, "the synthetic bundle plants a regular and a cross round"
    categories = set()
    for round_id in rounds:
        found = {_key(r) for r in screen(bundle, round_id, load_policy()).records}
        for plant in (p for p in planted if p["round"] == round_id):
            assert _key(plant) in found, f"seed {SEED}: planted conflict not found: {plant}"
            categories.add(plant["category"])
        for plant in (p for p in _planted(county / "planted_negative.jsonl") if p["round"] == round_id):
            assert _key(plant) not in found, f"seed {SEED}: non-conflict reported: {plant}"
    assert len(categories) == 11
