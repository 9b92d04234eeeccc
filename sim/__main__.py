"""``python -m sim``: same as the ``pim-sim`` command (:func:`sim.cli.main`)."""

import sys

from sim.cli import main

sys.exit(main())
