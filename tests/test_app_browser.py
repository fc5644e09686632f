"""The app in a real browser: ``python -m sampling app`` served, driven by headless Chromium.

One server and one page serve every test of this module (Voilà starts a kernel per page load,
a few seconds each). What the page shows is compared with the command line run as a subprocess on
the same input: ``size --json`` for held-out populations, ``plan --json`` and the workbook ``plan``
writes, ``plan``'s stderr for a case list with three problems, ``uncertainty --json`` and
``annexe``. Screenshots of each tab are saved in ``tests/artifacts/`` (not committed).

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install -y chromium
chromium-driver``), selenium and voila (``pip install -e ".[dev]"``); without them the tests skip,
unless ``SAMPLING_REQUIRE_BROWSER=1``, which makes the skip a failure (CI sets it).

Uploads: ipywidgets 8's FileUpload makes its ``<input type=file>`` with ``createElement`` and never
puts it in the page; clicking the widget's button calls that input's ``click()``, which would open
the system's file dialog. :data:`CATCH_FILE_INPUT` replaces ``HTMLInputElement.prototype.click``,
for file inputs only, with a function that puts the input into the page (hidden, as the widget
made it) and remembers it instead of opening a dialog. The test then clicks the widget's button,
takes the input it caught, and types the file's path into it (``send_keys``): Chromium's driver
sets the input's files and fires ``change``, and the widget reads the file and sends its bytes to
the kernel exactly as after a real choice in the dialog.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sampling.app import percent
from sampling.synthetic import messy_case_list

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: Without the background-networking flags Chromium's own connections (updates, sync) are refused
#: on a closed network and slow it down; a fresh profile keeps nothing between runs. Every name but
#: 127.0.0.1 resolves to nothing, so that a request for another machine fails at once (and is
#: still in the browser's network log, which the tests of requests read).
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--window-size=1280,1400")
# how long to wait for the address and for the page with its tabs before calling the app hung: not a
# speed target (speed is measured, not tested: the times are written to timings.json), so generous
# enough for a shared machine under load
SERVE_WITHIN = 120.0
WAIT = 30.0

CATCH_FILE_INPUT = """
if (!window.__catchFileInput) {
  window.__catchFileInput = true;
  const click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (this.type !== 'file') { return click.call(this); }
    if (!this.isConnected) { document.body.appendChild(this); }
    window.__fileInput = this;
  };
}
"""


def _require(message: str):
    if os.environ.get("SAMPLING_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (SAMPLING_REQUIRE_BROWSER=1 makes this a failure)")
    pytest.skip(message)


def _check_tools() -> None:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        _require("the browser tests need Chromium and its driver: install the Debian packages "
                 "chromium chromium-driver (apt-get install -y chromium chromium-driver)")
    missing = [name for name in ("selenium", "voila", "ipywidgets") if importlib.util.find_spec(name) is None]
    if missing:
        _require(f"the browser tests need {', '.join(missing)}: pip install -e \".[dev]\"")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(*argv, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sampling", *map(str, argv)], capture_output=True, text=True,
                          cwd=cwd, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def _processes_naming(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``python -m sampling app --no-browser --port P`` from an empty folder, with its temporary
    files in a (short: the kernels' sockets are there) folder of its own; stopped by SIGINT, as
    Ctrl-C stops it, and checked to leave nothing behind."""
    _check_tools()
    work = tmp_path_factory.mktemp("cwd")
    temporary = Path(tempfile.mkdtemp(prefix="t"))
    port = _free_port()
    out, err = work.parent / "app.out", work.parent / "app.err"
    started = time.monotonic()
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "sampling", "app", "--no-browser", "--port", str(port)],
                                   cwd=work, stdout=stdout, stderr=stderr,
                                   env=dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(temporary)))
    try:
        while "The app is at" not in out.read_text():
            assert process.poll() is None, f"the app stopped: {err.read_text()}"
            assert time.monotonic() - started < SERVE_WITHIN, f"the app printed no address within {SERVE_WITHIN:g} s"
            time.sleep(0.05)
        printed = time.monotonic() - started
        line = out.read_text().splitlines()[0]
        assert line.startswith(f"The app is at http://127.0.0.1:{port}/") and "127.0.0.1 only" in line
        listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        addresses = {row.split()[3] for row in listening.splitlines() if row.split()[3].endswith(f":{port}")}
        assert addresses == {f"127.0.0.1:{port}"}, addresses  # this machine only
        yield {"url": f"http://127.0.0.1:{port}/", "started": started, "printed": printed, "cwd": work,
               "temporary": temporary}
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0, err.read_text()
    assert list(work.iterdir()) == []  # nothing in the working directory
    assert list(temporary.iterdir()) == []  # its temporary folder, kernels' files and sockets: gone
    assert _processes_naming(str(temporary)) == []  # no kernel left running
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    temporary.rmdir()


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    """Chromium (headless, a fresh profile) on the app's page, its tabs shown."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.requested = []  # every address the page asked for, from the browser's network log
    try:
        driver.get(server["url"])
        find(driver, "table.sampling-sizes", timeout=SERVE_WITHIN)
        served = time.monotonic() - server["started"]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "timings.json").write_text(json.dumps(
            {"address printed (s)": round(server["printed"], 2), "page with its tabs (s)": round(served, 2)}))
        assert served < SERVE_WITHIN, f"the page took {served:.1f} s"
        driver.execute_script(CATCH_FILE_INPUT)
        yield driver
    finally:
        driver.quit()


# --------------------------------------------------------------------------------------------
# finding things by the words on the page


def wait(driver, condition, timeout=WAIT):
    """Poll ``condition(driver)`` until it is true; an element replaced meanwhile (a widget's HTML
    is replaced whole when its value changes) is looked up again."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                         ).until(condition)


def find(driver, css, timeout=WAIT):
    """The first element matching ``css`` that is shown (the other tabs' are hidden)."""
    return wait(driver, lambda d: next((e for e in d.find_elements("css selector", css) if e.is_displayed()),
                                       False), timeout)


def xpath(driver, path):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.XPATH, path)


def open_tab(driver, title):
    xpath(driver, f"//li[contains(@class,'lm-TabBar-tab')][normalize-space()=\"{title}\"]").click()


def shown_xpath(driver, path):
    """The first element at ``path`` that is shown (two tabs have a Programme control)."""
    return wait(driver, lambda d: next((e for e in d.find_elements("xpath", path) if e.is_displayed()), False))


def control(driver, description, kind="input"):
    """The input (or select) of the shown widget whose label reads ``description``."""
    return shown_xpath(driver, f"//label[normalize-space()=\"{description}\"]/following-sibling::{kind}")


def button(driver, words):
    return shown_xpath(driver, f"//button[starts-with(normalize-space(), \"{words}\")]")


def requests(driver) -> list[str]:
    """Every address the page has asked for so far (Network.requestWillBeSent in the log)."""
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            driver.requested.append(message["params"]["request"]["url"])
    return list(driver.requested)


def type_into(driver, description, text):
    from selenium.webdriver.common.keys import Keys

    box = control(driver, description)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text)


def choose(driver, description, label):
    from selenium.webdriver.support.ui import Select

    Select(control(driver, description, "select")).select_by_visible_text(label)


def upload(driver, description, path):
    """Choose ``path`` in the FileUpload labelled ``description`` (see the module's docstring)."""
    driver.execute_script("window.__fileInput = null;")
    button(driver, description).click()
    chosen = wait(driver, lambda d: d.execute_script("return window.__fileInput;"), 10)
    chosen.send_keys(str(path))
    wait(driver, lambda d: "(1)" in button(d, description).text, 10)


def plan_case_list(driver, path, seed):
    """Upload ``path``, type the seed, wait until the kernel has both (the tab says it is ready
    with this file and seed), and press Plan.

    The wait matters: ipywidgets sends a widget's new value only when the kernel has taken the
    previous one, but a button's click at once, so a click straight after typing can reach the
    kernel before the last keystroke's value does.
    """
    open_tab(driver, "Plan an inspection")
    upload(driver, "Choose the case list", path)
    type_into(driver, "Seed", str(seed))
    find(driver, "p.sampling-ready")
    wait(driver, lambda d: f"Ready: {path.name} with seed {seed}," in find(d, "p.sampling-ready").text)
    press_plan(driver)


def press_plan(driver):
    plan = wait(driver, lambda d: (b := button(d, "Plan")).is_enabled() and b)
    plan.click()


def cells(element) -> list[str]:
    from selenium.webdriver.common.by import By

    return [td.text for td in element.find_elements(By.TAG_NAME, "td")]


def data_url(link) -> bytes:
    return base64.b64decode(link.get_attribute("href").split("base64,", 1)[1])


def sheet_values(data: bytes, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [tuple(c.value for c in row) for row in book[sheet].iter_rows()]


def shot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"app-{name}.png"))


# --------------------------------------------------------------------------------------------
# the tabs


def headline(driver, cases="children"):
    return find(driver, f"p.headline[data-cases='{cases}']")


def test_sizes_as_the_population_is_typed_are_those_of_size_json(page):
    open_tab(page, "Sample size")
    choose(page, "Programme", "No programme: the formula alone")
    choose(page, "Aim", "A margin of error")
    for population in (37, 412):  # held out: no test elsewhere uses them
        side = json.loads(_cli("size", "--population", population, "--json").stdout)
        bands = json.loads(_cli("size", "--population", population, "--criterion", "bands", "--json").stdout)
        type_into(page, "Eligible cases", str(population))
        wait(page, lambda d, p=population: f"the {p} eligible" in headline(d).text)
        assert headline(page).get_attribute("data-n") == str(side["n"])
        for method in ("cochran", "simple", "exact"):
            row = cells(find(page, f"table.sampling-sizes[data-cases='children'] tr[data-method='{method}']"))
            assert row[1:3] == [str(side[f"n_{method}"]), f"±{side[f'margin_{method}'] * 100:.1f} points"]
        row = cells(find(page, "table.sampling-sizes[data-cases='children'] tr[data-method='bands']"))
        assert row[1] == str(bands["n"]) and row[3] == f"{bands['worst_accuracy'] * 100:.0f} %"
    choose(page, "Aim", "The right rating band")
    wait(page, lambda d: headline(d).get_attribute("data-n") == str(bands["n"]))
    choose(page, "Aim", "A margin of error")
    choose(page, "Programme", "The 2025 programme (this year's)")
    children = json.loads(_cli("size", "--population", 412, "--policy", "hmip-2025-children", "--json").stdout)
    victims = json.loads(_cli("size", "--population", 30, "--policy", "hmip-2025-victims", "--json").stdout)
    type_into(page, "Victims' cases", "30")
    wait(page, lambda d: headline(d, "victims").get_attribute("data-n") == str(victims["n"]))
    assert headline(page).get_attribute("data-n") == str(children["n"])
    figure = find(page, "figure.sampling-figure img")
    assert figure.get_attribute("naturalWidth") != "0" and "chance" in figure.get_attribute("alt")
    shot(page, "size")
    type_into(page, "Eligible cases", "4x")
    problem = find(page, "ul.sampling-problems")
    assert "Eligible cases: type a whole number from 1" in problem.text
    assert len([e for e in page.find_elements("css selector", "ul.sampling-problems li") if e.is_displayed()]) == 1
    type_into(page, "Eligible cases", "57")
    wait(page, lambda d: "the 57 eligible" in headline(d).text)
    type_into(page, "Victims' cases", "")


def test_confidence_margin_and_the_margin_of_a_typed_size_are_those_of_size_json(page):
    open_tab(page, "Sample size")
    printed = json.loads(_cli("size", "--confidence", "0.9", "--margin", "0.10", "--population", 233,
                              "--json").stdout)
    type_into(page, "Eligible cases", "233")
    type_into(page, "Confidence", "90")
    type_into(page, "Margin", "10")
    wait(page, lambda d: headline(d).get_attribute("data-n") == str(printed["n"]))
    assert "±10 points at 90 % confidence" in headline(page).text
    assert "14 to 91" in cells(find(page, "tr[data-method='policy']"))[0]  # the programme's limits still shown
    type_into(page, "Confidence", "120")
    wait(page, lambda d: find(d, "ul.sampling-problems").text
         == "Confidence: type a number from 50 to 99.9 (%), such as 80 (got '120')")
    type_into(page, "Confidence", "80")
    type_into(page, "Margin", "5")
    type_into(page, "Eligible cases", "200")
    type_into(page, "Cases to inspect", "30")
    wait(page, lambda d: "30 cases of 200 eligible" in find(d, "p.sampling-margin").text)
    margin = float(find(page, "p.sampling-margin").get_attribute("data-margin"))
    asked = json.loads(_cli("size", "--population", 200, "--margin", f"{margin + 5e-5:.4f}", "--json").stdout)
    assert asked["n"] == 30 and asked["achieved_margin"] == margin  # the margin size gives for 30 of 200
    assert f"±{margin * 100:.1f} points" in find(page, "p.sampling-margin").text
    type_into(page, "Cases to inspect", "")


def test_a_plan_from_an_uploaded_case_list_is_the_plan_the_command_makes(page, tmp_path):
    export = tmp_path / "export.csv"
    messy_case_list(300, rng=11).to_csv(export, index=False)
    printed = _cli("plan", export, "--seed", 7, "--out", tmp_path / "plan.xlsx", "--json", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    expected = {d: part["sample"] for d, part in json.loads(printed.stdout)["domains"].items()}
    open_tab(page, "Plan an inspection")
    choose(page, "Programme", "No programme: the formula alone")
    plan_case_list(page, export, 7)
    link = find(page, "a[download='plan.xlsx']")
    assert link.text == "Download plan.xlsx"
    shown = {span.get_attribute("data-domain"): span.text.split(", ")
             for span in page.find_elements("css selector", "span.sampling-ids")}
    assert shown == expected
    workbook = data_url(link)
    for sheet in ("sample", "reserves"):
        assert sheet_values(workbook, sheet) == sheet_values((tmp_path / "plan.xlsx").read_bytes(), sheet)
    assert find(page, "table.sampling-balance").is_displayed()
    assert "export.csv" in find(page, "span.sampling-file").text  # the file's name beside its button
    shot(page, "plan")


def test_a_case_list_with_three_problems_shows_all_three_and_offers_nothing(page, tmp_path):
    export = messy_case_list(250, rng=7)
    export.loc[[10, 40], "Sex"] = ""
    export.loc[60, "Case Ref"] = " " + export.loc[20, "Case Ref"]
    export.loc[90, "Start Date"] = "31/13/2023"
    path = tmp_path / "three-problems.csv"
    export.to_csv(path, index=False)
    printed = _cli("plan", path, "--seed", 1, "--out", tmp_path / "plan.xlsx", cwd=tmp_path)
    assert printed.returncode == 2 and not (tmp_path / "plan.xlsx").exists()
    plan_case_list(page, path, 1)
    problems = find(page, "ul.sampling-problems")
    lines = [li.text for li in problems.find_elements("tag name", "li")]
    assert lines[0] == "three-problems.csv: 3 problems in the case list" and len(lines) == 4
    for said, line in zip(lines[1:], printed.stderr.strip().splitlines()[1:], strict=True):
        assert re.findall(r"rows? [\d, ]+", said) == re.findall(r"rows? [\d, ]+", line)  # the same problem
        assert "--" not in said
    assert page.find_elements("css selector", "a[download]") == []


def test_a_bad_seed_is_said_once_and_plan_stays_off(page, tmp_path):
    export = tmp_path / "seeded.csv"
    messy_case_list(60, rng=3).to_csv(export, index=False)
    open_tab(page, "Plan an inspection")
    upload(page, "Choose the case list", export)
    type_into(page, "Seed", "seven")
    wait(page, lambda d: "Seed: type a whole number from 0" in find(d, "ul.sampling-problems").text)
    said = [e for e in page.find_elements("css selector", "ul.sampling-problems li") if e.is_displayed()]
    assert len(said) == 1 and not button(page, "Plan").is_enabled()
    type_into(page, "Seed", "7")
    wait(page, lambda d: button(d, "Plan").is_enabled())


def test_headings_not_recognised_are_picked_in_the_page(page, tmp_path):
    # the brief's headings: "Legal Outcome" is read as the disposal type, the rest as theirs; a
    # heading no export has used before ("Order Given") is picked in the page
    export = messy_case_list(150, rng=17).drop(columns=["Court/OOCD", "Start Date", "Team"]).rename(columns={
        "Case Ref": "Young Person Ref", "Sentence or disposal type": "Order Given",
        "Safety & Wellbeing": "Safety & Wellbeing Rating"})
    path = tmp_path / "headings.csv"
    export.to_csv(path, index=False)
    open_tab(page, "Plan an inspection")
    choose(page, "Programme", "The 2025 programme (this year's)")
    plan_case_list(page, path, 4)
    wait(page, lambda d: "cannot be planned yet" in d.find_element("tag name", "body").text)
    body = page.find_element("tag name", "body").text
    assert "--" not in body and "HEADING" not in body
    choose(page, "Disposal or sentence type", "Order Given")
    wait(page, lambda d: f"Ready: {path.name} with seed 4," in find(d, "p.sampling-ready").text)
    shot(page, "columns")
    press_plan(page)
    link = find(page, "a[download='plan.xlsx']")
    printed = _cli("plan", path, "--seed", 4, "--policy", "hmip-2025-children", "--columns",
                   "disposal_type=Order Given", "--out", tmp_path / "plan.xlsx", "--json", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    shown = {span.get_attribute("data-domain"): span.text.split(", ")
             for span in page.find_elements("css selector", "span.sampling-ids")}
    assert shown == {d: part["sample"] for d, part in json.loads(printed.stdout)["domains"].items()}
    assert sheet_values(data_url(link), "sample") == sheet_values((tmp_path / "plan.xlsx").read_bytes(), "sample")


def test_this_years_programme_plans_the_victims_list_into_the_same_workbook(page, tmp_path):
    export, victims = tmp_path / "export-2025.csv", tmp_path / "victims.csv"
    messy_case_list(180, rng=13, domain_column=True).to_csv(export, index=False)
    pd.DataFrame({"Victim Ref": [f"V-{i:03d}" for i in range(1, 36)]}).to_csv(victims, index=False)
    printed = _cli("plan", export, "--seed", 5, "--policy", "hmip-2025-children", "--victims", victims,
                   "--out", tmp_path / "plan.xlsx", "--json", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    expected = {d: part["sample"] for d, part in json.loads(printed.stdout)["domains"].items()}
    assert set(expected) == {"children", "victims"}
    open_tab(page, "Plan an inspection")
    choose(page, "Programme", "The 2025 programme (this year's)")
    upload(page, "Choose the victims' list", victims)
    plan_case_list(page, export, 5)
    link = find(page, "a[download='plan.xlsx']")
    shown = {span.get_attribute("data-domain"): span.text.split(", ")
             for span in page.find_elements("css selector", "span.sampling-ids")}
    assert shown == expected
    workbook = data_url(link)
    for sheet in ("sample", "reserves", "balance"):
        assert sheet_values(workbook, sheet) == sheet_values((tmp_path / "plan.xlsx").read_bytes(), sheet)


def test_how_sure_a_rating_is_for_a_bundled_report(page, tmp_path):
    process = json.loads(_cli("uncertainty", "essex-2018", "--json").stdout)
    finite = json.loads(_cli("uncertainty", "essex-2018", "--mode", "finite", "--json").stdout)
    open_tab(page, "How sure is a rating")
    choose(page, "Report", "Essex Youth Offending Service (2018)")
    wait(page, lambda d: "Essex Youth Offending Service" in find(d, "table.sampling-ratings").find_element(
        "xpath", "preceding-sibling::h4[1]").text)

    def shown(standard):
        return cells(find(page, f"table.sampling-ratings tr[data-standard='{standard}']"))

    for standard in process["standards"]:
        values = shown(standard["id"])
        assert values[3:7] == [percent(p) for p in standard["probabilities"].values()]
    figure = find(page, "figure.sampling-figure img")
    assert figure.get_attribute("naturalWidth") != "0" and "overall rating" in figure.get_attribute("alt")
    shot(page, "rating")
    button(page, "Its eligible cases").click()
    wait(page, lambda d: "all its eligible cases" in find(d, "table.sampling-ratings").find_element(
        "xpath", "preceding-sibling::p[1]").text)
    for standard in finite["standards"]:
        assert shown(standard["id"])[3:7] == [percent(p) for p in standard["probabilities"].values()]
    button(page, "Make annexe.html").click()
    link = find(page, "a[download='annexe.html']", timeout=90)
    written = _cli("annexe", "essex-2018", "--out", tmp_path / "annexe.html", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert data_url(link) == (tmp_path / "annexe.html").read_bytes()


def test_an_uploaded_answers_workbook_is_rated(page, tmp_path):
    from test_app import answers_workbook

    from sampling import app

    answers = answers_workbook(tmp_path)
    expected = app.rating_view(app.answers_source(answers.name, answers.read_bytes()))
    open_tab(page, "How sure is a rating")
    button(page, "The service's practice").click()
    upload(page, "Choose the answers", answers)
    wait(page, lambda d: "Your answers: answers.xlsx" in control(d, "Report", "select").text)
    wait(page, lambda d: "This inspection" in find(d, "table.sampling-ratings").find_element(
        "xpath", "preceding-sibling::h4[1]").text)
    for sid, row in expected.table.iterrows():
        shown = cells(find(page, f"table.sampling-ratings tr[data-standard='{sid}']"))
        assert shown[3:7] == [percent(row[c]) for c in expected.table.columns if c.startswith("P(")][:4]


def test_the_fieldwork_tab_shows_settled_and_open_ratings(page, tmp_path):
    from test_app import partly_answered

    from sampling import fieldwork_status

    answers = partly_answered(tmp_path)
    expected = fieldwork_status(answers)
    open_tab(page, "Fieldwork")
    upload(page, "Choose the answers so far", answers)
    table = find(page, "table.sampling-status")
    shown = {cells(row)[0]: cells(row)[1] for row in table.find_elements("css selector", "tbody tr")}
    assert shown == {s["standard"]: "settled" if s["settled"] else "open" for s in expected.standards}
    shot(page, "fieldwork")


def test_the_rating_table_fits_a_900_pixel_window(page):
    open_tab(page, "How sure is a rating")
    choose(page, "Report", "Essex Youth Offending Service (2018)")
    wait(page, lambda d: "Essex Youth Offending Service" in find(d, "table.sampling-ratings").find_element(
        "xpath", "preceding-sibling::h4[1]").text)
    page.set_window_size(900, 1000)
    try:
        width = page.execute_script("return window.innerWidth")
        assert width <= 900

        def fits(driver):  # the table's right edge inside the window, and nothing to scroll sideways
            table = find(driver, "table.sampling-ratings")
            right = driver.execute_script("return arguments[0].getBoundingClientRect().right", table)
            return (right <= width and driver.execute_script("return document.documentElement.scrollWidth")
                    <= width and int(table.get_attribute("scrollWidth")) <= int(table.get_attribute("clientWidth")))

        wait(page, fits, 10)
        shot(page, "rating-900")
    finally:
        page.set_window_size(1280, 1400)


def test_every_figure_has_alternative_text(page):
    for tab in ("Sample size", "How sure is a rating"):
        open_tab(page, tab)
        if tab == "Sample size":
            type_into(page, "Eligible cases", "57")
            wait(page, lambda d: "the 57 eligible" in headline(d).text)
        find(page, "figure.sampling-figure img")

        def described(driver):
            images = [i for i in driver.find_elements("css selector", "img") if i.is_displayed()]
            return images and all((i.get_attribute("alt") or i.get_attribute("aria-label") or "").strip()
                                  for i in images)

        wait(page, described)


def _outside(addresses):
    """The addresses on another machine: any http(s) or ws(s) address not on 127.0.0.1 (the
    browser's own chrome:// pages, data: and blob: addresses never leave it)."""
    from urllib.parse import urlsplit

    return sorted({a for a in addresses if urlsplit(a).scheme in ("http", "https", "ws", "wss", "ftp")
                   and urlsplit(a).hostname != "127.0.0.1"})


def test_the_page_asks_no_other_machine(page):
    """Read from the browser's own network log: every request went to 127.0.0.1 (the page's
    template leaves out the Font Awesome stylesheets Voila's lab template links from a CDN)."""
    asked = requests(page)
    assert any(a.startswith("http://127.0.0.1:") for a in asked)  # the log is read: the page's own requests
    assert _outside(asked) == []


def test_leaving_the_page_stops_its_kernel(page, server):
    """Last: the page's kernel (and what was uploaded into it) ends when the page is left."""
    kernels = [pid for pid in _processes_naming(str(server["temporary"])) if b"ipykernel" in
               Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert kernels, "no kernel found for the page"
    page.get("about:blank")
    wait(page, lambda d: not any(Path(f"/proc/{pid}").exists() for pid in kernels), 15)
