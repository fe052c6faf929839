"""One place for CP-SAT solver parameters (OR-Tools is imported lazily)."""

from __future__ import annotations

from typing import Any


def new_solver(time_limit_s: float, workers: int = 1, deterministic_time: float = 0, big: bool = False) -> Any:
    """A solver with fixed parameters.

    One worker, a fixed seed and a deterministic time budget make a run repeatable on any
    machine: it stops at the same point whether the machine is fast or slow, as long as
    the wall-clock limit ``time_limit_s`` (a safety net) is not reached first. More
    workers search better on large rounds but are not repeatable.
    ``linearization_level=2`` gives the LP the full assignment structure, which proves
    pigeonhole-style infeasibility and optimality in milliseconds on small rounds; on
    big models (``big``) it slows the search down, so the default level is kept.
    """
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    solver.parameters.linearization_level = 1 if big else 2
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.max_deterministic_time = deterministic_time or time_limit_s
    return solver
