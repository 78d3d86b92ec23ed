# -*- coding: utf-8 -*-
"""pkg_b.inner: a third __init__.py (its <module> shares the name too)."""
