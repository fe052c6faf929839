"""One place for CP-SAT solver parameters (OR-Tools is imported lazily)."""

from __future__ import annotations

from typing import Any


def new_solver(time_limit_s: float, workers: int = 1) -> Any:
    """A solver with fixed parameters: one worker and fixed seed keep runs deterministic.

    ``linearization_level=2`` gives the LP the full assignment structure, which proves
    pigeonhole-style infeasibility and optimality in milliseconds on small rounds.
    The deterministic time limit stops runs at the same point on every machine.
    """
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.max_deterministic_time = time_limit_s
    return solver
