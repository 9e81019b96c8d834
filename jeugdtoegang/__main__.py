"""``python -m jeugdtoegang`` runs the command line."""

import sys

from jeugdtoegang.cli.main import main

sys.exit(main())
