"""The `duizhao` command: a one-line message and exit code 2 on bad input."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ZH, EN = str(ROOT / "corpus/demo/zh.txt"), str(ROOT / "corpus/demo/en.txt")

pytestmark = pytest.mark.pg


def test_import_and_export(runner, tmp_path):
    result = runner.invoke(["import", ZH, EN, "--project", "CLI"])
    assert result.exit_code == 0, result.output
    assert "Imported document 1" in result.output and "18 links" in result.output
    out = tmp_path / "en.txt"
    result = runner.invoke(["export", "1", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").strip().split("\n\n")[13].startswith('"The complaint reporting work')
    result = runner.invoke(["export", "1", "--format", "revisions-csv"])
    assert result.exit_code == 0 and result.stdout_bytes.decode("utf-8-sig").startswith("revision,time,author")


def test_export_into_a_directory_uses_the_files_own_name(runner, tmp_path):
    """`-o DIR` writes `<title><suffix>` into DIR: the title (its ".txt" dropped) and what the file is."""
    assert runner.invoke(["import", ZH, EN, "--project", "CLI", "--title", "SPP meeting.txt"]).exit_code == 0
    for fmt, name in [("xliff", "SPP meeting.zh-en.xliff12.xlf"), ("xliff2", "SPP meeting.zh-en.xliff20.xlf"),
                      ("txt", "SPP meeting.en.corrected.txt"), ("report-csv", "SPP meeting.report.csv")]:
        result = runner.invoke(["export", "1", "--format", fmt, "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 0 and f"Wrote {tmp_path / name}" in result.stderr
    result = runner.invoke(["glossary", "export", "CLI", "--format", "tbx", "-o", str(tmp_path)])
    assert result.exit_code == 0 and (tmp_path / "CLI.tbx2008.tbx").exists()


def test_export_writes_every_log_and_the_report(runner, session):
    """The downloads of the web pages come from services.exports, so the CLI writes them too."""
    import json

    from app import services
    from app.storage import queries
    from app.storage.models import User

    assert runner.invoke(["import", ZH, EN, "--project", "CLI"]).exit_code == 0
    seg = queries.document_segments(session, 1, "en")[0]
    services.save_segment(session, seg.id, seg.text + " Fixed.", seg.version, session.query(User).filter_by(
        username="admin").one(), category="accuracy", severity="major")  # a CLI import has no members yet
    session.commit()

    heads = {"alignment-csv": "change,time,author,op", "report-csv": "kind,row,author,time"}
    for fmt, head in heads.items():
        result = runner.invoke(["export", "1", "--format", fmt])
        assert result.exit_code == 0 and result.stdout_bytes.decode("utf-8-sig").startswith(head), fmt
    report = json.loads(runner.invoke(["export", "1", "--format", "report-json"]).stdout_bytes)
    assert report["document"]["id"] == 1 and report["score"]["threshold"] == 10.0
    assert report["score"]["errors"] == [{"category": "accuracy", "severity": "major", "count": 1}]
    svg = runner.invoke(["export", "1", "--format", "report-svg"]).stdout_bytes.decode("utf-8")
    assert svg.startswith("<svg") and "accuracy" in svg
    glossary = runner.invoke(["export", "1", "--format", "glossary-csv"]).stdout_bytes.decode("utf-8")
    assert glossary.startswith("zh,en,variants")


@pytest.mark.parametrize("args, message", [
    (["import", "/nonexistent.txt", EN, "--project", "X"], "Error: /nonexistent.txt: cannot read the file"),
    (["import", "/bin/sh", EN, "--project", "X"], "Error: /bin/sh: looks like a binary file"),
    (["export", "99"], "Error: document 99 does not exist"),
    (["user", "add", "rita", "--role", "reviewer"], "Error: user 'rita' already exists"),
    (["user", "add", "x", "--password", "short"], "Error: the password must have at least 8 characters"),
])
def test_bad_input_is_one_line_and_exit_2(runner, args, message):
    result = runner.invoke(args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message or result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_user_add_generates_a_password(runner):
    result = runner.invoke(["user", "add", "lin", "--role", "translator"])
    assert result.exit_code == 0 and "Added lin (translator). Password: " in result.output
    assert "lin\ttranslator" in runner.invoke(["user", "list"]).output


def test_unmigrated_database_is_explained(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from app.cli import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = CliRunner().invoke(cli, ["user", "list"])
    assert result.exit_code == 2 and "run `duizhao init-db` first" in result.stderr
    result = CliRunner().invoke(cli, ["init-db"])
    assert result.exit_code == 0 and "Database ready" in result.output


def test_demo_prints_the_login_and_reuses_the_project(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from app.cli import cli

    monkeypatch.setenv("DUIZHAO_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DUIZHAO_ALIGN_METHOD", "length")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.delenv("DUIZHAO_ADMIN_PASSWORD", raising=False)
    first = CliRunner().invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    password = first.output.split("Login: admin / ")[1].strip()
    assert len(password) >= 12
    second = CliRunner().invoke(cli, ["demo"])
    assert "Reusing the demo project" in second.output and f"Login: admin / {password}" in second.output
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    monkeypatch.setenv("DUIZHAO_ADMIN_PASSWORD", "chosen-password-1")
    third = CliRunner().invoke(cli, ["demo"])
    assert "Login: admin / chosen-password-1" in third.output


def test_glossary_import_and_export(runner, tmp_path):
    glossary = ROOT / "glossary/spp-2024.csv"
    assert runner.invoke(["import", ZH, EN, "--project", "G"]).exit_code == 0
    result = runner.invoke(["glossary", "import", "G", str(glossary)])
    assert result.exit_code == 0 and "Imported 42 new entries into G (0 already present)" in result.output
    out = tmp_path / "g.tbx"
    assert runner.invoke(["glossary", "export", "G", "--format", "tbx3", "-o", str(out)]).exit_code == 0
    again = runner.invoke(["glossary", "import", "G", str(out)])
    assert "Imported 0 new entries into G (42 already present)" in again.output
    assert runner.invoke(["glossary", "import", "Nope", str(glossary)]).exit_code == 2
    bad = tmp_path / "bad.tbx"
    bad.write_bytes(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><martif>&e;</martif>')
    result = runner.invoke(["glossary", "import", "G", str(bad)])
    assert result.exit_code == 2 and "entity declarations are not allowed" in result.stderr


def test_check_reads_tbx_glossaries(tmp_path):
    from click.testing import CliRunner

    from app.cli import cli
    from app.formats.registry import by_name
    from app.terminology.glossary import load_glossary_csv

    tbx = tmp_path / "g.tbx"
    tbx.write_bytes(by_name("tbx").write(load_glossary_csv(ROOT / "glossary/spp-2024.csv")))
    result = CliRunner().invoke(cli, ["check", ZH, EN, "--glossary", str(tbx), "--format", "json"])
    assert result.exit_code == 0 and "Maple Bridge experience" in result.output


def test_align_writes_links_in_the_gold_format(tmp_path):
    from click.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(cli, ["align", ZH, EN])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == (ROOT / "corpus/demo/gold.align").read_text().split()
    out = tmp_path / "a.json"
    result = CliRunner().invoke(cli, ["align", ZH, EN, "--level", "sentence", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["level"] == "sentence" and data["signature"].startswith("method:embedding")
    assert all(0 <= link["confidence"] <= 1 for link in data["links"])
    assert len(data["links"]) > 19  # sentences, not paragraphs


def test_align_presplit_keeps_line_numbers(tmp_path):
    from click.testing import CliRunner

    from app.cli import cli

    zh, en = tmp_path / "z.txt", tmp_path / "e.txt"
    zh.write_text("第一句。\n\n第二句。\n", encoding="utf-8")
    en.write_text("The first sentence.\n\nThe second sentence.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["align", str(zh), str(en), "--presplit", "--method", "length"])
    assert result.exit_code == 0
    assert "[2]:[2]" in result.stdout.split()


@pytest.mark.parametrize("args, message", [
    (["align", "/nonexistent.txt", EN], "Error: /nonexistent.txt: cannot read the file"),
    (["align", "/dev/null", EN], "Error: /dev/null: the file is empty"),
    (["align", "/bin/sh", EN], "Error: /bin/sh: looks like a binary file"),
])
def test_align_bad_input(args, message):
    from click.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and result.stderr.startswith(message)
