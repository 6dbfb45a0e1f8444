"""Glossaries: CSV loading (``glossary``), term matching with spans (``matching``), discovery of
glossary candidates in a document without a glossary (``discovery``), a lexical model learned from one
document by word alignment (``wordalign``), terms rendered several ways (``consistency``), romanisations
of Chinese names (``romanise``) and the word tables they read (``tables``). Plain Python, no IO beyond
reading a glossary file the caller names and the installed packages' data files."""
