import pytest


@pytest.mark.parametrize(
    "email,heading,nav",
    [
        ("hr@twoway.example", "Programmes", "Dashboard"),
        ("manager@twoway.example", "Hello, Marcus Webb", "Dashboard"),
        ("junior@twoway.example", "Hello, Asha Okafor", "My programme"),
        ("senior@twoway.example", "Hello, Robert Lindqvist", "My programme"),
    ],
)
def test_each_demo_role_logs_in_through_the_form_and_sees_their_home(
    demo_org, checked_page, live_server, email, heading, nav
):
    from tests.e2e.conftest import log_in

    page = checked_page
    page.goto(live_server.url + "/")
    page.checks.check()
    page.goto(live_server.url + "/accounts/login/")
    page.checks.check()
    log_in(page, live_server.url, email)
    assert page.get_by_role("heading", level=1).first.inner_text() == heading
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name=nav).is_visible()
    page.checks.check()


def test_the_demo_junior_sees_their_partner(demo_org, checked_page, live_server):
    from tests.e2e.conftest import log_in

    log_in(checked_page, live_server.url, "junior@twoway.example")
    assert checked_page.get_by_text("Robert Lindqvist").first.is_visible()
    checked_page.checks.check()
