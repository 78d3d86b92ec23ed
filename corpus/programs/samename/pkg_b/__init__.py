# -*- coding: utf-8 -*-
"""Package B: its setup() has the same name as pkg_a's (both in __init__.py)."""

STATE = {}


def setup():
    STATE["calls"] = STATE.get("calls", 0) + 1
    return STATE["calls"]
