"""Which dataset a command works on is decided in one place (`kg.cli.dataset` → `kg.dataset`), for
every command alike, whether `--root` comes before or after the command."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import COMMANDS, build_parser, dataset
from kg.dataset import NQUADS, DatasetLocation
from kg.errors import InputError

# the least each command needs on its command line
REQUIRED = {"export": ["--format", "nq"], "explain": ["catalonia"], "template": ["case.xlsx"],
            "import": ["case.xlsx"]}


# COMMANDS names the modules; `import_` is the command `import`
@pytest.mark.parametrize("command", [c.rstrip("_") for c in COMMANDS] + ["validate"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_every_command_takes_its_dataset_from_root(command, where, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    argv = [command, *REQUIRED.get(command, [])]
    argv = ["--root", str(tree), *argv] if where == "before" else [*argv, "--root", str(tree)]
    loc = dataset(build_parser().parse_args(argv))
    assert loc.root == tree.resolve()
    assert loc.nquads == tree.resolve() / "dist" / NQUADS


def test_a_named_nquads_file_is_used_as_it_is_and_never_built(tmp_path):
    nq = tmp_path / "other.nq"
    loc = DatasetLocation.of(tmp_path / "no-such-tree", nquads=nq)
    with pytest.raises(InputError, match="no such file"):
        loc.ensure_built()
    nq.write_text("<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n")
    assert loc.ensure_built() == nq.resolve()
    assert not (tmp_path / "no-such-tree").exists()


def test_serve_data_option_names_the_file_served(tmp_path):
    nq = tmp_path / "x.nq"
    args = build_parser().parse_args(["--root", str(tmp_path), "serve", "--data", str(nq)])
    loc = dataset(args, nquads=args.data, dist=args.dist)
    assert loc.nquads == nq.resolve() and loc.dist is None


def test_a_root_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        DatasetLocation.of(tmp_path / "missing")


def test_the_default_root_is_the_checkout_or_kg_root(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_ROOT", str(tmp_path))
    assert DatasetLocation.of().root == tmp_path.resolve()
    monkeypatch.delenv("KG_ROOT")
    assert (DatasetLocation.of().root / "ontology").is_dir()
    assert DatasetLocation.of().root == Path(__file__).resolve().parent.parent
