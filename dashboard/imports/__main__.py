"""``python -m dashboard.imports FILE --name NAME ...``: see :mod:`dashboard.imports.cli`."""

import sys

from dashboard.imports.cli import main

sys.exit(main())
