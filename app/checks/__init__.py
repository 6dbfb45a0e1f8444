"""QA checks over aligned Chinese–English paragraphs.

Rule for this package (as Flask's sansio/README): no IO and no framework. Checks take plain
data (:class:`app.checks.base.PairContext`, :class:`app.checks.base.DocumentContext`) and return
:class:`app.model.Issue`; the runner places them as :class:`app.checks.base.Finding`. Nothing here
imports flask, click, sqlalchemy or app.storage/app.web/app.cli (import-linter enforces it).

Entry points: ``app.checks.runner.check_document`` / ``check_texts``, ``app.checks.registry.CHECKS``.
"""
