"""`python -m qingyang`: the `qingyang` command."""

import sys

from qingyang.cli import main

sys.exit(main())
