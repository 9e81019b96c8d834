"""Use cases: one function per action, taking an :class:`AppContext` and plain values.

Each write use case runs in one unit of work (one transaction, audit entries included)
and returns plain values or frozen dataclasses, never ORM objects, so the GUI and the CLI
can use the results after the session has closed.
"""
