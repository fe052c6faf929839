"""Team formation ("3+X"), verifiable random draws and the term plan (issue 3).

Public surface (import from the modules; this package imports nothing heavy):

- ``model``: Candidate, Target, RoundSpec, Tie, HistoryRow, Pin, Ban -> Assignment
- ``policy.load_team_policy(mapping)`` -> TeamPolicy (defaults in default_policy.yaml)
- ``solve.form_teams(round, targets, candidates, ties, history, policy, *, seed, ...)``
- ``explain.explain(assignment, person)`` -> Chinese sentences
- ``output.write_teams(assignment, out_dir)`` / ``output.teams_jsonl(assignment)``
- ``draw.commit(seed)``, ``draw.seed_int(seed)``, ``draw.verify(out_dir, seed, rerun)``
- ``plan.plan_term(...)`` -> TermPlan; ``coverage.write_plan(plan, out_dir)``
- ``pins.PinError``, ``plan.CapacityError``, ``result.SolveError``
- ``from_bundle.round_inputs(bundle, round_id, policy)`` -> RoundInputs (the bundle side)
- ``command``: the CLI's assign / explain / draw commit|verify / plan
"""
