"""Search: aliases, every object kind, ranking, scoping, bad input — through the API and the page."""

from __future__ import annotations

from typing import Any

import pytest

from secassist.search import index
from secassist.search.models import SearchDocument
from secassist.search.sources import KINDS
from tests.plans.conftest import add, make_product, make_tasker
from tests.title10.conftest import kenya_raw, register_unit

pytestmark = pytest.mark.django_db


def _api(api_as: Any, user: Any, **params: Any) -> dict[str, Any]:
    response = api_as(user).get("/api/v1/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def _titles(body: dict[str, Any], kind: str) -> list[str]:
    return [r["title"] for r in body["results"] if r["kind"] == kind]


@pytest.mark.parametrize(
    ("words", "iso3"),
    [("Turkey", "TUR"), ("Burma", "MMR"), ("UAE", "ARE"), ("Ivory Coast", "CIV"), ("Jordan", "JOR"), ("cote d'ivoire", "CIV")],
)
def test_a_country_is_found_by_its_name_or_any_alias(api_as: Any, viewer: Any, words: str, iso3: str) -> None:
    body = _api(api_as, viewer, q=words, kind="country")
    assert body["results"], f"nothing found for {words!r}"
    assert body["results"][0]["url"] == f"/countries/{iso3}/"


@pytest.mark.parametrize(("words", "iso3"), [("Turkey", "TUR"), ("Burma", "MMR"), ("UAE", "ARE"), ("Ivory Coast", "CIV")])
def test_the_countries_list_filter_knows_the_aliases(client_as: Any, viewer: Any, words: str, iso3: str) -> None:
    page = client_as(viewer).get("/countries/", {"q": words})
    assert f"/countries/{iso3}/" in page.content.decode()


def test_the_countries_caption_speaks_english_for_one_country(client_as: Any, viewer: Any) -> None:
    page = client_as(viewer).get("/countries/", {"q": "Jordan"}).content.decode()
    assert "1 country</caption>" in page


def test_waivers_and_designations_from_the_register_are_found(api_as: Any, viewer: Any) -> None:
    body = _api(api_as, viewer, q="Somalia", limit=50)
    kinds = {r["kind"] for r in body["results"]}
    assert {"country", "waiver", "designation"} <= kinds
    assert all(r["url"].startswith("/") for r in body["results"])


def test_a_new_proposal_is_found_by_a_word_of_its_description_right_after_it_is_saved(
    api_as: Any, t10_analyst: Any, admin_user: Any
) -> None:
    from secassist.title10 import services

    register_unit(admin_user)
    proposal = services.create_proposal(acting_user=t10_analyst, raw=kenya_raw(title="Maritime interdiction boats for Lamu"))
    body = _api(api_as, t10_analyst, q="Lamu interdiction", kind="proposal")
    assert [r["url"] for r in body["results"]] == [f"/title10/p/{proposal.reference}/"]
    assert "Lamu" in body["results"][0]["title"]


def test_a_comment_is_found_only_by_the_offices_that_may_open_its_tasker(
    api_as: Any, dsp_analyst: Any, clearer: Any, db: Any
) -> None:
    from tests.conftest import _user

    nea = _user("neac", "clearing_officer", "NEA")
    tasker = make_tasker(dsp_analyst, make_product(dsp_analyst), state="tasked")
    add(dsp_analyst, tasker, "DRL", comment="Reference the zanzibarian coastal vetting backlog explicitly.")
    assert _titles(_api(api_as, clearer, q="zanzibarian", kind="comment"), "comment"), "DRL is tasked and must find it"
    assert _api(api_as, nea, q="zanzibarian")["results"] == [], "NEA is not tasked: nothing of the tasker may show"


def test_an_edit_reaches_the_index_through_the_audit_trail(api_as: Any, dsp_analyst: Any) -> None:
    from secassist.plans import services

    product = make_product(dsp_analyst, title="Quokka theater campaign plan")
    assert _titles(_api(api_as, dsp_analyst, q="quokka", kind="plan"), "plan")
    services.update_product(
        acting_user=dsp_analyst,
        product=product,
        product_type="tcp",
        owner_kind="ccmd",
        owner_ccmd="AFRICOM",
        title="Wombat theater campaign plan",
        classification="SECRET",
        dissemination="NOFORN",
        classified_text_location="SIPRNet J5 library",
        countries=["KEN"],
        regions=["AF"],
    )
    assert not _api(api_as, dsp_analyst, q="quokka", kind="plan")["results"]
    assert _titles(_api(api_as, dsp_analyst, q="wombat", kind="plan"), "plan") == ["Wombat theater campaign plan"]


def test_title_words_rank_above_body_words(api_as: Any, dsp_analyst: Any) -> None:
    make_product(dsp_analyst, title="Numbat posture review", summary="")
    make_product(dsp_analyst, title="Unrelated plan", summary="mentions numbat once in passing")
    titles = _titles(_api(api_as, dsp_analyst, q="numbat", kind="plan"), "plan")
    assert titles == ["Numbat posture review", "Unrelated plan"]


@pytest.mark.parametrize("words", ['"unbalanced', "AND OR NOT", "*", "near(x y)", "title:foo", "'; DROP TABLE x; --", "\u0000"])
def test_query_syntax_is_never_passed_to_the_engine(api_as: Any, viewer: Any, words: str) -> None:
    response = api_as(viewer).get("/api/v1/search", {"q": words})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 201}, "q"),
        ({"q": "jordan", "kind": "ledger"}, "kind"),
        ({"q": "jordan", "limit": 0}, "limit"),
        ({"q": "jordan", "limit": 101}, "limit"),
    ],
)
def test_bad_search_parameters_are_refused_naming_the_field(api_as: Any, viewer: Any, params: dict[str, Any], field: str) -> None:
    response = api_as(viewer).get("/api/v1/search", params)
    assert response.status_code == 422
    assert response.json()["details"]["field"] == field


def test_the_kind_refusal_lists_every_allowed_kind(api_as: Any, viewer: Any) -> None:
    details = api_as(viewer).get("/api/v1/search", {"q": "x", "kind": "nope"}).json()["details"]
    assert details["allowed"] == list(KINDS)


def test_search_needs_a_login(client: Any) -> None:
    assert client.get("/api/v1/search", {"q": "Jordan"}).status_code == 401
    assert client.get("/search/", {"q": "Jordan"}).status_code == 302


def test_the_page_highlights_matches_and_escapes_everything_else(client_as: Any, dsp_analyst: Any) -> None:
    make_product(dsp_analyst, title="Bilby plan", summary="<script>alert(1)</script> bilby exercise")
    page = client_as(dsp_analyst).get("/search/", {"q": "bilby"}).content.decode()
    assert "<mark>bilby</mark>" in page.lower()
    assert "<script>alert" not in page  # SQLite's snippet keeps it (escaped); PostgreSQL's headline drops tags


def test_the_header_search_box_is_on_every_page(client_as: Any, viewer: Any) -> None:
    page = client_as(viewer).get("/").content.decode()
    assert 'role="search"' in page and 'action="/search/"' in page


def test_a_bad_kind_on_the_page_is_a_form_error_not_a_500(client_as: Any, viewer: Any) -> None:
    response = client_as(viewer).get("/search/", {"q": "x", "kind": "nope"})
    assert response.status_code == 422
    assert "Unknown kind" in response.content.decode()


def test_a_full_rebuild_indexes_every_kind_and_is_idempotent(db: Any) -> None:
    first = index.rebuild()
    second = index.rebuild()
    assert first == second
    assert set(first) == set(KINDS)
    assert SearchDocument.objects.filter(kind="country").count() == first["country"] > 200


def test_an_object_that_no_longer_exists_leaves_the_index_on_reindex(api_as: Any, dsp_analyst: Any) -> None:
    product = make_product(dsp_analyst, title="Platypus plan")
    assert _titles(_api(api_as, dsp_analyst, q="platypus", kind="plan"), "plan")
    SearchDocument.objects.filter(kind="plan", object_id=str(product.pk)).update(title="stale")
    index._reindex(index.BY_KIND["plan"], {str(product.pk), "999999999"})
    assert SearchDocument.objects.get(kind="plan", object_id=str(product.pk)).title == "Platypus plan"
    assert not SearchDocument.objects.filter(kind="plan", object_id="999999999").exists()


def test_the_reindex_command_reports_every_kind(db: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("search_reindex", stdout=out)
    text = out.getvalue()
    assert all(kind in text for kind in KINDS)
    assert "indexed" in text
