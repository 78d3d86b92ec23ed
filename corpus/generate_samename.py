#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Regenerate the `samename` pstats fixtures of @pyprof/input-cprofile.

Run with any Python >= 3.8 (it only orchestrates)::

    python3 corpus/generate_samename.py [--python-prefix DIR]

``programs/samename/`` defines ``run()`` in ``pkg_a/util.py``,
``pkg_b/util.py`` and ``pkg_b/inner/util.py``, ``setup()`` in
``pkg_a/__init__.py`` and ``pkg_b/__init__.py`` (and ``helper()`` twice):
functions KCachegrind merges unless a converter names them apart (its key
is name + basename(file)).  The program is profiled with
``python -m cProfile -o FILE main.py`` by each CPython in ``PYTHONS`` and
each dump gets an oracle written by the same interpreter's own
``marshal``/``pstats`` (``tools/oracle_pstats.py``, as ``generate.py``
does).  Outputs, replaced on every run, go to
``packages/input-cprofile/test/fixtures/pstats/samename/``:
``samename.<tag>.cprofile.prof``, ``….oracle.json`` and ``README.md``.

Paths inside the dumps are kept neutral like the rest of the corpus: the
program is copied to ``/srv/pyprof-corpus/programs/samename`` for the run
and each interpreter is run as ``/opt/python/<version>/bin/python`` (a
symlink to ``--python-prefix``/<version> is made for the run when that
folder does not exist); both are removed afterwards.  Every run uses
``LC_ALL=C.UTF-8 TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1`` and
no ``PYTHONPATH``.  Needs root only for creating those two folders.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROGRAM = os.path.join(HERE, "programs", "samename")
ORACLE_TOOL = os.path.join(HERE, "tools", "oracle_pstats.py")
OUTDIR = os.path.join(REPO, "packages", "input-cprofile", "test", "fixtures",
                      "pstats", "samename")
STAGE_ROOT = "/srv/pyprof-corpus"
STAGE = os.path.join(STAGE_ROOT, "programs", "samename")
NEUTRAL_PREFIX = "/opt/python"

PYTHONS = {"py27": "2.7.18", "py38": "3.8.18", "py313": "3.13.0"}

sys.path.insert(0, HERE)
from generate import run  # noqa: E402  (same environment and error handling)


def sha256(path):
    with open(path, "rb") as fp:
        return hashlib.sha256(fp.read()).hexdigest()


README = """# samename: equal function names in equal basenames

Written by `corpus/generate_samename.py` (do not edit by hand; rerun it).
The program is `corpus/programs/samename/` (see its `main.py` docstring):
`run()` in `pkg_a/util.py`, `pkg_b/util.py` and `pkg_b/inner/util.py`;
`setup()` in `pkg_a/__init__.py` and `pkg_b/__init__.py`; `helper()` in both
`util.py` of `pkg_a` and `pkg_b`; and the `<module>` of every one of those
files. KCachegrind keys a function by name + basename(file), so each group
is one function to it unless the converter names them apart.

Each dump was written by `python -m cProfile -o FILE main.py` (the program
copied to `/srv/pyprof-corpus/programs/samename`, run from that folder with
the absolute path, `LC_ALL=C.UTF-8 TZ=UTC PYTHONHASHSEED=0
PYTHONDONTWRITEBYTECODE=1`), and its `.oracle.json` by the same interpreter's
`marshal`/`pstats` through `corpus/tools/oracle_pstats.py` (format:
`corpus/README.md`, "pstats").

| file | interpreter | size | sha256 |
| --- | --- | --- | --- |
{rows}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python-prefix", metavar="DIR",
                        default=os.environ.get("PYPROF_PYTHON_PREFIX",
                                               os.path.expanduser("~/.pyenv/versions")),
                        help="folder holding <version>/bin/python")
    args = parser.parse_args()
    prefix = os.path.abspath(args.python_prefix)

    if os.path.exists(STAGE):
        raise SystemExit("%s exists; remove it first" % STAGE)
    made_root = not os.path.exists(STAGE_ROOT)
    links = []
    try:
        shutil.copytree(PROGRAM, STAGE)
        for version in PYTHONS.values():
            neutral = os.path.join(NEUTRAL_PREFIX, version)
            if not os.path.exists(neutral):
                os.makedirs(NEUTRAL_PREFIX, exist_ok=True)
                os.symlink(os.path.join(prefix, version), neutral)
                links.append(neutral)
        if os.path.isdir(OUTDIR):
            shutil.rmtree(OUTDIR)
        os.makedirs(OUTDIR)
        rows = []
        for tag, version in PYTHONS.items():
            py = os.path.join(NEUTRAL_PREFIX, version, "bin", "python")
            name = "samename.%s.cprofile.prof" % tag
            out = os.path.join(OUTDIR, name)
            script = os.path.join(STAGE, "main.py")
            proc = run([py, "-m", "cProfile", "-o", out, script], cwd=STAGE)
            meta = {"producer": {
                "python": version, "profiler": "cProfile",
                "options": "python -m cProfile -o FILE PROGRAM",
                "command": "python%s -m cProfile -o %s %s" % (
                    ".".join(version.split(".")[:2]), name, script),
                "cwd": STAGE, "program": "samename",
                "program_stdout": proc.stdout.decode("utf-8", "replace"),
            }}
            run([py, ORACLE_TOOL, "--meta", json.dumps(meta), out,
                 out + ".oracle.json"], cwd=OUTDIR)
            rows.append("| `%s` | CPython %s | %d | `%s` |" % (
                name, version, os.path.getsize(out), sha256(out)))
            print("samename", name, os.path.getsize(out))
        with open(os.path.join(OUTDIR, "README.md"), "w", encoding="utf-8") as fp:
            fp.write(README.replace("{rows}", "\n".join(rows)))
    finally:
        shutil.rmtree(STAGE, ignore_errors=True)
        if made_root:
            shutil.rmtree(STAGE_ROOT, ignore_errors=True)
        for link in links:
            os.remove(link)
        if links and not os.listdir(NEUTRAL_PREFIX):
            os.rmdir(NEUTRAL_PREFIX)


if __name__ == "__main__":
    sys.exit(main())
