"""The ``jeugdtoegang`` command line (core only, no Qt)."""
