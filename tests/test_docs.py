"""The README documents every setting and every CLI command (in the manner of Datasette's tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from app import config
from app.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix}{name} ")
        else:
            out.append(prefix + name)
    return out


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_setting_is_in_the_configuration_table(setting):
    table = _section("Configuration")
    assert re.search(rf"^\| `{config.env_name(setting)}` \|", table, re.M), \
        f"README's Configuration table lacks a row for {config.env_name(setting)}"


@pytest.mark.parametrize("command", _commands(cli))
def test_cli_command_is_in_the_command_line_section(command):
    block = _section("Command line")
    assert re.search(rf"^duizhao {re.escape(command)}(\s|$)", block, re.M), \
        f"README's Command line section lacks `duizhao {command}`"


def test_the_checks_find_every_command_and_setting():
    assert "import-version" in _commands(cli) and "glossary export" in _commands(cli)
    assert len(config.SETTINGS) >= 10
