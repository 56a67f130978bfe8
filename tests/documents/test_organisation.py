"""The organisation diagram's DOT source and its description in words follow the organisation data."""

from __future__ import annotations

import copy

from agreement.documents.organisation import organisation_description, organisation_dot
from agreement.model.content import Strategic
from agreement.source.yamlload import YamlDocument, load_yaml
from tests.conftest import SAMPLE


def _data() -> dict:
    return copy.deepcopy(load_yaml(SAMPLE / "strategic.yaml").data)


def _dot(data: dict) -> str:
    return organisation_dot(Strategic.from_doc(YamlDocument("strategic.yaml", data)))


def test_dot_holds_board_groups_team_and_linked_efforts() -> None:
    dot = _dot(_data()).replace("\\n", " ")  # labels are wrapped with DOT line breaks
    assert "Bestyrelse" in dot and "mødes to gange om året" in dot
    assert "Følgegruppen for Beskæftigelse" in dot
    assert "projektleder/sekretariatsleder" in dot
    assert "style=dashed" in dot and "Byggesager" in dot


def test_dot_follows_the_data() -> None:
    data = _data()
    before = _dot(data)
    data["organisering"]["følgegrupper"]["grupper"].append(
        {"id": "fg-ny", "navn": "Følgegruppen for Tryghed", "indsatsområde": "Kriminalitetsforebyggelse", "medlemmer": ["X"]})
    data["organisering"]["bestyrelse"]["møder_pr_år"] = 4
    data["organisationer"][0]["navn"] = 'Kommune "Nord" & Co'
    data["organisering"]["bestyrelse"]["organisationer"] = ["albertslund-kommune"]
    after = _dot(data).replace("\\n", " ")
    assert after != before
    assert "Følgegruppen for Tryghed" in after and "bestyrelse -> fg2" in after
    assert "mødes fire gange om året" in after
    assert 'Kommune \\"Nord\\" & Co' in after


def test_alt_text_describes_the_structure_not_just_the_caption() -> None:
    data = _data()
    text = organisation_description(Strategic.from_doc(YamlDocument("strategic.yaml", data)))
    assert text.startswith("Organisationsdiagram for den boligsociale indsats i Albertslund. Øverst bestyrelsen (")
    for member in ("Albertslund Kommune", "AKB Albertslund", "VA", "AB", "KAB", "BO-VEST"):
        assert member in text.split(")")[0]
    assert "to følgegrupper: Følgegruppen for Beskæftigelse og Følgegruppen for Uddannelse og Livschancer" in text
    assert "det boligsociale team med 1 projektleder/sekretariatsleder og 1 uddannelses- og beskæftigelsesmedarbejder" in text
    assert "stiplet streg" in text and "Byggesager" in text and "Tilkøb fra boligafdelinger" in text

    data["organisering"]["følgegrupper"]["grupper"] = data["organisering"]["følgegrupper"]["grupper"][:1]
    data["organisering"]["diagram"].pop("tilknyttede_indsatser", None)
    text = organisation_description(Strategic.from_doc(YamlDocument("strategic.yaml", data)))
    assert "én følgegruppe: Følgegruppen for Beskæftigelse;" in text and "stiplet" not in text
