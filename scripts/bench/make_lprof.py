"""Generate a large line_profiler .lprof for benchmarks (read by scripts/bench/line-profiler.mjs).

Usage: /usr/bin/python3 make_lprof.py OUT.lprof [FUNCTIONS] [SEED]

Needs Debian's python3-line-profiler (4.0.2 on /usr/bin/python3 3.11). Profiling that many
real functions is not practical (LineProfiler.add_function takes minutes per thousand on
3.11), so the numbers are made up, and the file is written the way line_profiler writes
it: its own `LineStats` class, pickled by `pickle.dump(stats, f, pickle.HIGHEST_PROTOCOL)`
as `LineProfiler.dump_stats` does. FUNCTIONS keys over a few hundred files, about twelve
(line, hits, time) entries each, hits and times of realistic sizes (some times past 2**31,
so LONG1). Deterministic for a given seed.
"""
import pickle
import random
import sys

from line_profiler._line_profiler import LineStats

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)

timings = {}
for k in range(count):
    file = "/srv/app/pkg%d/module%d.py" % (k % 37, k % 301)
    first = 10 + (k // 301) * 15
    lines = []
    for line in range(first + 1, first + 1 + rng.randint(4, 20)):
        hits = rng.choice([1, 2, 10, 100, 1000, 100000]) * rng.randint(1, 9)
        lines.append((line, hits, hits * rng.randint(50, 50000)))
    timings[(file, first, "f%d" % k)] = lines
with open(out, "wb") as f:
    pickle.dump(LineStats(timings, 1e-9), f, pickle.HIGHEST_PROTOCOL)
