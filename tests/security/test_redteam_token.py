"""Red-team defect 15: `--token` on the command line shows in `ps`. The token can come from the
environment (KG_SERVE_TOKEN) or a file (--token-file); --token still works but warns."""
from __future__ import annotations

import pytest

from kg.cli import build_parser
from kg.cli.serve import config_from_args
from kg.errors import InputError


def _config(argv, real_dist):
    args = build_parser().parse_args(["serve", "--data", str(real_dist / "paradiplomacy.nq"), *argv])
    return config_from_args(args)


def test_defect_15_the_token_comes_from_a_file(real_dist, tmp_path, monkeypatch):
    monkeypatch.delenv("KG_SERVE_TOKEN", raising=False)
    f = tmp_path / "token"
    f.write_text("s3cret-from-file\n", encoding="utf-8")
    config = _config(["--allow-updates", "--token-file", str(f)], real_dist)
    assert config.allow_updates and config.token == "s3cret-from-file"


def test_defect_15_the_token_comes_from_the_environment(real_dist, monkeypatch):
    monkeypatch.setenv("KG_SERVE_TOKEN", "s3cret-from-env")
    assert _config(["--allow-updates"], real_dist).token == "s3cret-from-env"


def test_defect_15_a_token_on_the_command_line_warns(real_dist, monkeypatch, capsys):
    monkeypatch.delenv("KG_SERVE_TOKEN", raising=False)
    assert _config(["--allow-updates", "--token", "visible"], real_dist).token == "visible"
    assert "visible to other users in `ps`" in capsys.readouterr().err


def test_defect_15_updates_without_any_token_are_refused(real_dist, tmp_path, monkeypatch):
    monkeypatch.delenv("KG_SERVE_TOKEN", raising=False)
    with pytest.raises(InputError, match="needs a token"):
        _config(["--allow-updates"], real_dist)
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no token"):
        _config(["--allow-updates", "--token-file", str(empty)], real_dist)
