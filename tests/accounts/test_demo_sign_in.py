"""What `make run` offers a new user: each demo login signs in and lands on its own dashboard."""

import pytest
from bs4 import BeautifulSoup

from responses.demo import build_demo

pytestmark = pytest.mark.django_db

DEMO = "demo-password-for-tests"


@pytest.mark.parametrize(
    ("username", "heading", "caption"),
    [
        ("drafter", "Dashboard", "Office of the Police and Crime Commissioner for Norfolk"),
        ("approver", "Dashboard", "Office of the Police and Crime Commissioner for Norfolk"),
        ("admin", "Dashboard", "Office of the Police and Crime Commissioner for Norfolk"),
        ("force", "Reports you are invited to comment on", "Norfolk Constabulary"),
        ("other-drafter", "Dashboard", "Office of the Police and Crime Commissioner for Suffolk"),
    ],
)
def test_each_demo_user_signs_in_to_their_dashboard(client, norfolk, username, heading, caption):
    build_demo(password=DEMO)
    response = client.post("/accounts/sign-in/", {"username": username, "password": DEMO})
    assert response["Location"] == "/responses/"
    page = BeautifulSoup(client.get("/responses/").content, "html.parser")
    assert page.find("h1").get_text(strip=True) == heading
    assert page.select_one(".govuk-caption-l").get_text(strip=True) == caption


def test_the_demo_office_has_work_to_show(client, norfolk):
    build_demo(password=DEMO)
    client.post("/accounts/sign-in/", {"username": "drafter", "password": DEMO})
    page = BeautifulSoup(client.get("/responses/").content, "html.parser")
    rows = page.select("table tbody tr")
    assert rows, "the demo has open responses"
    assert any("Overdue" in row.get_text() for row in rows)
