"""`python -m vostochny_summit.cli`: the same as the `vostochny-summit` command (console: how the process ends, and
what it declines to import, included)."""

from . import console

console()
