"""One exception type per failure class, each with the short code written to errors.jsonl.

A stage raises one of these for a bad input; the runner turns it into an
`ErrorRecord` and the rest of the run goes on.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class: `code` is the `error` field of errors.jsonl, `stage` its `stage`."""

    code = "error"
    stage = "ingest"

    def __init__(self, message: str, *, path: str = "", doc_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.doc_id = doc_id


class EmptyInput(PipelineError):
    code = "empty"


class NotText(PipelineError):
    """Binary content, or bytes that are not in the expected encoding."""

    code = "not_text"


class Unreadable(PipelineError):
    """The operating system refused to read the file (permissions, loops, vanished)."""

    code = "unreadable"


class BadJsonLine(PipelineError):
    code = "bad_json"


class MissingField(PipelineError):
    code = "missing_field"


class TooLarge(PipelineError):
    code = "too_large"


class DuplicateDocId(PipelineError):
    code = "duplicate_doc_id"


class StageFailure(PipelineError):
    """An unexpected exception inside a stage: recorded, never fatal to the run."""

    code = "stage_failure"

    def __init__(self, message: str, *, stage: str, path: str = "",
                 doc_id: str | None = None) -> None:
        super().__init__(message, path=path, doc_id=doc_id)
        self.stage = stage
