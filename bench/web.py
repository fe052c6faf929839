"""Benchmark: the web application under 20 concurrent users on the demo data.

Seeds a database from the synthetic county exactly as ``xuncha web-demo`` does (import, screen,
staff, publish, one login per role), serves it with ``xuncha serve`` in its own process (one
uvicorn worker, SQLite, as an office would run it), then lets ``--users`` virtual users, spread
over the roles, request the main pages of their role in a loop. A warm-up pass is not counted.
Each user waits a think time between pages (uniform in 0.5–1.5 × ``--think`` seconds, seeded), as
a person reading a page does; ``--think 0`` is the stress case where every user clicks again the
moment a page arrives. Prints p50 and p95 latency per page and overall, and the ratio of p95 to the
300 ms target.

    .venv/bin/python bench/web.py                     # 50,000 persons, 20 users, 10 passes each
    .venv/bin/python bench/web.py --persons 20000 --passes 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, XUNCHA, machine, synth_bundle

from xuncha.web.demo import Login, seed_demo

TARGET_P95_MS = 300.0
ROLE_PAGES = {
    "admin": ("/", "/screening/{r}", "/staffing/{r}", "/inquiries/{r}", "/findings/{r}", "/evaluation/{r}"),
    "leading_group": ("/", "/screening/{r}", "/staffing/{r}", "/inquiries/{r}", "/evaluation/{r}"),
    "team_leader": ("/", "/staffing/{r}", "/inquiries/{r}", "/findings/{r}"),
    "member": ("/", "/staffing/{r}", "/inquiries/{r}", "/findings/{r}"),
    "supervisor": ("/", "/supervision/{r}", "/staffing/{r}", "/findings/{r}"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, data: Path, port: int) -> subprocess.Popen[bytes]:
    args = [*XUNCHA, "serve", "--db", url, "--data", str(data), "--port", str(port)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


async def login(client: httpx.AsyncClient, who: Login) -> None:
    response = await client.post("/login", data={"name": who.name, "password": who.password})
    if response.status_code != 303:
        raise SystemExit(f"login of {who.name} failed: {response.status_code}")


async def user(
    base: str, who: Login, pages: list[str], passes: int, times: dict[str, list[float]], think: tuple[float, Any]
) -> None:
    seconds, rng = think
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as client:
        await login(client, who)
        for n in range(passes + 1):
            for page in pages:
                if seconds:
                    await asyncio.sleep(rng.uniform(0.5 * seconds, 1.5 * seconds))
                start = time.perf_counter()
                response = await client.get(page)
                took = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{who.name} {page}: {response.status_code}")
                if n:  # pass 0 warms caches
                    times.setdefault(page, []).append(took)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def report(times: dict[str, list[float]], users: int, seconds: float) -> None:
    everything = [t for values in times.values() for t in values]
    print(f"\n{len(everything):,} requests by {users} concurrent users in {seconds:.1f} s")
    print(f"{'page':<28}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for page, values in sorted(times.items()):
        print(f"{page:<28}{len(values):>6}{statistics.median(values):>10.1f}{p95(values):>10.1f}")
    overall = p95(everything)
    print(f"{'all pages':<28}{len(everything):>6}{statistics.median(everything):>10.1f}{overall:>10.1f}")
    print(f"p95 / target {TARGET_P95_MS:.0f} ms = {overall / TARGET_P95_MS:.2f}")


async def load(base: str, logins: list[Login], round_id: str, users: int, passes: int, think: float) -> None:
    by_role = [login for login in logins if login.role in ROLE_PAGES]
    times: dict[str, list[float]] = {}
    tasks = []
    for k in range(users):
        who = by_role[k % len(by_role)]
        pages = [p.format(r=round_id) for p in ROLE_PAGES[who.role]]
        tasks.append(user(base, who, pages, passes, times, (think, random.Random(k))))
    start = time.perf_counter()
    await asyncio.gather(*tasks)
    print(f"\nthink time {think:.1f} s (uniform 0.5-1.5 x)")
    report(times, users, time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--passes", type=int, default=10, help="passes over the role's pages per user")
    parser.add_argument("--think", type=float, nargs="+", default=[1.0, 0.0], help="think times to run, seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"machine: {machine()}")
    bundle = synth_bundle(args.out, args.persons, args.seed, "csv")
    round_id = (bundle / "ROUND").read_text(encoding="utf-8").strip()
    data = args.out / f"web-{args.persons}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    url = f"sqlite:///{data.resolve() / 'xuncha.db'}"
    start = time.perf_counter()
    logins = seed_demo(bundle, url, data.resolve(), round_id)
    print(f"  seeded {args.persons:,} persons (import, screen, staff, publish) in {time.perf_counter() - start:.1f} s")
    port = free_port()
    server = serve(url, data, port)
    try:
        for think in args.think:
            asyncio.run(load(f"http://127.0.0.1:{port}", logins, round_id, args.users, args.passes, think))
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"server: one uvicorn worker, SQLite; pid {os.getpid()} drove the load with asyncio + httpx")


if __name__ == "__main__":
    main()
