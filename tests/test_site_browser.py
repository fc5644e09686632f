"""The documentation site offline, in a real browser: every lesson's sliders appear, and nothing is
fetched from outside 127.0.0.1.

The built site (``docs/_build/html``, or the folder ``SAMPLING_SITE`` names) is served by
``python -m http.server`` on 127.0.0.1 and opened in headless Chromium that cannot reach anything
else: ``--host-resolver-rules`` resolves every name but 127.0.0.1 to nothing, and a proxy on a
closed port of 127.0.0.1 takes every request not for the loopback address. The browser's own
network log (the performance log) lists every request a page made; each must be for 127.0.0.1 (or
``file:``, ``data:``, ``blob:``, which fetch nothing from a network). Each course page must then
draw as many sliders as its notebook saved: the Jupyter widgets' HTML manager and RequireJS are
served from the site (``docs/_static/widgets/``, written by ``scripts/vendor_widgets.py``).

Needs Debian's ``chromium`` and ``chromium-driver`` and selenium (as ``tests/test_app_browser.py``),
and a built site. Without them the tests skip, unless ``SAMPLING_REQUIRE_BROWSER=1``, which makes
the skip a failure; a missing site is then built into a temporary folder (the docs extra must be
installed). ``.ci/run`` runs this module after it has built the site, with
``SAMPLING_SITE=docs/_build/html``.

The first tests need no browser: they check ``docs/check_site.py``'s detection of remote scripts,
stylesheets and fonts, and that the site is configured to serve the widgets' scripts itself.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LESSONS = sorted((ROOT / "notebooks" / "teaching").glob("[0-9][0-9]-*.ipynb"))
WIDGETS = ROOT / "docs" / "_static" / "widgets"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: Every request that is not for 127.0.0.1 fails: names resolve to nothing, and addresses go to a
#: proxy on a closed port (Chromium never sends loopback requests through a proxy).
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1")
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-features=OptimizationHints,MediaRouter,Translate", "--window-size=1280,1400",
                  *OFFLINE_FLAGS)
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "devtools"}
WAIT = 30.0


def _check_site_module():
    spec = importlib.util.spec_from_file_location("check_site", ROOT / "docs" / "check_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------
# without a browser


def test_check_site_finds_remote_scripts_stylesheets_and_fonts():
    check_site = _check_site_module()
    page = ('<script src="https://cdn.example/require.min.js"></script><script src="_static/ok.js"></script>'
            '<link rel="stylesheet" href="//fonts.example/css"><link rel="icon" href="_static/i.png">'
            '<a href="https://example.org/read-me">a link to read is not fetched</a>'
            "<style>/* @import url('https://commented.example/out'); */"
            "@font-face { src: url(https://fonts.example/f.woff2) }</style>")
    assert check_site.remote_references(page) == ["https://cdn.example/require.min.js", "//fonts.example/css",
                                                  "https://fonts.example/f.woff2"]
    assert check_site.remote_references('@import "https://x.example/a.css"; b { background: url(b.png) }',
                                        css=True) == ["https://x.example/a.css"]
    assert check_site.remote_references('<script src="_static/widgets/embed-amd.js"></script>') == []


def test_the_site_serves_the_widgets_scripts_itself():
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    configured = re.search(r"nb_ipywidgets_js = \{(.*?)\n\}", conf, flags=re.S)
    assert configured, "docs/conf.py does not set nb_ipywidgets_js"
    scripts = re.findall(r'"([^"]+)"\s*:', configured.group(1))
    assert scripts == ["widgets/require.js", "widgets/embed-amd.js"]
    for script in scripts:
        assert (ROOT / "docs" / "_static" / script).stat().st_size > 10_000, script
    versions = (WIDGETS / "VERSIONS.txt").read_text(encoding="utf-8")
    assert "@jupyter-widgets/html-manager@" in versions and "requirejs@" in versions
    # the fonts its stylesheet loads from beside it
    fonts = set(re.findall(r"[0-9a-f]{20}\.woff2", (WIDGETS / "embed-amd.js").read_text(encoding="utf-8")))
    assert fonts and all((WIDGETS / font).exists() for font in fonts), fonts


def _docs_extension():
    spec = importlib.util.spec_from_file_location("sampling_docs", ROOT / "docs" / "_ext" / "sampling_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reference_summary_lists_every_public_name_once(tmp_path):
    import sampling

    extension = _docs_extension()
    summary = extension.reference_summary(ROOT / "docs" / "reference")
    listed = re.findall(r"^   \* - :\w+:`~sampling\.(\w+)`$", summary, flags=re.M)
    assert sorted(listed) == sorted(name for name in sampling.__all__ if name != "__version__")
    first = sampling.sample_size.__doc__.strip().splitlines()[0]
    assert f"     - {first}" in summary
    # a public name on no page stops the build
    shutil.copytree(ROOT / "docs" / "reference", tmp_path / "reference")
    sizes = tmp_path / "reference" / "sizes.rst"
    sizes.write_text(sizes.read_text(encoding="utf-8").replace(".. autofunction:: margin_of_error\n", ""),
                     encoding="utf-8")
    with pytest.raises(RuntimeError, match="margin_of_error"):
        extension.reference_summary(tmp_path / "reference")


# --------------------------------------------------------------------------------------------
# in a browser


def _require(message: str):
    if os.environ.get("SAMPLING_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (SAMPLING_REQUIRE_BROWSER=1 makes this a failure)")
    pytest.skip(message)


def _built(site: Path) -> bool:
    return (site / "objects.inv").exists() and all(
        (site / "_notebooks" / "teaching" / f"{lesson.stem}.html").exists() for lesson in LESSONS)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The built site: SAMPLING_SITE, else docs/_build/html, else (SAMPLING_REQUIRE_BROWSER=1) a fresh
    build in a temporary folder."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        _require("the site's browser tests need Chromium and its driver: apt-get install -y chromium "
                 "chromium-driver")
    if importlib.util.find_spec("selenium") is None:
        _require('the site\'s browser tests need selenium: pip install -e ".[dev]"')
    named = os.environ.get("SAMPLING_SITE")
    if named:
        site = Path(named).resolve()
        if not _built(site):
            pytest.fail(f"SAMPLING_SITE={named} is not a built site with every lesson's page")
        return site
    site = ROOT / "docs" / "_build" / "html"
    if _built(site):
        return site
    if os.environ.get("SAMPLING_REQUIRE_BROWSER") != "1":
        pytest.skip("no built site with every lesson: build it (python -m sphinx -b html docs docs/_build/html) "
                    "or set SAMPLING_SITE; CI runs this after building it")
    if importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_nb") is None:
        _require('no built site, and the docs extra is missing to build one: pip install -e ".[docs]"')
    site = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(ROOT / "docs"), str(site)],
                   check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return site


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(site):
    """``python -m http.server`` on 127.0.0.1, serving the built site."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("python -m http.server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    """Headless Chromium that can reach 127.0.0.1 alone, with its network log on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def requests_made(driver) -> list[str]:
    """Every address the page asked for since the last call, from the browser's network log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def outside(urls: list[str], server: str) -> list[str]:
    """The requests that were not for the test's server on 127.0.0.1 nor local (file:, data:, ...)."""
    allowed = urlparse(server).netloc
    return [url for url in urls
            if urlparse(url).scheme not in LOCAL_SCHEMES and urlparse(url).netloc != allowed]


def test_the_outside_filter():
    server = "http://127.0.0.1:8123"
    urls = ["http://127.0.0.1:8123/index.html", "data:font/woff2;base64,AAAA", "file:///tmp/x.html",
            "https://cdn.jsdelivr.net/npm/x.js", "http://127.0.0.1:9/", "http://localhost:8123/"]
    assert outside(urls, server) == ["https://cdn.jsdelivr.net/npm/x.js", "http://127.0.0.1:9/",
                                     "http://localhost:8123/"]


def saved_sliders(lesson: Path) -> int:
    """The sliders the lesson's saved widget state holds."""
    notebook = json.loads(lesson.read_text(encoding="utf-8"))
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return sum(1 for model in state.values() if model["model_name"].endswith("SliderModel"))


def test_the_browser_cannot_leave_127_0_0_1(browser, server):
    """The blocking itself: a page that asks for a remote script gets nothing, and the log shows
    the request (so that the lesson tests below would see one)."""
    requests_made(browser)
    browser.get(f"{server}/index.html")
    browser.execute_script("""
        const script = document.createElement('script');
        script.src = 'https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager/dist/embed-amd.js';
        script.onerror = () => { window.__blocked = true; };
        script.onload = () => { window.__blocked = false; };
        document.head.appendChild(script);
    """)
    deadline = time.monotonic() + WAIT
    while browser.execute_script("return window.__blocked") is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser.execute_script("return window.__blocked") is True, "a remote script loaded"
    assert any("cdn.jsdelivr.net" in url for url in outside(requests_made(browser), server))


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.stem for lesson in LESSONS])
def test_every_course_page_shows_its_sliders_offline(browser, server, lesson):
    from selenium.webdriver.common.by import By

    expected = saved_sliders(lesson)
    assert expected >= 1, f"{lesson.name} saved no slider"
    requests_made(browser)  # forget the requests of the pages before
    browser.get(f"{server}/_notebooks/teaching/{lesson.stem}.html")
    deadline = time.monotonic() + WAIT
    sliders = []
    while time.monotonic() < deadline:
        sliders = [s for s in browser.find_elements(By.CSS_SELECTOR, ".widget-slider") if s.is_displayed()]
        if len(sliders) >= expected:
            break
        time.sleep(0.25)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"site-{lesson.stem}.png"))
    requests = requests_made(browser)
    assert len(sliders) == expected, \
        f"{lesson.stem}: {len(sliders)} sliders drawn of the {expected} the notebook saved"
    assert not outside(requests, server), f"{lesson.stem}: requests outside 127.0.0.1: {outside(requests, server)}"
    served = {urlparse(url).path for url in requests}
    assert "/_static/widgets/embed-amd.js" in served and "/_static/widgets/require.js" in served, sorted(served)
