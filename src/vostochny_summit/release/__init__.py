"""The release wing: reproducible artefacts (artefacts.py) and the diff between two versions (diff.py)."""


class ReleaseRefused(Exception):
    """`release` cannot run here (not a source checkout, or no `build` package); `str()` is the one line to show: why,
    and the fix. It is raised before anything is written, or when building the wheel and the sdist fails."""
