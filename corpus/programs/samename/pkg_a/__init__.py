# -*- coding: utf-8 -*-
"""Package A: its setup() has the same name as pkg_b's (both in __init__.py)."""

STATE = []


def setup():
    STATE.append("a")
    return len(STATE)
