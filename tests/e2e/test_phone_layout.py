"""Every page of the demo fits a phone: at 390 x 844 no document is wider than the screen.

Each role signs in and follows the links it can see (the nav, then every page's own links,
one page per URL shape so twenty profile pages count once), checking each page's width and
running axe on it. The nav must fold into a menu that opens without JavaScript.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import log_in

PHONE = {"width": 390, "height": 844}
# Pages a crawl must not open: leaving the session, files rather than pages, Django's admin.
SKIP = re.compile(
    r"^/(admin/|accounts/logout/|healthz)|\.(csv|ics|txt|json|pdf|zip|xlsx)$|/download/?$|/export"
)
MAX_PAGES = 45

WIDTH_PROBE = """() => {
  const vw = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > vw + 1 && !el.closest('.table-scroll'))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ +/g, '.') : '')
      + ' (' + Math.round(el.getBoundingClientRect().right) + 'px)');
  return {scroll: document.documentElement.scrollWidth, inner: vw, wide};
}"""


def _shape(path: str) -> str:
    """One URL per shape: /sessions/pair/12/ and /sessions/pair/13/ are the same page."""
    return re.sub(r"/\d+(?=/|$)", "/N", re.sub(r"/[0-9a-f-]{20,}(?=/|$)", "/T", path))


def _links(page, host: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header a[href], main a[href]",
        "els => els.filter(a => !a.hasAttribute('download')).map(a => a.href)",
    )
    found = []
    for href in hrefs:
        url = urlparse(href)
        if url.netloc == host and url.scheme in ("http", "https"):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


@pytest.fixture
def phone_page(checked_page):
    checked_page.set_viewport_size(PHONE)
    return checked_page


@pytest.mark.parametrize(
    "email",
    [
        "hr@twoway.example",
        "manager@twoway.example",
        "junior@twoway.example",
        "senior@twoway.example",
    ],
)
def test_every_page_a_role_can_reach_fits_a_phone_screen(demo_org, phone_page, live_server, email):
    page, base = phone_page, live_server.url
    host = urlparse(base).netloc
    log_in(page, base, email)

    seen_shapes: set[str] = set()
    queue: deque[str] = deque(["/"])
    too_wide: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        shape = _shape(path.split("?")[0]) + ("?" if "?" in path else "")
        if shape in seen_shapes or SKIP.search(path.split("?")[0]):
            continue
        seen_shapes.add(shape)
        response = page.goto(base + path)
        if response is None or response.status >= 400 or urlparse(page.url).netloc != host:
            continue
        visited += 1
        size = page.evaluate(WIDTH_PROBE)
        if size["scroll"] > size["inner"]:
            too_wide.append(f"{path}: {size['scroll']}px, e.g. {size['wide']}")
        page.checks.check()
        queue.extend(_links(page, host))

    assert visited >= 4, f"the crawl as {email} reached only {visited} pages"
    assert not too_wide, f"pages wider than a {PHONE['width']}px phone as {email}:\n" + "\n".join(
        too_wide
    )


def test_the_nav_folds_into_a_menu_that_opens_without_javascript(
    demo_org, phone_page, live_server, browser
):
    page, base = phone_page, live_server.url
    log_in(page, base, "hr@twoway.example")
    nav = page.get_by_role("navigation", name="Main")
    dashboard = nav.get_by_role("link", name="Dashboard")
    assert not dashboard.is_visible()
    nav.get_by_text("Menu").click()
    assert dashboard.is_visible()
    box = dashboard.bounding_box()
    assert box is not None and box["height"] >= 44, "a nav link is a 44px tap target"
    page.checks.check()

    # The same menu works with scripts switched off.
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        bare = context.new_page()
        bare.goto(f"{base}/accounts/login/")
        bare.get_by_label("Email").fill("hr@twoway.example")
        bare.get_by_label("Password").fill("twoway-demo")
        bare.get_by_role("button", name="Sign In").click()
        bare.wait_for_url(f"{base}/")
        menu_link = bare.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Dashboard"
        )
        assert not menu_link.is_visible()
        bare.get_by_role("navigation", name="Main").get_by_text("Menu").click()
        assert menu_link.is_visible()
    finally:
        context.close()
