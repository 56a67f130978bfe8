"""A new LibreOffice profile is prepared so LibreOffice skips its first-start graphics self-tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agreement.outputs import loprofile
from agreement.outputs.pdf import Office, find_soffice, to_pdf


def _installation(root: Path, main_xcd: str | None, versionrc: str | None = None) -> str:
    """A LibreOffice laid out as installed (program/soffice, program/versionrc, share/registry/main.xcd); its
    soffice's path."""
    (root / "program").mkdir(parents=True)
    soffice = root / "program" / "soffice"
    soffice.write_text("#!/bin/sh\n", encoding="utf-8")
    if versionrc is not None:
        (root / "program" / "versionrc").write_text(versionrc, encoding="utf-8")
    if main_xcd is not None:
        (root / "share" / "registry").mkdir(parents=True)
        (root / "share" / "registry" / "main.xcd").write_text(main_xcd, encoding="utf-8")
    return str(soffice)


MAIN_XCD = ('<oor:data><oor:component-data oor:name="Setup"><node oor:name="Product">\n'
            '<prop oor:name="ooSetupVersion" oor:type="xs:string"><value/></prop>\n'  # the schema's empty default
            '<prop oor:name="ooSetupVersion">\n        <value>24.8</value>\n      </prop>\n'
            '</node></oor:component-data></oor:data>\n')


VERSIONRC = "[Version]\nAllLanguages=en-US da\nbuildid=420(Build:3)\nUpdateUserAgent=<PRODUCT> (${buildid})\n"


def test_the_profile_has_seen_the_installations_version_and_build(tmp_path: Path) -> None:
    soffice = _installation(tmp_path / "lo", MAIN_XCD, VERSIONRC)
    link = tmp_path / "bin" / "soffice"  # as /usr/bin/soffice links into the installation
    link.parent.mkdir()
    link.symlink_to(soffice)
    profile = tmp_path / "profile"
    profile.mkdir()
    loprofile.prepare(profile, str(link))
    settings = (profile / "user" / loprofile.SETTINGS).read_text(encoding="utf-8")
    assert re.search(r'<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
                     r'oor:op="fuse"><value>24\.8</value></prop></item>', settings)
    assert (profile / "user" / "extensions" / loprofile.BUILD_ID).read_bytes() == b"420(Build:3)"


def test_without_a_build_id_the_profile_gets_the_version_alone(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    loprofile.prepare(profile, _installation(tmp_path / "lo", MAIN_XCD, "[Version]\nbuildid=\n"))
    assert (profile / "user" / loprofile.SETTINGS).is_file() and not (profile / "user" / "extensions").exists()


@pytest.mark.parametrize("main_xcd", [None, "<oor:data/>", MAIN_XCD.replace("24.8", "24.8<x/>")],
                         ids=["no main.xcd", "no version", "a version that is not a number"])
def test_an_installation_whose_version_cannot_be_read_gets_an_empty_profile(tmp_path: Path, main_xcd: str | None) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    loprofile.prepare(profile, _installation(tmp_path / "lo", main_xcd))
    assert list(profile.iterdir()) == []


def test_the_installed_libreoffices_version_is_read() -> None:
    soffice = find_soffice()
    assert soffice is not None
    version = loprofile.product_version(soffice)
    assert version is not None and re.fullmatch(r"\d+\.\d+", version)
    assert loprofile.build_id(soffice)


def test_every_libreoffice_this_program_starts_gets_a_prepared_profile(built, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # An Office's (a build's, watch's) and the one-call conversion's.
    prepared: list[Path] = []
    real = loprofile.prepare
    monkeypatch.setattr(loprofile, "prepare", lambda profile, soffice: prepared.append(profile) or real(profile, soffice))
    for folder in ("own", "one-call"):
        (tmp_path / folder).mkdir()
    with Office(tmp_path / "own") as office:
        assert [p.parent for p in prepared] == [tmp_path / "own"]
        assert (prepared[0] / "user" / loprofile.SETTINGS).is_file()  # before LibreOffice started with it
        office.submit(built.out_dir / "kommissorium.docx", tmp_path / "own.pdf")
        office.wait(60)
        soffice = find_soffice()
        assert soffice is not None
        user = prepared[0] / "user"
        settings = (user / loprofile.SETTINGS).read_text(encoding="utf-8")  # LibreOffice's, kept from what it was given
        assert f"<value>{loprofile.product_version(soffice)}</value>" in settings
        assert (user / "registry").exists() or (user / "config").exists()  # the profile LibreOffice made around it
        assert not (user / "GraphicsRenderTests.log").exists()  # written whenever the tests run
        # LibreOffice found its build recorded, so it neither cleared the extensions folder nor started again.
        assert (user / "extensions" / loprofile.BUILD_ID).read_bytes() == loprofile.build_id(soffice)
        assert "OfficeRestartInProgress" not in settings
    assert to_pdf([built.out_dir / "beredskabsplan.docx"], tmp_path / "batch", timeout=60,
                  profile_parent=tmp_path / "one-call") == [tmp_path / "batch" / "beredskabsplan.pdf"]
    assert len(prepared) == 2 and prepared[1].parent == tmp_path / "one-call"


def test_settings_are_added_to_the_prepared_profile_or_an_empty_one(tmp_path: Path) -> None:
    soffice = _installation(tmp_path / "lo", MAIN_XCD, VERSIONRC)
    setting = ("/org.openoffice.Office.Writer/Revision/TextDisplay/Delete", "Color", "12582912")
    for name, prepared in (("prepared", True), ("empty", False)):
        profile = tmp_path / name
        profile.mkdir()
        if prepared:
            loprofile.prepare(profile, soffice)
        loprofile.configure(profile, [setting, ("/a&b", 'x"y', "<1>")])
        settings = (profile / "user" / loprofile.SETTINGS).read_text(encoding="utf-8")
        assert ('<item oor:path="/org.openoffice.Office.Writer/Revision/TextDisplay/Delete"><prop oor:name="Color" '
                'oor:op="fuse"><value>12582912</value></prop></item>') in settings
        assert '<item oor:path="/a&amp;b"><prop oor:name="x&quot;y" oor:op="fuse"><value>&lt;1&gt;</value>' in settings
        assert ("ooSetupLastVersion" in settings) == prepared
        assert settings.rstrip().endswith("</oor:items>")
    loprofile.configure(tmp_path / "untouched", [])
    assert not (tmp_path / "untouched").exists()
