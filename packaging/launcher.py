"""The one entry point of the frozen program: the command line or the GUI, by program name.

On Linux and macOS the package holds one executable, ``jeugdtoegang``, and a symbolic link
``jeugdtoegang-gui`` to it: sharing one executable halves the Python code in the package.
On Windows the GUI needs its own executable without a console window; both are built from
this same script.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    program = Path(sys.argv[0]).name.lower()
    if program.startswith("jeugdtoegang-gui"):
        from ui.app import main as gui_main

        return gui_main()
    from jeugdtoegang.cli.main import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
