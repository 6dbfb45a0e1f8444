"""Text to segments: paragraphs (one per non-blank line) and sentences (sentencex plus our rules).

Dependency rule: this package does no IO and imports no web, database or CLI
framework; it may import only the kernel (``app.model``, ``app.errors``).
"""

from app.segmentation.paragraphs import split_paragraphs
from app.segmentation.sentences import edge_clauses, split_sentences

__all__ = ["edge_clauses", "split_paragraphs", "split_sentences"]
