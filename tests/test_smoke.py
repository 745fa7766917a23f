from django.test import Client
from django.urls import reverse


def test_the_dashboard_greets_a_signed_in_member(world, as_member):
    """A member's home page renders what waits on them."""
    response = as_member.get(reverse("core:dashboard", args=["acme"]))
    assert response.status_code == 200
    assert "Waiting on you" in response.content.decode()


def test_page_titles_read_name_then_product(world, as_member):
    """The title said "ProgramsMentora": the template used Jinja's `self.title`, which Django ignores."""
    page = as_member.get(reverse("programs:list", args=["acme"])).content.decode()
    assert "<title>Programs · Mentora</title>" in page
    sign_in = Client().get(reverse("account_login")).content.decode()
    title = sign_in.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith(" · Mentora") and len(title) > len(" · Mentora")
