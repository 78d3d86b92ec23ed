"""An import-heavy package for `python -m cProfile -m importer`: modules import one another
in a tree, some lazily inside functions, and do work while they load (classes, tables,
regular expressions), so each module body has its own cumulative time under the import that
ran it."""
