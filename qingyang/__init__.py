"""qingyang (清样): OCR'd Chinese newspaper pages to clean, validated Parquet."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qingyang")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

PIPELINE_VERSION = __version__
