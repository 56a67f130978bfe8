"""A normal (not editable) install from a built wheel, run from another folder, builds everything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT, SAMPLE, copy_build, manifest_mismatches, replace_line


def test_a_wheel_installed_elsewhere_builds_the_sample(tmp_path: Path, built) -> None:
    # Build from a copy, so setuptools' build/ and egg-info folders land in tmp_path, not in the checkout.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "agreement", source / "agreement", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    dist = tmp_path / "dist"
    # The build backend's PEP 517 hook, as `pip wheel --no-build-isolation` calls it (without pip's own start-up).
    backend = "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])"
    made = subprocess.run([sys.executable, "-c", backend, str(dist)], cwd=source, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    (wheel,) = dist.glob("agreement-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "agreement/schemas/strategic.schema.json" in names
    assert "agreement/editions/lbf-2019-26/edition.yaml" in names
    assert "agreement/editions/lbf-2019-26/strategisk-samarbejdsaftale.docx" in names
    assert "agreement/scaffold/strategic.yaml" in names and "agreement/scaffold/delaftaler/beskaeftigelse.yaml" in names

    # A fresh venv that takes the dependencies from the test environment, and the package from the wheel only.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    work = tmp_path / "elsewhere"
    # Without PYTHONPATH, which may name the checkout (as it does when the tests run against a worktree).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    shutil.copytree(SAMPLE, work / "content")
    # The build folder as the shared build of the sample left it, and one document changed since: the installed
    # package renders it and has it converted to PDF (LibreOffice driven by the wheel's own UNO client). The
    # others come from the cache, whose keys hash every source and data file of the installed package: they are
    # used only if the wheel holds the same files as the checkout, else the installed package makes them all.
    copy_build(built.out_dir, work / "build")
    replace_line(work / "content" / "kommissorium.yaml", r"senest en uge før mødet", "senest to uger før mødet")
    result = subprocess.run([str(python), "-c", "from agreement.cli import main; main()", "build"],
                            cwd=work, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "rendered kommissorium.docx" in result.stderr and "converted 1 document to PDF" in result.stderr, result.stderr
    imported = subprocess.run([str(python), "-c", "import agreement; print(agreement.__file__)"], cwd=work,
                              capture_output=True, text=True, check=True, env=env).stdout
    assert imported.startswith(site), imported  # not the checkout
    outputs = sorted(p.name for p in (work / "build").iterdir())
    assert "strategisk-samarbejdsaftale.pdf" in outputs and "budget.xlsx" in outputs and "manifest.json" in outputs
    assert manifest_mismatches(work / "build") == []
    with zipfile.ZipFile(work / "build" / "kommissorium.docx") as z:
        assert "senest to uger før mødet" in z.read("word/document.xml").decode()

    # `init` from the installed package: its files name copies of the installed package's schemas in the new folder,
    # and they check.
    result = subprocess.run([str(python), "-c", "from agreement.cli import main; main()", "init", "nyt"],
                            cwd=work, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    first = (work / "nyt" / "strategic.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    schema = (work / "nyt" / first.removeprefix("# yaml-language-server: $schema=")).resolve()
    assert schema == (work / "nyt" / ".schemas" / "strategic.schema.json").resolve()
    assert schema.read_bytes() == (Path(site) / "agreement" / "schemas" / "strategic.schema.json").read_bytes()
    result = subprocess.run([str(python), "-c", "from agreement.cli import main; main()", "check", "--content", "nyt"],
                            cwd=work, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
