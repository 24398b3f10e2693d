import csv
import io

from tests.e2e.conftest import log_in


def test_hr_filters_the_dashboard_without_a_reload_and_downloads_it(
    demo_org, checked_page, live_server
):
    page = checked_page
    log_in(page, live_server.url, "hr@twoway.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", name="Programme dashboard").is_visible()
    assert page.get_by_role("heading", name="Two-way balance").is_visible()
    page.checks.check()

    page.evaluate("window.__same_document = true")
    page.get_by_label("Cohort").select_option(label="Reverse Mentoring · Autumn 2026")
    page.wait_for_url("**/dashboard/?*cohort=autumn-2026*")
    # htmx swapped the figures in place: the document (and our marker) survived.
    assert page.evaluate("window.__same_document") is True
    assert page.get_by_role("heading", name="Hours per month").is_visible()
    page.checks.check()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0] == ["figure", "value"]
    assert any(row and row[0] == "active pairs" for row in rows)


def test_a_manager_sees_aggregates_for_their_part_of_the_organisation(
    demo_org, checked_page, live_server
):
    page = checked_page
    log_in(page, live_server.url, "manager@twoway.example")
    page.goto(f"{live_server.url}/dashboard/")
    text = page.locator("main").inner_text()
    assert "people in your part of the organisation" in text
    assert "Pairs at risk" not in text  # names of quiet pairs are for HR only
    page.checks.check()
