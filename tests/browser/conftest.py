"""Real-browser fixtures: the app served on a loopback port, Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(config, items) -> None:
    """Real-browser tests may retry twice (pytest-rerunfailures), and only they.

    A 2-core CI machine under load sometimes aborts a navigation or misses a paint; the
    retry keeps such timing noise from failing a run, while a real bug fails all three.
    """
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser) -> Iterator:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="nl-BE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser) -> Iterator:
    context = browser.new_context(viewport=DESKTOP, locale="nl-BE")
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    # A teacher lands on "/", the secretariat on its year overview.
    page.wait_for_url(lambda url: url.startswith(base_url) and "/login" not in url)


def open_menu(page) -> None:
    """Open the app bar's menu (a <details>), where the links live on a phone."""
    menu = page.locator("details.app-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def menu_item(page, role: str, name: str):
    """A link or button of the app bar: in the bar itself on a wide screen, else in the menu."""
    item = page.locator(".topbar").get_by_role(role, name=name, exact=True)
    if not item.first.is_visible():
        open_menu(page)
    return item.first


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"
