"""`python -m vostochny_summit`: the same as the `vostochny-summit` command."""

from .cli import console

console()
