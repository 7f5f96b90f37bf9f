"""SimPy model of elbsim's e2e_alb_lor_100 benchmark (tests/bench_e2e.c), for comparison.

The model, as elbsim runs it (tests/peer/alb_lor_100.yaml):
- Poisson arrivals at 9000 requests/s; each request is its own flow, so DNS (the flow hash
  modulo the nodes) sends it to one of the ALB's two nodes (zones a and b) at random;
- the node's processing latency, lognormal(median=2ms, p99=10ms) (the ALB's `realistic`
  profile), then routing;
- least outstanding requests per node: each node counts only the requests it sent and
  picks the target with the fewest of them in flight; ties go to the target that has been
  at that count longest (models/elb/routing/routing_lor.c); cross-zone on, so every node
  sees all 100 targets;
- 100 targets of one vCPU, speed 1, FCFS with an unbounded queue; service demand
  exp(mean=10ms), so the utilisation is 9000 x 0.01 / 100 = 0.9;
- the response goes straight back (no latency on the way out); the response time is from
  the arrival at the ALB to the end of service.

Prints one line of `key=value` fields: the mean response time over the measured window
with its 95 % batch-means interval (BATCHES equal spans of completion time after the
warm-up), the requests that arrived and those completed in the window, and the wall and
CPU seconds of the simulation loop.

Usage: python3 alb_lor_100.py DURATION_S WARMUP_S BATCHES SEED
"""
import math
import random
import sys
import time
from collections import OrderedDict

import simpy

RATE = 9000.0          # requests/s
DEMAND_MEAN = 0.010    # s
TARGETS = 100
NODES = 2
LB_MU = math.log(0.002)                  # lognormal: median 2 ms ...
LB_SIGMA = math.log(0.010 / 0.002) / 2.3263478740408408  # ... p99 10 ms (z of 0.99)

# t quantiles, 0.975, by degrees of freedom (batch counts up to 31).
T975 = [0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
        2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
        2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


class LorNode:
    """One ALB node's least-outstanding-requests state: buckets of targets by count."""

    def __init__(self, n):
        self.count = [0] * n
        self.buckets = [OrderedDict((t, None) for t in range(n))]
        self.low = 0

    def pick(self):
        while not self.buckets[self.low]:
            self.low += 1
        t, _ = self.buckets[self.low].popitem(last=False)
        c = self.low + 1
        if c == len(self.buckets):
            self.buckets.append(OrderedDict())
        self.buckets[c][t] = None
        self.count[t] = c
        return t

    def done(self, t):
        c = self.count[t]
        del self.buckets[c][t]
        self.buckets[c - 1][t] = None
        self.count[t] = c - 1
        if c - 1 < self.low:
            self.low = c - 1


def batch_means(means):
    """The mean of the batch means and the half-width of its 95 % t interval."""
    k = len(means)
    m = sum(means) / k
    sd = math.sqrt(sum((x - m) ** 2 for x in means) / (k - 1))
    return m, T975[min(k - 1, len(T975) - 1)] * sd / math.sqrt(k)


def main():
    duration, warmup = float(sys.argv[1]), float(sys.argv[2])
    batches, seed = int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    env = simpy.Environment()
    cpus = [simpy.Resource(env, capacity=1) for _ in range(TARGETS)]
    nodes = [LorNode(TARGETS) for _ in range(NODES)]
    blen = (duration - warmup) / batches
    bsum = [0.0] * batches
    bcnt = [0] * batches
    arrived = [0]

    def request(t0, node, demand, lb_delay):
        yield env.timeout(lb_delay)
        t = node.pick()
        with cpus[t].request() as slot:
            yield slot
            yield env.timeout(demand)
        node.done(t)
        now = env.now
        if now >= warmup:
            b = min(int((now - warmup) / blen), batches - 1)
            bsum[b] += now - t0
            bcnt[b] += 1

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(RATE))
            arrived[0] += 1
            node = nodes[rng.randrange(NODES)]
            env.process(request(env.now, node, rng.expovariate(1.0 / DEMAND_MEAN),
                                rng.lognormvariate(LB_MU, LB_SIGMA)))

    env.process(arrivals())
    w0, c0 = time.monotonic(), time.process_time()
    env.run(until=duration)
    wall, cpu = time.monotonic() - w0, time.process_time() - c0
    m, half = batch_means([s / c for s, c in zip(bsum, bcnt)])
    print(f"mean_s={m:.6f} half_s={half:.6f} requests={arrived[0]} completed={sum(bcnt)} "
          f"wall_s={wall:.3f} cpu_s={cpu:.3f}")


if __name__ == "__main__":
    main()
