import pytest
from django.test import Client


def test_health_is_public(db):
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/api/v1/countries", "/api/v1/countries/KEN", "/api/v1/authorities"])
def test_api_refuses_anonymous_callers_with_a_json_error(db, path):
    response = Client().get(path)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "Bearer" in body["message"]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer sa_" + "x" * 43, "Token abc", "Bearer "])
def test_malformed_or_unknown_tokens_are_refused(db, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/countries")
    assert response.status_code == 401


def test_country_by_code_gives_bureau_cocom_and_aliases(api_as, viewer):
    body = api_as(viewer).get("/api/v1/countries/mmr").json()
    assert body["iso3"] == "MMR"
    assert body["bureau"] == "EAP"
    assert body["cocom"] == "INDOPACOM"
    assert "Burma" in body["aliases"]


def test_unknown_country_code_is_a_404_naming_the_code(api_as, viewer):
    response = api_as(viewer).get("/api/v1/countries/XXX")
    assert response.status_code == 404
    assert "XXX" in response.json()["message"]


def test_malformed_country_code_is_a_422_naming_the_field(api_as, viewer):
    response = api_as(viewer).get("/api/v1/countries/K3")
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "iso3"


def test_bad_filter_lists_the_allowed_values(api_as, viewer):
    response = api_as(viewer).get("/api/v1/countries", {"bureau": "MARS"})
    assert response.status_code == 422
    assert "AF, EAP, EUR, NEA, SCA, WHA" in response.json()["message"]


def test_countries_filter_by_bureau(api_as, viewer):
    body = api_as(viewer).get("/api/v1/countries", {"bureau": "WHA"}).json()
    assert body and all(c["bureau"] == "WHA" for c in body)


def test_authorities_list_states_role(api_as, viewer):
    body = api_as(viewer).get("/api/v1/authorities").json()
    by_code = {a["code"]: a for a in body}
    assert by_code["10USC333"]["state_role"] == "concurrence"
    assert by_code["10USC401"]["state_role"] == "approval"


def test_a_revoked_token_stops_working(db, viewer):
    from secassist.accounts.services import create_token, revoke_token

    token, key = create_token(acting_user=viewer, user=viewer)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/countries/KEN").status_code == 200
    revoke_token(acting_user=viewer, token=token)
    assert client.get("/api/v1/countries/KEN").status_code == 401


def test_openapi_docs_require_login(db, client_as, viewer):
    assert Client().get("/api/v1/docs").status_code == 302
    assert client_as(viewer).get("/api/v1/openapi.json").status_code == 200


def test_the_openapi_spec_can_be_fetched_with_a_bearer_token_but_not_anonymously(db, viewer):
    from secassist.accounts.services import create_token

    _, key = create_token(acting_user=viewer, user=viewer)
    spec = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/search" in spec.json()["paths"]
    assert Client().get("/api/v1/openapi.json").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer not-a-token").get("/api/v1/openapi.json").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/docs").status_code == 302, "the docs page stays behind login"


def test_the_favicon_is_served_to_anyone(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
