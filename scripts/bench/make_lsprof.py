"""Generate a large Breezy-style lsprof pickle for benchmarks (read by scripts/bench/lsprof.mjs).

Usage: python3 make_lsprof.py OUT.pickle [ENTRIES] [SUBENTRIES_PER_ENTRY] [THREADS] [SEED]

Writes what `brz --lsprof-file OUT.pickle` writes: pickle protocol 2 of a
`breezy.lsprof.Stats` (a stand-in class registered under that module name, so the pickle
names exactly the globals real files do) whose `data` holds real `_lsprof.profiler_entry`
records with `_lsprof.profiler_subentry` callees, sorted by inline time, plus THREADS
per-thread Stats of a tenth of the size. Labels look like Breezy's (module:line(name),
<filename>:line(name), C function labels). Deterministic for a given seed.
"""
import _lsprof
import pickle
import random
import sys
import types

out = sys.argv[1]
n_entries = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
n_subs = int(sys.argv[3]) if len(sys.argv) > 3 else 8
n_threads = int(sys.argv[4]) if len(sys.argv) > 4 else 4
rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)

breezy = types.ModuleType("breezy")
lsprof = types.ModuleType("breezy.lsprof")


class Stats(object):
    def __init__(self, data, threads):
        self.data = data
        self.threads = threads


Stats.__module__ = "breezy.lsprof"
lsprof.Stats = Stats
breezy.lsprof = lsprof
sys.modules["breezy"] = breezy
sys.modules["breezy.lsprof"] = lsprof

packages = ["breezy.bzr", "breezy.git", "dulwich", "breezy", "email", "json", "importlib"]
words = ["get", "set", "load", "save", "parse", "render", "build", "run", "walk", "iter"]


def make_labels(n):
    labels = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.1:
            labels.append("<built-in method mod%d.%s>" % (i % 97, rng.choice(words)))
        elif kind < 0.2:
            labels.append("</srv/app/pkg%d/m%d.py>:%d(%s_%d)" % (i % 31, i % 13, rng.randint(1, 3000), rng.choice(words), i))
        else:
            labels.append("%s.m%d:%d(%s_%d)" % (rng.choice(packages), i % 53, rng.randint(1, 3000), rng.choice(words), i))
    return labels


def make_data(n, subs):
    labels = make_labels(n)
    data = []
    for i, label in enumerate(labels):
        calls = None
        if rng.random() < 0.8:
            calls = []
            for _ in range(rng.randint(1, 2 * subs - 1)):
                count = rng.randint(1, 50)
                t = rng.random() * 1e-3
                calls.append(_lsprof.profiler_subentry((rng.choice(labels), count, 0, t, t / 2)))
        count = rng.randint(1, 5000)
        total = rng.random() * 0.1
        data.append(_lsprof.profiler_entry((label, count, rng.randint(0, 1), total, total / 3, calls)))
    data.sort(key=lambda e: e.inlinetime, reverse=True)
    return data


threads = {140000000000000 + 4096 * k: Stats(make_data(max(1, n_entries // 10), n_subs), {})
           for k in range(n_threads)}
stats = Stats(make_data(n_entries, n_subs), threads)
with open(out, "wb") as f:
    pickle.dump(stats, f, 2)
