"""One error hierarchy: every error the package raises for people is a `kg.errors.KgError`, and the
command line turns each into its exit status in one place, file-system errors included."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import kg
from kg.cli import main
from kg.errors import EXIT_NONCONFORMING, EXIT_USAGE, BuildFailed, InputError, KgError, NonConforming

# exceptions that never reach a person: they carry a state between two parts of the server
# (kg.serve.protocol turns each into an HTTP answer)
# control flow inside one module or subpackage, turned into a KgError or an HTTP answer before
# it leaves (docs/ARCHITECTURE.md): the server's, the guard's reader's, the compiled rules' fallback,
# and the export's fallbacks to its reference writers (the JSON-LD text reader's `_NotPlain`,
# ontology.ttl's index `_Unsupported`), each caught in its own module; and the httptools protocol's
# `_HeadTooLarge`, raised in a parser callback, which uvicorn answers with 400 (kg.serve.connections)
INTERNAL = {"HTTPProblem", "WorkerTimeout", "WorkerFailed", "PoolBusy", "PoolFull", "ClientGone",
            "UnreadableQuery", "Unsupported", "_NotPlain", "_Unsupported", "_HeadTooLarge"}


def _modules():
    for info in pkgutil.walk_packages(kg.__path__, "kg."):
        if info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def test_every_exception_class_of_the_package_is_a_kg_error():
    found = {}
    for mod in _modules():
        for name, obj in vars(mod).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == mod.__name__:
                found[f"{mod.__name__}.{name}"] = obj
    assert found, "no exception classes found: the walk over the package found nothing"
    outside = sorted(n for n, c in found.items() if not issubclass(c, KgError) and n.rsplit(".", 1)[1] not in INTERNAL)
    assert outside == [], f"exception classes outside kg.errors.KgError: {outside}"
    # and they are all defined in kg.errors, apart from the internal ones
    elsewhere = sorted(n for n, c in found.items() if issubclass(c, KgError) and not n.startswith("kg.errors."))
    assert elsewhere == []


def test_exit_codes_come_from_the_class():
    assert InputError("x").exit_code == EXIT_USAGE
    assert BuildFailed("x").exit_code == EXIT_NONCONFORMING
    assert issubclass(BuildFailed, NonConforming)


def test_a_file_system_error_is_one_line_naming_the_file_and_exits_2(tmp_path, capsys):
    folder = tmp_path / "question.rq"  # a folder where a query file is expected
    folder.mkdir()
    rc = main(["query", str(folder)])
    err = capsys.readouterr().err
    assert rc == EXIT_USAGE
    assert str(folder) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [["--root", "/nonexistent/tree", "query", "--list"]])
def test_a_missing_source_tree_is_an_input_error(argv, capsys):
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == EXIT_USAGE and "Traceback" not in err and err.startswith("kg: ")
