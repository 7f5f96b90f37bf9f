"""elbsim against SimPy on the e2e_alb_lor_100 model (`make bench-peer`).

Runs elbsim (tests/peer/alb_lor_100.yaml) RUNS times and the SimPy model
(tests/peer/alb_lor_100.py) once, for the same simulated time and warm-up, and prints each
one's mean response time with a 95 % batch-means interval (the measured window cut into
BATCHES equal spans; elbsim's from the 1-second rows of timeseries.csv, weighted by the
completions of each second), whether the two agree (the difference within the half-width
of the difference, sqrt(h1^2 + h2^2)), and each one's simulated requests per wall second
(elbsim: the median of its runs, the whole process: loading, running, writing files).

Usage: python3 compare.py ELBSIM [DURATION_S [WARMUP_S [BATCHES [RUNS]]]]
"""
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from alb_lor_100 import batch_means  # noqa: E402


def elbsim_run(elbsim, duration, warmup, out):
    """One elbsim run; returns (wall s, CPU s, timeseries rows)."""
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.monotonic()
    subprocess.run([elbsim, "run", os.path.join(HERE, "alb_lor_100.yaml"),
                    "--set", f"duration={duration:g}s", "--set", f"warmup={warmup:g}s",
                    "-o", out], check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - w0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    with open(os.path.join(out, "timeseries.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["scope"] == "workload" and r["name"] == "w"]
    return wall, cpu, rows


def elbsim_batches(rows, duration, warmup, batches):
    """Mean response time per batch from the per-second completions and their mean."""
    per = {}
    for r in rows:
        if r["metric"] in ("completed", "latency_mean_s", "requests"):
            per.setdefault(int(float(r["time_s"])), {})[r["metric"]] = float(r["value"])
    arrived = int(sum(v.get("requests", 0) for v in per.values()))
    span = (duration - warmup) / batches
    bsum, bcnt = [0.0] * batches, [0.0] * batches
    for t, v in per.items():
        if t <= warmup or "latency_mean_s" not in v or not v.get("completed"):
            continue
        b = min(int((t - 1 - warmup) / span), batches - 1)
        bsum[b] += v["latency_mean_s"] * v["completed"]
        bcnt[b] += v["completed"]
    return [s / c for s, c in zip(bsum, bcnt)], arrived, int(sum(bcnt))


def main():
    elbsim = sys.argv[1]
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 65
    warmup = float(sys.argv[3]) if len(sys.argv) > 3 else 5
    batches = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    print(f"bench-peer: ALB, 2 nodes, least outstanding requests, 100 one-vCPU targets, "
          f"9000 requests/s, exp(10 ms) demand (rho 0.9), LB latency lognormal(2 ms, p99 "
          f"10 ms); {duration:g} s simulated, {warmup:g} s warm-up, {batches} batches")
    walls, cpus = [], []
    with tempfile.TemporaryDirectory(prefix="elbsim-peer-") as tmp:
        for i in range(runs):
            wall, cpu, rows = elbsim_run(elbsim, duration, warmup, os.path.join(tmp, f"r{i}"))
            walls.append(wall)
            cpus.append(cpu)
    means, e_req, e_done = elbsim_batches(rows, duration, warmup, batches)
    e_mean, e_half = batch_means(means)
    e_wall, e_cpu = statistics.median(walls), statistics.median(cpus)
    out = subprocess.run([sys.executable, os.path.join(HERE, "alb_lor_100.py"),
                          f"{duration:g}", f"{warmup:g}", str(batches), "1"],
                         check=True, capture_output=True, text=True).stdout
    p = dict(kv.split("=") for kv in out.split())
    p_mean, p_half = float(p["mean_s"]), float(p["half_s"])
    p_req, p_wall, p_cpu = int(p["requests"]), float(p["wall_s"]), float(p["cpu_s"])
    print(f"  elbsim  mean response {1e3 * e_mean:.3f} ms +- {1e3 * e_half:.3f} ms (95 %), "
          f"{e_done} completed; {e_req / e_wall:,.0f} simulated requests/wall s "
          f"({e_req} in {e_wall:.2f} s wall, {e_cpu:.2f} s CPU; median of {runs})")
    print(f"  SimPy   mean response {1e3 * p_mean:.3f} ms +- {1e3 * p_half:.3f} ms (95 %), "
          f"{p['completed']} completed; {p_req / p_wall:,.0f} simulated requests/wall s "
          f"({p_req} in {p_wall:.2f} s wall, {p_cpu:.2f} s CPU)")
    diff, half = e_mean - p_mean, (e_half ** 2 + p_half ** 2) ** 0.5
    verdict = "agree" if abs(diff) <= half else "DIFFER"
    print(f"  difference {1e3 * diff:+.3f} ms +- {1e3 * half:.3f} ms: the two {verdict} "
          f"within error")
    print(f"  speed ratio elbsim/SimPy: {(e_req / e_wall) / (p_req / p_wall):.0f}x wall, "
          f"{(e_req / e_cpu) / (p_req / p_cpu):.0f}x CPU")


if __name__ == "__main__":
    main()
