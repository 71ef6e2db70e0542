"""`python -m vostochny_summit`: the same as the `vostochny-summit` command."""

import sys

from .cli import main

sys.exit(main())
