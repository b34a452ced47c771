from django.urls import reverse


def test_home_page_shows_real_counts_to_a_signed_in_user(client_as, sa_analyst):
    response = client_as(sa_analyst).get(reverse("web:home"))
    assert response.status_code == 200
    assert b"Countries" in response.content
