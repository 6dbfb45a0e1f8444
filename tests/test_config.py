"""Settings: read once by config.load(); the environment beats the defaults and create_app's overrides win."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import config

SAMPLES = {int: ("7", 9), float: ("0.25", 0.75), str: ("from-env", "from-overrides")}


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_overrides_win_over_the_environment(setting, monkeypatch, tmp_path):
    kind = type(setting.default) if setting.default is not None else str
    env_value, override = SAMPLES[kind]
    if setting.name == "INSTANCE":
        env_value, override = str(tmp_path / "env"), tmp_path / "override"
    monkeypatch.setenv(config.env_name(setting), env_value)
    from_env = config.load()[setting.name]
    assert from_env == (Path(env_value) if setting.name == "INSTANCE" else kind(env_value))
    assert config.load({setting.name: override})[setting.name] == override


def test_create_app_overrides_every_setting(monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setenv("DUIZHAO_ALIGN_METHOD", "embedding")
    monkeypatch.setenv("DUIZHAO_WEAK_LINK", "0.9")
    app = create_app({"DATABASE_URL": "sqlite://", "INSTANCE": tmp_path, "SECRET_KEY": "x",
                      "ALIGN_METHOD": "length", "WEAK_LINK": 0.1})
    assert app.config["ALIGN_METHOD"] == "length" and app.config["WEAK_LINK"] == 0.1
    assert app.instance_path == str(tmp_path)
