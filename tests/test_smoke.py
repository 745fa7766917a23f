from django.urls import reverse


def test_the_dashboard_greets_a_signed_in_member(world, as_member):
    """A member's home page renders what waits on them."""
    response = as_member.get(reverse("core:dashboard", args=["acme"]))
    assert response.status_code == 200
    assert "Waiting on you" in response.content.decode()
