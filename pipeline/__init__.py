"""newsfacts: turn tech-news article dumps into normalised, reconciled facts.

The package reads like a map of the run:

- ``pipeline.ingest``     read dumps (files, folders, JSONL, WARC...) into :class:`Article`
- ``pipeline.extract``    find quantities and dates in text (pure, regex + lexicons)
- ``pipeline.normalize``  convert money and units to one scale
- ``pipeline.facts``      attach figures to subjects and predicates (uses spaCy docs)
- ``pipeline.reconcile``  merge claims into canonical facts and typed conflicts (pure)
- ``pipeline.report``     JSONL, terminal tables, the HTML report
- ``pipeline.train``      retrain the extractors from corrections
- ``pipeline.cli``        the ``newsfacts`` command
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
