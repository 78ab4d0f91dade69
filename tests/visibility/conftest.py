"""A real headless Chromium for the pages siteloop writes (`.ci/run` installs it from
Debian's packages; elsewhere the tests that need it are skipped unless
SITELOOP_REQUIRE_BROWSER is set, as CI sets it)."""

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        if os.environ.get("SITELOOP_REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium and chromedriver are needed: apt-get install chromium chromium-driver"
            )
        pytest.skip("no Chromium here: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1600",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
