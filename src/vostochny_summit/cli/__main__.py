"""`python -m vostochny_summit.cli`: the same as the `vostochny-summit` command."""

import sys

from . import main

sys.exit(main())
