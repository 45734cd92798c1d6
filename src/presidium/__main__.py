"""``python -m presidium`` runs the same command line as the ``presidium`` script."""

import sys

from presidium.launch import main

sys.exit(main())
