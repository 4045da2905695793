"""Coded errors and the exception tree of newsfacts.

::

    PipelineError                 anything newsfacts raises on purpose
    ├── UsageError                a bad command line or option (exit code 2)
    ├── InputError                an input that cannot be read at all (a missing path)
    ├── LexiconError              a language data file that is missing or malformed
    ├── NormalisationError        a value that cannot be normalised (unknown currency...)
    ├── ReconciliationError       facts that cannot be reconciled (inconsistent units...)
    ├── StoreError                a fact store that cannot be opened, read or written
    └── ModelError                a model that cannot be loaded or trained

Messages live in :class:`Errors` with ``{placeholders}``; raise them as
``raise LexiconError(Errors.E001.format(path=path)) from e``.
"""

from __future__ import annotations

__all__ = [
    "Errors",
    "InputError",
    "LexiconError",
    "ModelError",
    "NormalisationError",
    "PipelineError",
    "ReconciliationError",
    "StoreError",
    "UsageError",
]


class PipelineError(Exception):
    """Base class of every error newsfacts raises on purpose."""


class UsageError(PipelineError):
    """A bad command line or option."""


class InputError(PipelineError):
    """An input path that cannot be read at all."""


class LexiconError(PipelineError):
    """A language data file is missing or malformed."""


class NormalisationError(PipelineError):
    """A value cannot be normalised."""


class ReconciliationError(PipelineError):
    """Claims cannot be reconciled."""


class StoreError(PipelineError):
    """A fact store that cannot be opened, read or written."""


class ModelError(PipelineError):
    """A model cannot be loaded or trained."""


class Errors:
    """Every message, once. Codes never change meaning; new ones are appended."""

    E001 = "Language data file not found: {path}"
    E002 = "Language data file {path} is malformed: {detail}"
    E003 = "Unsupported language {lang!r}; available: {available}"
    E004 = "Input path does not exist: {path}"
    E005 = "Unknown currency code {code!r}"
    E006 = "No exchange rate from {src} to {dst} on or before {day}"
    E007 = "Cannot load spaCy model {name!r}: {detail}"
    E008 = "Output directory {path} is not writable: {detail}"
    E009 = "Not a newsfacts run directory (no {name}): {path}"
    E010 = "Claims of one group have different units: {units}"
    E011 = "Invalid option {option}: {detail}"
    # the run's folder, work file and exits (E012-E049)
    E012 = "--out {path} is a file, not a folder"
    E013 = (
        "{path} is in use by another newsfacts run; wait for it to end or choose another {option}"
    )
    E014 = (
        "Cannot resume the run in {path}: {differences}; give the same inputs and options, "
        "or run without --resume to start afresh"
    )
    E015 = "Cannot resume the run in {path}: {detail}; run without --resume to start afresh"
    E016 = "Nothing to resume in {path} (no work file): starting a fresh run"
    E017 = "{count} damaged line(s) of the work file dropped; their articles are analysed again"
    E018 = "Work file {path}, line {line}: {detail}; line dropped"
    E019 = "disk full while writing {path}; free space and run again with --resume"
    E020 = "interrupted; run the same command with --resume to go on"
    E021 = "no article found in the inputs ({count} files skipped{listing})"
    E022 = "Cannot lock {path} ({detail}): a second run on it would not be refused"
    # analysis (E050-E069): windows of long texts
    E050 = "Window size must be at least 1 character (got {size})"
    E051 = "Fingerprint chunks must hold at least 1 word (got {words})"
    E400 = "Report input {name}[{index}] is not a JSON object (got {got})"
    E401 = "Report display labels {path} are missing or malformed: {detail}"
    E450 = "Line {line} of {path} is not a JSON object: {detail}"
    E451 = "Unknown peer suite {name!r}; known: {known}"
    E452 = "Peer mapping table {path} is malformed: {detail}"
    E453 = (
        "Split {split!r} is a blind split: it is scored once, when a result is reported; "
        "pass --blind to score it"
    )
    E454 = "No split {split!r} in the news corpus {root}; splits: {known}"
    E455 = (
        "Run {path} holds none of the {count} articles of split {split!r}; "
        "run newsfacts on {texts} first"
    )
    # ingest (E100-E149): quarantine reasons and skipped-file reasons
    E100 = "empty text"
    E101 = "binary content"
    E102 = "undecodable bytes"
    E103 = "malformed JSON: {detail}"
    E104 = "no text field"
    E105 = "text is not a string"
    E106 = "not a JSON object"
    E107 = "truncated gzip: {detail}"
    E108 = "unreadable file: {detail}"
    E109 = "corrupt gzip: {detail}"
    E110 = "malformed WARC: {detail}"
    E111 = "unreadable parquet: {detail}"
    E112 = "unknown extension {ext}"
    E113 = "symlink loop"
    E114 = "broken symlink"
    E115 = "empty text: no main content in the HTML page"
    E116 = "already read through another path: {path}"
    E117 = "unreadable folder: {detail}"
    E118 = "not a regular file or folder"
    E119 = "record too large: {size:,} bytes (limit {limit:,})"
    E120 = "record too large: {size:,} characters (limit {limit:,})"
    E121 = "file too large: more than {limit:,} bytes once decompressed; the rest is not read"
    E122 = "JSON file too large to read whole: {size:,} bytes (limit {limit:,}); use JSON lines"
    E123 = "a newsfacts run folder"
    E124 = "a newsfacts work folder"
    E125 = "the run's own output folder"
    E126 = "the run's own output file"
    # extract (E200-E249)
    E200 = "Language data {lang}/{name}.yaml: {detail}"
    E201 = "Unknown unit symbol {unit!r}; known: {known}"
    # dates (E250-E299)
    E250 = "Date data {path}: invalid entry {entry!r}"
    E251 = "Date data for {lang!r} is malformed: {detail}"
    # facts (E300-E349)
    E300 = "Subject gazetteer {path} is malformed: {detail}"
    E301 = "Unknown subject type {kind!r} in {path}"
    E302 = "Predicate data {path} is malformed: {detail}"
    E303 = "Stage data {path} is malformed: {detail}"
    E304 = "Subject role data {path} is malformed: {detail}"

    # reconcile (E350-E399)
    E350 = "Duplicate threshold must be within (0, 1], got {threshold}"
    E351 = "Reliability of source {source!r} must be within [0, 1], got {value}"
    E352 = "Claim value is not a finite number: {value!r} ({subject} {predicate})"
    E353 = "Alias table {path} is malformed: {detail}"
    # scale: Ray engine (E500-E549)
    E500 = "--engine ray needs the optional extra 'ray' (pip install 'newsfacts[ray]'): {detail}"
    E501 = "Cannot start or reach Ray (address {address}): {detail}"
    E502 = "Ray returned results out of order: batch {got} where {expected} was expected"
    E503 = "Invalid Ray engine setting {name}: {detail}"
    # train (E550-E599)
    E550 = "Annotation file {path}: line {line}: {detail}"
    E551 = "{count} bad span(s) in {path}; nothing written:\n{spans}"
    E552 = "Run directory {path}: cannot find the text of article {article_id}; pass --inputs"
    E553 = "Training data {path} holds no usable example for language {lang!r}"
    E554 = "Training config {path} cannot be used: {detail}"
    E555 = "Model directory {path} cannot be assembled: {detail}"
    E556 = "The transformers backend needs the 'train' extra (newsfacts[train]): {detail}"
    E557 = "Base model {path} is not a local model directory: {detail}"
    E558 = "Unknown annotation format {format!r}; expected labelstudio or jsonl"
    # fact store (E600-E649)
    E600 = "Fact store {path} has schema version {found}; this newsfacts reads {supported}"
    E601 = "Cannot open fact store {path}: {detail}"
    E602 = "{path} is a DuckDB file but not a newsfacts fact store (tables: {tables})"
    E603 = "Outcome record {index} for the fact store is malformed: {detail}"
    E604 = "Fact store {path} is closed"
    E605 = "Fact store {path} holds money normalised to {known}; this run uses {given}"
    E606 = "Fact store {path}: a query ran out of DuckDB's memory ({limit} MB): {detail}"
    E607 = (
        "Fact store {path} has schema version {found} and could not be brought up to "
        "{supported}: {detail}"
    )
