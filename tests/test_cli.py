"""The command line: exit codes, path:line:column messages, no tracebacks, --out left alone on failure."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.errors import ToolError
from agreement.pipeline import build
from tests.conftest import replace_line

MESSAGE = re.compile(r"^content/strategic\.yaml:\d+:\d+: \S")


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real console script, as the secretariat runs it."""
    exe = Path(sys.executable).with_name("agreement")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_passes_on_the_sample(content: Path) -> None:
    result = _run(["check"], cwd=content.parent)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_check_reports_every_error_with_file_line_and_column(content: Path) -> None:
    path = content / "strategic.yaml"
    lines = {replace_line(path, r"^  navn: Albertslund$", "  nanv: Albertslund"),
             replace_line(path, r"^  - akb$", "  - akbb"),
             replace_line(path, r"^  til: 2025-02-28$", "  til: 28-02-2025")}
    result = _run(["check"], cwd=content.parent)
    assert result.returncode == 1
    messages = [m for m in result.stderr.splitlines() if MESSAGE.match(m)]
    assert {int(m.split(":")[1]) for m in messages} >= lines
    assert "Traceback" not in result.stderr + result.stdout
    assert "errors found" in result.stderr


BAD_INPUTS = {
    "invalid-yaml": b"status: [endelig\n",
    "not-utf8": "område:\n  navn: K\u00f8ge\n".encode("latin-1"),
    "control-character": b"status: endelig\x1b\n",
    "wrong-top-level-type": b"- en\n- liste\n",
    "duplicate-key": b"status: endelig\nstatus: udkast\n",
    "empty": b"",
    "missing-file": None,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_message_and_out_is_left_alone(content: Path, tmp_path: Path, name: str) -> None:
    data = BAD_INPUTS[name]
    if data is None:
        (content / "strategic.yaml").unlink()
    else:
        (content / "strategic.yaml").write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"documents": []}\n', encoding="utf-8")
    before = _snapshot(out)
    for command in (["check"], ["build", "--out", str(out)]):
        result = _run(command, cwd=content.parent)
        assert result.returncode == 1, (command, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        first = result.stderr.splitlines()[0]
        assert first.startswith("content/strategic.yaml"), first
        if name != "missing-file":
            assert MESSAGE.match(first), first
    assert _snapshot(out) == before


def test_missing_content_folder_from_the_command_line(tmp_path: Path) -> None:
    result = _run(["build"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("content: content folder not found")
    assert not (tmp_path / "build").exists()


def test_usage_errors_exit_2() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--format", "xls"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_missing_content_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "content folder not found" in result.output


def test_failed_build_leaves_out_as_it_was(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"documents": []}\n', encoding="utf-8")
    (out / "strategisk-samarbejdsaftale.pdf").write_bytes(b"%PDF-old")
    before = _snapshot(out)
    replace_line(content / "strategic.yaml", r"^status: endelig$", "status: ?")
    result = _run(["build", "--content", str(content), "--out", str(out)], cwd=tmp_path)
    assert result.returncode == 1
    assert "nothing was built" in result.stderr
    assert _snapshot(out) == before
    assert not list(tmp_path.glob(".agreement-build-*"))


def test_build_never_modifies_content(content: Path, tmp_path: Path) -> None:
    before = _snapshot(content)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(tmp_path / "out"), "--format", "docx", "-q"])
    assert result.exit_code == 0, result.output
    assert _snapshot(content) == before


def test_docx_only(content: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["documents"][0]["files"]) == {"docx"}
    assert "rendered strategisk-samarbejdsaftale.docx" in result.output


def test_missing_libreoffice_still_writes_the_docx(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run(["build", "--content", str(content), "--out", str(out)], cwd=tmp_path,
                  env={"AGREEMENT_SOFFICE": str(tmp_path / "no-soffice")})
    assert result.returncode == 1
    assert "LibreOffice is not installed" in result.stderr and "apt-get install" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "strategisk-samarbejdsaftale.docx").exists()
    assert not (out / "strategisk-samarbejdsaftale.pdf").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["documents"][0]["files"]) == {"docx"}


def test_hanging_libreoffice_is_stopped_by_the_timeout(content: Path, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 120\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(fake))
    started = time.monotonic()
    with pytest.raises(ToolError, match="did not finish converting to PDF within 2 seconds"):
        build(content, tmp_path / "out", timeout=2)
    assert time.monotonic() - started < 30
    assert (tmp_path / "out" / "strategisk-samarbejdsaftale.docx").exists()


def test_hanging_libreoffice_from_the_command_line(content: Path, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 120\n", encoding="utf-8")
    fake.chmod(0o755)
    result = _run(["build", "--content", str(content), "--out", str(tmp_path / "out"), "--timeout", "2", "-q"],
                  cwd=tmp_path, env={"AGREEMENT_SOFFICE": str(fake)})
    assert result.returncode == 1
    assert "did not finish converting to PDF within 2 seconds" in result.stderr and "Traceback" not in result.stderr


def test_crashing_libreoffice_is_a_clear_error(content: Path, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(fake))
    with pytest.raises(ToolError, match=r"LibreOffice failed to convert .*Segmentation fault"):
        build(content, tmp_path / "out")


def test_files_an_earlier_build_made_but_this_one_does_not_are_removed(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "delaftale-gammel.docx").write_bytes(b"old")
    (out / "noter.txt").write_text("mine", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"documents": [
        {"kind": "delaftale", "title": "Gammel", "files": {"docx": "delaftale-gammel.docx"}, "sha256": {}}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--format", "docx", "-q"])
    assert result.exit_code == 0, result.output
    assert not (out / "delaftale-gammel.docx").exists()
    assert (out / "noter.txt").read_text(encoding="utf-8") == "mine"  # never listed by a manifest: left alone
