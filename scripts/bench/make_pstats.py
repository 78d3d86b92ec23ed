"""Generate a large, realistic pstats dump for benchmarks (run by scripts/bench/run.mjs).

Usage: python make_pstats.py OUT.prof [FUNCTIONS] [EDGES] [SEED]

Writes marshal.dump(stats) the way cProfile's dump_stats does, with the interpreter's
default marshal version: {(file, line, name): (cc, nc, tt, ct, {caller: (nc, cc, tt, ct)})}.
Paths look like a real application (site-packages trees, stdlib, the project), names like
real functions (methods, closures, comprehensions, builtins as ('~', 0, label)); callers
follow a power law, so a few functions have hundreds of callers and most have a few.
Deterministic for a given seed.
"""
import marshal
import random
import sys

out = sys.argv[1]
n_functions = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
n_edges = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)

roots = [
    "/usr/lib/python3.11/",
    "/home/dev/.venv/lib/python3.11/site-packages/",
    "/srv/app/src/",
]
packages = ["django", "requests", "numpy", "pandas", "sqlalchemy", "myapp", "urllib3", "jinja2",
            "werkzeug", "celery", "boto3", "botocore", "pydantic", "attr", "yaml", "json", "email",
            "http", "asyncio", "collections", "importlib", "logging", "re", "typing", "unittest"]
words = ["get", "set", "load", "save", "parse", "render", "build", "run", "handle", "process",
         "compute", "update", "validate", "dispatch", "resolve", "make", "read", "write", "close",
         "open", "init", "query", "fetch", "encode", "decode", "visit", "walk", "emit", "apply"]
nouns = ["item", "request", "response", "node", "value", "field", "model", "view", "token",
         "session", "record", "config", "cache", "frame", "row", "column", "path", "key", "state"]

files = []
for i in range(max(1, n_functions // 12)):
    root = rng.choice(roots)
    pkg = rng.choice(packages)
    depth = rng.randint(0, 3)
    parts = [pkg] + ["%s%d" % (rng.choice(nouns), rng.randint(0, 9)) for _ in range(depth)]
    leaf = rng.choice(["__init__", rng.choice(nouns) + "s", rng.choice(words) + "_" + rng.choice(nouns), "utils", "base", "core"])
    files.append(root + "/".join(parts) + "/" + leaf + ".py")

keys = []
seen = set()
builtins = ["<built-in method builtins.%s>" % w for w in ["len", "isinstance", "getattr", "hasattr", "min", "max", "sorted", "iter", "next", "print"]]
builtins += ["<method '%s' of '%s' objects>" % (m, t) for m in ["append", "get", "join", "split", "items", "pop", "update", "startswith", "format", "encode"] for t in ["list", "dict", "str", "bytes", "set"]]
for label in builtins:
    key = ("~", 0, label)
    seen.add(key)
    keys.append(key)
while len(keys) < n_functions:
    f = rng.choice(files)
    line = rng.randint(1, 3000)
    r = rng.random()
    if r < 0.05:
        name = rng.choice(["<lambda>", "<genexpr>", "<listcomp>", "<dictcomp>", "<module>"])
    elif r < 0.15:
        name = rng.choice(["__init__", "__call__", "__getattr__", "__eq__", "__hash__", "__iter__", "__enter__", "__exit__"])
    else:
        name = "%s_%s" % (rng.choice(words), rng.choice(nouns))
        if rng.random() < 0.3:
            name += str(rng.randint(0, 99))
    key = (f, line, name)
    if key in seen:
        continue
    seen.add(key)
    keys.append(key)

# Power-law caller counts summing to about n_edges.
weights = [1.0 / (i + 1) ** 0.8 for i in range(len(keys))]
total_w = sum(weights)
order = list(range(len(keys)))
rng.shuffle(order)
stats = {}
remaining = n_edges
for rank, idx in enumerate(order):
    key = keys[idx]
    k = max(1, int(round(n_edges * weights[rank] / total_w)))
    k = min(k, remaining if remaining > 0 else 1, len(keys) - 1)
    remaining -= k
    callers = {}
    nc_total = 0
    cc_total = 0
    tt_total = 0.0
    ct_total = 0.0
    for _ in range(k):
        caller = keys[rng.randrange(len(keys))]
        if caller == key or caller in callers:
            continue
        nc = rng.randint(1, 500)
        cc = nc if rng.random() < 0.95 else rng.randint(0, nc)
        tt = rng.random() * 1e-3 * nc
        ct = tt + rng.random() * 5e-3 * nc
        callers[caller] = (nc, cc, tt, ct)
        nc_total += nc
        cc_total += cc
        tt_total += tt
        ct_total += ct
    if not callers:
        nc_total = cc_total = 1
        tt_total = rng.random() * 1e-3
        ct_total = tt_total * 2
    stats[key] = (cc_total, nc_total, tt_total, ct_total, callers)

with open(out, "wb") as f:
    marshal.dump(stats, f)
print("%s: %d functions, %d caller edges" % (out, len(stats), sum(len(v[4]) for v in stats.values())))
