"""The pages in a real browser: headless Chromium, driven by Selenium, against the real server.

Each test checks that no request left the app's origin and that the console stayed free of
errors. Screenshots land in screenshots/ at the repository root for a reviewer to look at.

Needs the system's Chromium and chromedriver (Debian: `apt-get install chromium
chromium-driver`). Without them these tests skip, unless MISSION_FACTS_REQUIRE_BROWSER=1 (as in
CI), which makes them fail instead.
"""

import base64
import http.server
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.settings import PROJECT_ROOT
from tests.conftest import DatabaseFactory
from tests.support.servers import serving

WebDriver = webdriver.Chrome
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT_ROOT / "screenshots"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)
WAIT_SECONDS = 30
SOURCE_ID = "haitiwire-2025-02-mss-support-office"
# Schemes that load nothing over the network.
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome-error:")


@pytest.fixture(scope="module")
def base_url(make_database: DatabaseFactory) -> Iterator[str]:
    with serving(make_database()) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        reason = (
            f"the browser tests need Chromium and chromedriver; missing: {', '.join(missing)}. "
            "Install the Debian packages: apt-get install chromium chromium-driver"
        )
        if os.environ.get("MISSION_FACTS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="mission-facts-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(WAIT_SECONDS)
        SCREENSHOTS.mkdir(exist_ok=True)
        try:
            yield driver
        finally:
            driver.quit()


# Runs before any script of each page (injected by the browser, so the page's own policy does
# not apply to it) and records every Content-Security-Policy violation the page commits.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def chromium(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser at desktop size, with its logs emptied so each test sees only its own."""
    script = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CSP_VIOLATIONS}
    )
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get_log("browser")
    browser.get_log("performance")
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", script)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def visit(driver: WebDriver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def csp_violations(driver: WebDriver) -> list[str]:
    found: list[str] = driver.execute_script("return window.cspViolations")
    assert found is not None, "the violation recorder did not run"
    return found


def assert_clean(driver: WebDriver, base_url: str) -> None:
    """No console errors, no Content-Security-Policy violation, and every request went to the
    app's own origin."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors
    assert csp_violations(driver) == []
    requested = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert requested, "the performance log recorded no request"
    elsewhere = [url for url in requested if not url.startswith((base_url, *LOCAL_SCHEMES))]
    assert elsewhere == [], elsewhere


def save_full_page(driver: WebDriver, name: str) -> Path:
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path = SCREENSHOTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000, f"{name} looks empty"
    return path


def phone(driver: WebDriver) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True},
    )


def api(base_url: str, path: str) -> Any:
    return httpx.get(base_url + path, headers={"Accept": "application/json"}).json()


def key_figure_words(base_url: str) -> list[str]:
    """Key figures as a reader must see them, built from the JSON: "1,000 officers"..."""
    figures = api(base_url, "/missions/mss")["key_figures"]
    words = []
    for name in ("personnel_deployed", "personnel_planned"):
        quantity = figures[name]["quantity"]
        words.append(f"{quantity['value']:,} {quantity['unit']}")
    for name in ("funding_received", "funding_unallocated", "funding_allocated"):
        words.append(f"${figures[name]['quantity']['value'] / 1e6:g} million")
    words.append(figures["lead_nation"]["country"]["name"])
    return words


def charts_rendered(driver: WebDriver) -> list[dict[str, Any]]:
    sizes: list[dict[str, Any]] = driver.execute_script(
        """return [...document.querySelectorAll('img')].map(img => ({
            src: img.getAttribute('src'), complete: img.complete,
            natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
            height: img.getBoundingClientRect().height}));"""
    )
    return sizes


def test_fact_sheet_shows_the_key_figures_and_charts(chromium: WebDriver, base_url: str) -> None:
    visit(chromium, base_url + "/")
    section = chromium.find_element(By.ID, "mss")
    visible = section.text  # Selenium returns rendered, visible text only
    for words in key_figure_words(base_url):
        assert words in visible, words
    deployed = api(base_url, "/missions/mss")["key_figures"]["personnel_deployed"]["quantity"]
    assert f"{deployed['value']:,} of " in section.find_element(By.CLASS_NAME, "headline").text
    images = charts_rendered(chromium)
    assert {i["src"] for i in images} >= {
        f"/missions/mss/charts/{name}.svg" for name in ("personnel", "funding", "timeline")
    }
    for image in images:
        assert image["complete"] and image["natural"] > 0, image
        assert image["shown"] > 200 and image["height"] > 100, image
    save_full_page(chromium, "factsheet-desktop.png")
    assert_clean(chromium, base_url)


def test_mission_page_renders_every_section(chromium: WebDriver, base_url: str) -> None:
    visit(chromium, base_url + "/missions/mss")
    for section_id in ("key-figures", "contributors", "funding", "situation", "positions",
                       "timeline", "needs", "proposals", "open-questions"):  # fmt: skip
        section = chromium.find_element(By.ID, section_id)
        assert section.is_displayed() and section.size["height"] > 50, section_id
    situation = chromium.find_element(By.ID, "situation").text
    for fact in api(base_url, "/displacement-events?country=HTI")["items"]:
        assert fact["quantity"]["as_stated"] in situation
    assert "list partial" in chromium.find_element(By.ID, "funding").text.lower()
    for image in charts_rendered(chromium):
        assert image["natural"] > 0 and image["shown"] > 200, image
    save_full_page(chromium, "mission-mss.png")
    assert_clean(chromium, base_url)


def test_a_citation_link_lands_on_the_highlighted_quote(chromium: WebDriver, base_url: str) -> None:
    received = api(base_url, "/missions/mss")["key_figures"]["funding_received"]
    citation = received["citations"][0]
    visit(chromium, base_url + "/missions/mss")
    link = chromium.find_element(
        By.CSS_SELECTOR, 'tr[data-kind="funding.received"] a.cite-link[href*="#cite-"]'
    )
    assert link.get_attribute("href") == base_url + citation["href"]
    link.click()
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: (
            "#cite-" in d.current_url
            and d.execute_script("return document.readyState") == "complete"
            and d.execute_script("return document.querySelector(':target') !== null")
        )
    )
    target = chromium.execute_script(
        """const t = document.querySelector(':target');
        const other = document.querySelector('.source-text .cite:not(:target)');
        const box = t.getBoundingClientRect();
        return {id: t.id, text: t.textContent, background: getComputedStyle(t).backgroundColor,
                plain: getComputedStyle(other).backgroundColor,
                top: box.top, bottom: box.bottom, viewport: innerHeight};"""
    )
    assert target["id"] == citation["href"].split("#")[1]
    assert target["text"] == citation["quote"]
    assert target["background"] != target["plain"], "the quote is not highlighted"
    assert target["top"] >= 0 and target["bottom"] <= target["viewport"], "not scrolled into view"
    chromium.save_screenshot(str(SCREENSHOTS / "source-cite.png"))
    assert_clean(chromium, base_url)


def test_a_quote_sharing_words_with_another_is_highlighted_whole(
    chromium: WebDriver, base_url: str
) -> None:
    visit(chromium, f"{base_url}/sources/{SOURCE_ID}")
    anchor = chromium.find_element(By.CSS_SELECTOR, "[data-continues]").get_attribute(
        "data-continues"
    )
    visit(chromium, f"{base_url}/sources/{SOURCE_ID}#{anchor}")
    backgrounds = chromium.execute_script(
        """const id = arguments[0];
        const pieces = [document.getElementById(id),
                        ...document.querySelectorAll(`[data-continues="${id}"]`)];
        return {pieces: pieces.map(p => getComputedStyle(p).backgroundColor),
                text: pieces.map(p => p.textContent).join(''),
                plain: getComputedStyle(document.querySelector('.source-text'))
                       .backgroundColor};""",
        anchor,
    )
    start, end = (int(n) for n in str(anchor).split("-")[1:])
    text = api(base_url, f"/sources/{SOURCE_ID}")["text"]
    assert backgrounds["text"] == text[start:end]
    assert len(backgrounds["pieces"]) > 1
    assert len(set(backgrounds["pieces"])) == 1, backgrounds
    assert backgrounds["pieces"][0] != backgrounds["plain"]
    assert_clean(chromium, base_url)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "factsheet-375.png"),
        ("/missions/mss", "mission-mss-375.png"),
        (f"/sources/{SOURCE_ID}", "source-375.png"),
    ],
)
def test_layout_fits_a_375_px_phone(
    chromium: WebDriver, base_url: str, path: str, name: str
) -> None:
    phone(chromium)
    visit(chromium, base_url + path)
    widths = chromium.execute_script(
        "return {page: document.documentElement.scrollWidth, viewport: innerWidth};"
    )
    assert widths["viewport"] == 375
    assert widths["page"] <= 375, f"{path} scrolls sideways: {widths}"
    if path == "/":
        visible = chromium.find_element(By.ID, "mss").text
        for words in key_figure_words(base_url):
            assert words in visible, words
        for image in charts_rendered(chromium):
            assert 250 < image["shown"] <= 375, image
    save_full_page(chromium, name)
    assert_clean(chromium, base_url)


@pytest.mark.parametrize("name", ["personnel", "funding", "timeline"])
def test_charts_render_on_their_own(chromium: WebDriver, base_url: str, name: str) -> None:
    chromium.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 600, "height": 700, "deviceScaleFactor": 1, "mobile": False},
    )
    visit(chromium, f"{base_url}/missions/mss/charts/{name}.svg")
    box = chromium.execute_script(
        """const r = document.documentElement.getBoundingClientRect();
        return {tag: document.documentElement.tagName, width: r.width, height: r.height};"""
    )
    assert box["tag"] == "svg" and box["width"] == 600 and box["height"] > 150, box
    save_full_page(chromium, f"chart-{name}.png")
    assert_clean(chromium, base_url)


def test_swagger_ui_lists_the_operations(chromium: WebDriver, base_url: str) -> None:
    visit(chromium, base_url + "/docs")
    paths = api(base_url, "/openapi.json")["paths"]
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= len(paths)
    )
    shown = {e.text for e in chromium.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert "/missions/{slug}/charts/personnel.svg" in {s.replace("\u200b", "") for s in shown}
    save_full_page(chromium, "docs.png")
    assert_clean(chromium, base_url)


def test_redoc_renders_the_reference(chromium: WebDriver, base_url: str) -> None:
    visit(chromium, base_url + "/redoc")
    title = api(base_url, "/openapi.json")["info"]["title"]
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: any(title in h.text for h in d.find_elements(By.TAG_NAME, "h1"))
    )
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-section-id^='operation/']")) > 10
    )
    chromium.save_screenshot(str(SCREENSHOTS / "redoc.png"))
    assert_clean(chromium, base_url)


INJECT_INLINE_SCRIPT = """
const script = document.createElement('script');
script.textContent = 'window.injected = true';
document.body.appendChild(script);
return window.injected === true;
"""


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/", f"/sources/{SOURCE_ID}"])
def test_the_policy_refuses_an_injected_inline_script(
    chromium: WebDriver, base_url: str, path: str
) -> None:
    visit(chromium, base_url + path)
    assert httpx.get(base_url + path, headers={"Accept": "text/html"}).headers[
        "content-security-policy"
    ]
    assert csp_violations(chromium) == []
    ran = chromium.execute_script(INJECT_INLINE_SCRIPT)
    assert ran is False, "an inline script ran despite the policy"
    WebDriverWait(chromium, WAIT_SECONDS).until(lambda d: d.execute_script(
        "return window.cspViolations.length") > 0)  # fmt: skip
    assert csp_violations(chromium) == ["script-src-elem blocked inline"]
    chromium.get_log("browser")  # the refusal itself is reported on the console


CONTRAST_SCRIPT = """
function rgba(text) {
  const n = text.match(/[\\d.]+/g).map(Number);
  return n.length === 3 ? [...n, 1] : n;
}
function background(element) {
  for (let e = element; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) return c;
  }
  return [255, 255, 255, 1];
}
const found = [];
for (const e of document.querySelectorAll('main *, header *, footer *')) {
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const box = e.getBoundingClientRect();
  if (!own || box.width === 0 || box.height === 0) continue;
  const style = getComputedStyle(e);
  found.push({text: e.textContent.trim().slice(0, 40), color: rgba(style.color),
              background: background(e), size: parseFloat(style.fontSize),
              bold: parseInt(style.fontWeight) >= 700});
}
return found;
"""


def _luminance(color: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in color[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: list[float], background: list[float]) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    "path", ["/", "/missions/mss", f"/sources/{SOURCE_ID}#cite-1649-1722", "/missions/nope"]
)
def test_text_contrast_meets_wcag_aa(chromium: WebDriver, base_url: str, path: str) -> None:
    visit(chromium, base_url + path)
    texts = chromium.execute_script(CONTRAST_SCRIPT)
    assert len(texts) > 5
    too_faint = []
    for text in texts:
        large = text["size"] >= 24 or (text["bold"] and text["size"] >= 18.66)
        ratio = contrast(text["color"], text["background"])
        if ratio < (3.0 if large else 4.5):
            too_faint.append((text["text"], round(ratio, 2)))
    assert too_faint == []
    chromium.get_log("browser")  # the 404 page's own status is not a console error to judge


# --- Embeds on another site -------------------------------------------------------------------

# A newsroom's page, served from another origin: it frames what oEmbed hands it and, as AMP's
# amp-iframe does, takes the frame's height from the embed-size message.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>A newsroom's article</title></head>
<body style="margin:0;width:{width}px">
<p>An article that embeds a fact box.</p>
<script>
window.heights = [];
window.addEventListener("message", (event) => {{
  const data = event.data;
  if (!data || data.sentinel !== "amp" || data.type !== "embed-size") return;
  window.heights.push({{origin: event.origin, height: data.height}});
  for (const frame of document.querySelectorAll("iframe")) {{
    if (frame.contentWindow === event.source) frame.height = data.height;
  }}
}});
</script>
{embed}
</body></html>"""


@pytest.fixture(scope="module")
def other_site() -> Iterator[tuple[str, dict[str, str]]]:
    """A second local server, on a port of its own (so another origin), serving the pages
    put in the dict it yields."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()


def embed_on_other_site(
    driver: WebDriver, site: tuple[str, dict[str, str]], name: str, embed: str, width: int
) -> list[dict[str, Any]]:
    """Open the other site's page holding `embed`; the height messages it received."""
    origin, pages = site
    pages[f"/{name}.html"] = HOST_PAGE.format(embed=embed, width=width)
    visit(driver, f"{origin}/{name}.html")
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return window.heights.length")
    )
    heights: list[dict[str, Any]] = driver.execute_script("return window.heights")
    return heights


def settled(driver: WebDriver, frame: Any) -> bool:
    """The frame is as tall as the card's latest message says, and the card's content (seen
    from inside the frame) is that tall too: the whole card shows, nothing cut off."""
    heights = driver.execute_script("return window.heights")
    if int(frame.get_attribute("height") or 0) != heights[-1]["height"]:
        return False
    driver.switch_to.frame(frame)
    try:
        content: int = driver.execute_script(
            "return Math.ceil(document.documentElement.getBoundingClientRect().height)"
        )
    finally:
        driver.switch_to.default_content()
    latest: int = driver.execute_script("return window.heights")[-1]["height"]
    return content == latest == heights[-1]["height"]


@pytest.mark.parametrize(
    ("url", "width", "words"),
    [
        ("/facts/hti-displacement-recent-weeks-2025-02", 300, "over 6,000 people"),
        ("/missions/mss", 300, "1,000 of 2,500 planned officers"),
        ("/missions/mss/charts/funding.svg", 320, ""),
    ],
)
def test_an_oembed_iframe_on_another_site_shows_the_card_and_sends_its_height(
    chromium: WebDriver,
    base_url: str,
    other_site: tuple[str, dict[str, str]],
    url: str,
    width: int,
    words: str,
) -> None:
    answer = httpx.get(
        f"{base_url}/oembed", params={"url": base_url + url, "maxwidth": width}
    ).json()
    assert answer["type"] == "rich" and answer["width"] <= width
    name = url.strip("/").replace("/", "-").replace(".", "-")
    heights = embed_on_other_site(chromium, other_site, name, answer["html"], width)
    assert heights[-1]["origin"] == base_url  # sent by the card, from the API's origin
    frame = chromium.find_element(By.TAG_NAME, "iframe")
    # The card may post more than once while it lays out (its stylesheet, an image): wait
    # until the frame has taken the latest height and the card's content is that tall.
    WebDriverWait(chromium, WAIT_SECONDS).until(lambda d: settled(d, frame))
    final = chromium.execute_script("return window.heights")[-1]["height"]
    assert final > 100
    chromium.switch_to.frame(frame)
    try:
        # Legible at this width: nothing runs past the frame's edge.
        overflow = chromium.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        if words:
            assert words in chromium.find_element(By.TAG_NAME, "body").text
        else:
            image = chromium.execute_script(
                "const i = document.querySelector('img'); return [i.complete, i.naturalWidth]"
            )
            assert image[0] and image[1] > 0
        violations = csp_violations(chromium)
        assert violations == []
    finally:
        chromium.switch_to.default_content()
    save_full_page(chromium, f"embed-{name}.png")
    errors = [entry for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors
