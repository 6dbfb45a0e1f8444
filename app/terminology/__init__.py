"""Glossaries: CSV loading (``glossary``), term matching with spans (``matching``), and discovery of
glossary candidates in a document without a glossary (``discovery``). Plain Python, no IO beyond
reading a glossary file the caller names."""
