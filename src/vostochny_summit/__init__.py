"""vostochny-summit: a curated, versioned data package about the 13 September 2023 Putin–Kim summit.

Importing this module is cheap: it names the functions below and imports their module (api.py, seal.py) only when
one of them is first used; pandas, polars, pandera, pyarrow and duckdb are imported only by the functions that use
them. The command line starts from here too, and `validate` imports none of api.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.3.0"

_WHERE = {"connect": "api", "croissant_path": "api", "descriptor": "api", "load": "api", "load_all": "api",
          "pandera_schema": "api", "path": "api", "tables": "api", "text": "api", "SealBroken": "seal"}
__all__ = ["__version__", *sorted(_WHERE)]

if TYPE_CHECKING:
    from .api import connect, croissant_path, descriptor, load, load_all, pandera_schema, path, tables, text  # noqa: F401
    from .seal import SealBroken  # noqa: F401


def __getattr__(name: str):
    """The public names, imported from their module on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
