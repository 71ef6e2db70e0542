"""vostochny-summit: a curated, versioned data package about the 13 September 2023 Putin–Kim summit.

Importing this module is cheap: pandas, polars, pandera, pyarrow and duckdb are imported only by the functions that
use them.
"""

__version__ = "0.3.0"

from .api import connect, croissant_path, descriptor, load, load_all, pandera_schema, path, tables, text  # noqa: E402
from .seal import SealBroken  # noqa: E402

__all__ = ["SealBroken", "__version__", "connect", "croissant_path", "descriptor", "load", "load_all", "pandera_schema", "path",
           "tables", "text"]
