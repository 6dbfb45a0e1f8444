"""MT fixtures: the tiny random-weight zh→en Argos package installed into a temporary argos home.

The tests that need argostranslate skip when it is not installed, and fail under CI=true
(.ci/run installs the mt extra). Nothing is downloaded: the package carries its own SentencePiece
model, CTranslate2 model and MiniSBD sentence splitter (tests/fixtures/mt/build_tiny_model.py).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from app import mt

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mt" / "translate-zh_en-tiny.argosmodel"
ENV = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ARGOS_PACKAGES_DIR", "ARGOS_TRANSLATE_PACKAGE_DIR")


def require_argos() -> None:
    """Skip (or, under CI=true, fail) when the mt extra is not installed."""
    if importlib.util.find_spec("argostranslate") is not None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("argostranslate is not installed but CI=true: .ci/run must install the mt extra "
                    "(.venv/bin/pip install -e '.[dev,mt]')")
    pytest.skip("argostranslate is not installed: pip install -e '.[mt]' to run the MT tests")


def _point_env_at(home: Path, monkeypatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture(scope="session")
def argos_home(tmp_path_factory):
    """A temporary argos data directory with the tiny zh→en package installed (session-wide)."""
    require_argos()
    home = tmp_path_factory.mktemp("argos")
    with pytest.MonkeyPatch.context() as mp:
        _point_env_at(home, mp)  # argostranslate reads these when it is first imported
        from argostranslate import package, settings

        # in case argostranslate was imported earlier with other directories
        packages = home / "data" / "argos-translate" / "packages"
        packages.mkdir(parents=True, exist_ok=True)
        settings.package_data_dir = packages
        settings.package_dirs[:] = [packages]
        settings.beam_size = 1  # greedy decoding keeps the tests fast; the path is the same
        package.install_from_path(FIXTURE)
    mt.reset()
    yield home
    mt.reset()


@pytest.fixture
def mt_ready(argos_home, monkeypatch):
    """MT available with the tiny model; fresh in-process cache and counters."""
    _point_env_at(argos_home, monkeypatch)
    mt.reset()
    assert mt.availability(), mt.availability().reason
    yield
    mt.reset()


@pytest.fixture
def mt_missing(tmp_path, monkeypatch):
    """No zh→en package installed: an empty argos home."""
    _point_env_at(tmp_path, monkeypatch)
    mt.reset()
    yield
    mt.reset()
