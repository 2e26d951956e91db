"""The real-browser fixtures of tests/browser, for the security area's browser tests."""

from tests.browser.conftest import browser, desktop, live_server, phone  # noqa: F401
