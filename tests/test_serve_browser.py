"""The reviewer's page in a real browser: Debian's headless Chromium and chromedriver, driven by Selenium.

Runs in CI's slow step (``pytest -m slow``); skipped where Chromium or its
driver is not installed (``apt-get install chromium chromium-driver``).
Selenium uses the system chromedriver, never a downloaded one.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("httpx")
pytest.importorskip("starlette")
webdriver = pytest.importorskip("selenium.webdriver")

from serve_server import running  # noqa: E402

from conftest import REPO  # noqa: E402

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), "/usr/bin/chromedriver"
MATERIALS = REPO / "examples" / "materials"
SCREENSHOT = os.environ.get("DIMTAG_SCREENSHOT")  # set to a path to (re)make docs/serve.png


def _browser(downloads: Path):
    if not CHROMIUM or not os.path.exists(CHROMEDRIVER):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1700", "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def _wait(condition, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_reviewer_uploads_the_examples_sees_the_flags_and_downloads_the_xlsx(tmp_path):
    from selenium.webdriver.common.by import By

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = _browser(downloads)
    try:
        with running(tmp_path) as server:
            driver.get(server.url + "/")
            assert driver.find_element(By.TAG_NAME, "h1").text == "对照检查材料审阅"
            assert "不保存任何文件" in driver.find_element(By.ID, "privacy").text
            files = [str(p) for p in sorted(MATERIALS.glob("*.txt"))]
            driver.find_element(By.ID, "pick-files").send_keys("\n".join(files))
            assert "已选择 8 份材料" in driver.find_element(By.ID, "chosen").text
            driver.find_element(By.ID, "start").click()
            _wait(lambda: driver.find_element(By.ID, "result").is_displayed())
            rows = driver.find_elements(By.CSS_SELECTOR, "#flags tbody tr")
            shown = {(r.find_elements(By.TAG_NAME, "td")[0].text, r.get_attribute("data-kind")) for r in rows}
            assert {("05_hospital.txt", "missing"), ("06_company.txt", "vague"), ("03_township.txt", "copied"),
                    ("07_community.txt", "copied")} <= shown
            assert "缺少维度" in driver.find_element(By.ID, "flags").text
            assert "共 8 份材料" in driver.find_element(By.ID, "summary").text
            assert not driver.find_element(By.ID, "progress").is_displayed(), "the progress bar goes once the report is shown"
            # The full report, the same page as dimtag report -o report.html, in its frame.
            driver.switch_to.frame(driver.find_element(By.ID, "report"))
            _wait(lambda: driver.find_elements(By.TAG_NAME, "h1"))
            assert driver.find_element(By.TAG_NAME, "h1").text == "材料审阅报告"
            driver.switch_to.default_content()
            if SCREENSHOT:
                driver.execute_script("document.getElementById('report').style.height='620px'")
                driver.set_window_size(1280, 1500)
                driver.save_screenshot(SCREENSHOT)
            driver.find_element(By.ID, "download").click()
            xlsx = _wait(lambda: [p for p in downloads.iterdir() if p.suffix == ".xlsx"])[0]
            from openpyxl import load_workbook

            _wait(lambda: not list(downloads.glob("*.crdownload")))
            book = load_workbook(xlsx, read_only=True)
            header, *flags = list(book["问题标记"].iter_rows(values_only=True))
            file_col, kind_col = header.index("文件"), header.index("类型")
            # The workbook shows values in Chinese: a missing aspect is 缺少维度.
            assert any(row[file_col].endswith("05_hospital.txt") and row[kind_col] == "缺少维度" for row in flags)
            assert xlsx.name == "审阅报告.xlsx"
            logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert not logs, logs
            assert server.leftovers() == []
    finally:
        driver.quit()
