"""Typed errors raised by epitrace.

Every error carries a stable dotted ``code`` (tests and callers assert codes, not messages) and a
human-readable message. Nothing here depends on Django: the adapter in ``epicontrol.tracing`` maps
these to its own domain errors.
"""

from __future__ import annotations


class EpitraceError(Exception):
    """Base class of every error epitrace raises on purpose.

    ``code`` is stable across releases; ``message`` is for people and may change.
    """

    code: str = "epitrace.error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class SchemaError(EpitraceError):
    """An input or output frame does not match its declared schema.

    ``column`` names the offending column; ``source`` says which input (``"pings"``,
    ``"index"``, a file path) it came from.
    """

    code = "epitrace.schema"

    def __init__(self, message: str, *, column: str, source: str, code: str | None = None) -> None:
        super().__init__(f"{source}: {message}", code=code)
        self.column = column
        self.source = source


class ParamsError(EpitraceError):
    """A parameter is out of range or of the wrong type; ``field`` names it."""

    code = "epitrace.params"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InputError(EpitraceError):
    """An input cannot be read: missing file, no Parquet files in a directory, bad CSV."""

    code = "epitrace.input"


class StoreError(EpitraceError):
    """The ping store is missing, of another format, or was built with another slot length."""

    code = "epitrace.store"


class UnsupportedInputError(EpitraceError):
    """The chosen backend cannot read this input (e.g. Spark and nanosecond Parquet timestamps)."""

    code = "epitrace.unsupported_input"


class SecondHopRefusedError(EpitraceError):
    """The second hop was not run because its announced size was refused by the caller."""

    code = "epitrace.second_hop_refused"
