from django.urls import reverse


def test_the_dashboard_greets_a_signed_in_member(world, as_member):
    """A member's home page renders their next steps."""
    response = as_member.get(reverse("core:dashboard", args=["acme"]))
    assert response.status_code == 200
    assert "Your next steps" in response.content.decode()
