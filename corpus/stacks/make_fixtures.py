#!/usr/bin/env python3
"""Rebuilds the stack-reconstruction fixtures (issue 16) into
tests/integration/fixtures/stacks/: cProfile dumps with the exact call tree of the same
run (trace_run.py), for the programs in programs/, with CPython 3.12.1 and 3.13.0.

Usage: python3 make_fixtures.py [--python-prefix DIR]   (default ~/.pyenv/versions)

Cases (OUT name: what runs):
  importer.<tag>   python -m cProfile -m importer        (cwd programs/)
  jsontool.<tag>   python -m cProfile -m json.tool programs/jsontool-input.json
  parser.<tag>     python -m cProfile programs/parser.py
  genexpr.<tag>    python -m cProfile programs/genexpr_sum.py
Children get a fixed environment (C.UTF-8, PYTHONHASHSEED=0, no bytecode writing, no
PYTHONPATH); timings differ between runs, structure and call counts do not.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "integration", "fixtures", "stacks")
PYTHONS = {"py312": "3.12.1", "py313": "3.13.0"}


def main():
    prefix = os.path.expanduser("~/.pyenv/versions")
    if "--python-prefix" in sys.argv:
        prefix = sys.argv[sys.argv.index("--python-prefix") + 1]
    os.makedirs(OUT, exist_ok=True)
    programs = os.path.join(HERE, "programs")
    env = {"LC_ALL": "C.UTF-8", "TZ": "UTC", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": "/usr/bin:/bin"}
    runner = os.path.join(HERE, "trace_run.py")
    cases = [
        ("importer", ["-m", "importer"]),
        ("jsontool", ["-m", "json.tool", os.path.join(programs, "jsontool-input.json")]),
        ("parser", [os.path.join(programs, "parser.py")]),
        ("genexpr", [os.path.join(programs, "genexpr_sum.py")]),
    ]
    for tag, version in PYTHONS.items():
        python = os.path.join(prefix, version, "bin", "python")
        for name, args in cases:
            out = os.path.join(OUT, "%s.%s" % (name, tag))
            subprocess.run([python, runner, out] + args, cwd=programs, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            print("wrote", os.path.relpath(out, ROOT) + ".prof", "and .trace.json")


main()
