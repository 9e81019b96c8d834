"""jeugdtoegang: the core of the local youth-care access team workstation.

The core holds the domain rules, storage, letters, sync and the command line. It never
imports Qt or the ``ui`` package; that rule is checked by an import-linter contract in the
test suite.
"""

__version__ = "0.2.0"
