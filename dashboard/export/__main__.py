"""``python -m dashboard.export --start … --out FILE``: see dashboard.export.cli."""

import sys

from dashboard.export.cli import main

sys.exit(main())
