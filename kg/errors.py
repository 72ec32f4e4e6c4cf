"""Every error paradiplomacy-kg raises for a person to read, in one hierarchy.

Each message says what is wrong, where (file and line where there is one) and how to fix it. The
command line (`kg.cli.main`) catches `KgError` once and exits with the class's `exit_code`:

    KgError                      exit 2 unless a subclass says otherwise
    ├── InputError               bad input: a malformed file, a wrong argument or parameter
    │   ├── QueryCatalogueError  a canned query's header or a parameter value is malformed
    │   └── ExplainError         the resource cannot be explained (unknown, not a relation)
    ├── NonConforming            exit 1: the data does not conform
    │   ├── BuildFailed          a SHACL violation or a violation query with rows
    │   └── InconsistentError    OWL 2 RL finds the ontology and the data contradictory
    └── QueryError               a query could not be run (engine failure)
        ├── QuerySyntaxError     the engine's parser refused it
        ├── QueryLimitError      past its result-size limit
        │   └── QueryTimeoutError  past its time limit
        ├── UnsafeQueryError     it would reach the network or the disk (SERVICE, LOAD, FROM <url>)
        └── RemoteEndpointError  a remote endpoint is down, slow, or answered something unusable
            └── RemoteLimitError past the limits on the remote side

File-system errors (`OSError`) that reach the command line are reported the same way, with the
file's name, and exit 2 (`describe_os_error`).
"""
from __future__ import annotations

__all__ = ["KgError", "InputError", "QueryCatalogueError", "ExplainError", "UnknownName", "AmbiguousName", "QueryTooComplexError", "WorkbookInvalid", "NonConforming", "BuildFailed",
           "InconsistentError", "QueryError", "QuerySyntaxError", "QueryLimitError", "QueryTimeoutError",
           "UnsafeQueryError", "RemoteEndpointError", "RemoteLimitError", "EXIT_OK", "EXIT_NONCONFORMING",
           "EXIT_USAGE", "describe_os_error"]

EXIT_OK, EXIT_NONCONFORMING, EXIT_USAGE = 0, 1, 2


class KgError(Exception):
    """The base of every error of this package that is meant for people (no traceback)."""

    exit_code = EXIT_USAGE


class InputError(KgError):
    """Bad input from a person (a malformed file, a wrong argument): the message says where and how
    to fix it."""


class QueryCatalogueError(InputError):
    """A canned query or a parameter value is malformed; the message names the file and the fix."""


class ExplainError(InputError):
    """The resource cannot be explained (unknown, or not a relation nor an actor with relations)."""


class UnknownName(InputError):
    """No thing in the dataset has this name (`kg.names`); `suggestions` are the closest (`Match`es)."""

    def __init__(self, text: str, suggestions: list, what: str = "name", reason: str | None = None):
        self.text = text
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            hint = "\ndid you mean:\n" + "\n".join("  " + m.describe() for m in suggestions)
        reason = reason or ("nothing in the dataset has this name or id (names in English or Indonesian, "
                            "alternative names and ids are all accepted, e.g. Catalonia, Katalonia, catalonia, "
                            "pdi:catalonia)")
        super().__init__(f"{what} {text!r}: {reason}{hint}")


class AmbiguousName(InputError):
    """Several things have this name (`kg.names`); `matches` lists them with their kinds."""

    def __init__(self, text: str, matches: list, what: str = "name"):
        self.text = text
        self.matches = matches
        listed = "\n".join("  " + m.describe() for m in matches)
        super().__init__(f"{what} {text!r} names {len(matches)} things; give one of them by its id:\n{listed}")


class NonConforming(KgError):
    """The data does not conform to the project's rules (exit status 1)."""

    exit_code = EXIT_NONCONFORMING


class BuildFailed(NonConforming):
    """The data does not conform (SHACL violation, violation query, OWL inconsistency)."""

    def __init__(self, message: str, findings: list | None = None, failures: list | None = None):
        super().__init__(message)
        self.findings = findings or []
        self.failures = failures or []


class WorkbookInvalid(NonConforming):
    """A workbook (`kg import`) has cells that cannot be imported; nothing was written (exit 1).
    `problems` are `kg.casebook.importer.Problem`s: sheet, row, column, value, what was expected."""

    def __init__(self, source: str, problems: list):
        self.problems = problems
        head = f"{source}: {len(problems)} cell{'s' if len(problems) != 1 else ''} to fix; nothing was written"
        super().__init__(head + "\n  " + "\n  ".join(str(p) for p in problems))


class InconsistentError(NonConforming):
    """The ontology and the data contradict each other under OWL 2 RL."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("the data is inconsistent with the ontology (OWL 2 RL):\n  "
                         + "\n  ".join(messages))


class QueryError(KgError):
    """The query could not be run (syntax error, engine failure); the message is for people."""


class QuerySyntaxError(QueryError):
    """The engine's SPARQL parser refused the query; the message is the parser's."""


class QueryLimitError(QueryError):
    """The query went past its result-size limit (or, as `QueryTimeoutError`, its time limit)."""


class QueryTimeoutError(QueryLimitError):
    """The query ran past its time limit."""


class UnsafeQueryError(QueryError):
    """The query asks for something this program refuses to do (network or disk access)."""


class QueryTooComplexError(UnsafeQueryError):
    """The query is nested too deeply or is too long to be read safely (refused before the engine;
    raised by `kg.query.guard`)."""

class RemoteEndpointError(QueryError):
    """The endpoint is down, slow, refused the request or answered something unusable."""


class RemoteLimitError(RemoteEndpointError, QueryLimitError):
    """The endpoint's answer went past the time or size limit (or was cut short by the store)."""


def os_error_parts(exc: OSError) -> tuple[int | None, str]:
    """The errno and words of an OSError, also when only its message carries them: pyoxigraph's
    readers and writers raise `OSError("File too large (os error 27)")`, with no errno or strerror."""
    import re

    if exc.strerror:
        return exc.errno, exc.strerror
    text = str(exc)
    m = re.search(r"\s*\(os error (\d+)\)$", text)
    if m:
        return exc.errno or int(m.group(1)), text[:m.start()]
    return exc.errno, text


def describe_os_error(exc: OSError) -> str:
    """A file-system error as one line for people: the file, what went wrong, what to check."""
    import errno

    code, line = os_error_parts(exc)
    hint = {
        "ENOENT": "check the path",
        "EACCES": "check the file's permissions",
        "EROFS": "the file system is read-only; choose another place",
        "ENOSPC": "the disk is full; free some space",
        "EFBIG": "a file grew past the size limit of this process (ulimit -f) or of the file system; "
                 "raise the limit or write elsewhere",
        "EDQUOT": "the disk quota is used up; free some space",
        "EISDIR": "a folder was given where a file is needed",
        "ENOTDIR": "a part of the path is not a folder",
    }.get(errno.errorcode.get(code or 0, ""))
    if exc.filename is not None:
        line = f"{exc.filename}: {line}"
    return f"{line} ({hint})" if hint else line
