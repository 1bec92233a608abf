"""collectlint: compliance checker for Chinese debt-collection communication."""

__version__ = "0.1.0"

from collectlint.api import Linter, scan_paths, scan_text
from collectlint.models import Document, DocumentResult, Finding, Report, Utterance

__all__ = [
    "Document",
    "DocumentResult",
    "Finding",
    "Linter",
    "Report",
    "Utterance",
    "__version__",
    "scan_paths",
    "scan_text",
]
