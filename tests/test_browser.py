"""The web page at / in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright).

A researcher picks a canned question, changes its parameter, runs it, sees a table with links to
entity pages, downloads CSV, sees a bar chart for a count by category, and types their own query in
the SPARQL editor (YASQE, vendored in kg/serve/web/vendor/), or in the plain text box when the editor's
bundle does not load. No request may leave the server.
Without Chromium the tests skip with the reason (CI turns skips into failures). The server runs over
the real build; the answers are the article's.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.server_support import LiveServer, config_for

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"SKIPPED: {CHROMIUM} is missing; install it with `apt-get install -y chromium "
                              "chromium-driver` to run the browser tests"),
]


@pytest.fixture(scope="module")
def server(real_dist):
    with LiveServer(config_for(real_dist)) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, server, blocked: str | None = None):
    """A fresh page at / with its guards: (page, page errors, off-site requests, context)."""
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # the page must work with no internet: any request off this server fails the test
    offsite: list[str] = []

    def guard(route):
        url = route.request.url
        if not url.startswith(server.url):
            offsite.append(url)
            route.abort()
        elif blocked and blocked in url:
            route.abort()
        else:
            route.continue_()

    pg.route("**/*", guard)
    pg.goto(server.url + "/")
    return pg, errors, offsite, context


@pytest.fixture()
def page(browser, server):
    pg, errors, offsite, context = open_page(browser, server)
    yield pg
    assert not errors, errors
    assert not offsite, offsite
    context.close()


def editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('#yasqe .CodeMirror').CodeMirror.getValue()")


def type_query(page, text: str) -> None:
    """Type into the YASQE editor as a person would: click, select all, type over it."""
    page.click("#yasqe .CodeMirror-code")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    page.keyboard.press("Escape")  # close a completion list, if one is open (and leave the editor)


def test_questions_are_listed_in_english_and_indonesian(page):
    page.wait_for_selector("button.q")
    text = page.inner_text("#questions")
    assert "On which continents do sub-state actors have honorary advisors" in text
    assert "Di benua mana saja aktor sub-negara memiliki penasihat kehormatan" in text


def test_count_by_category_gives_a_table_and_a_bar_chart(page):
    """Gyeongsangbuk-do's honorary advisors (B.3): "... negara-negara Asia 25 orang, Eropa 24 orang,
    Amerika Utara 29 orang, Amerika Selatan 4 orang, Oceania 9 orang, dan Afrika 8 orang advisors"
    (tests/test_data_gyeongsangbuk_do.py::test_honorary_advisors_by_continent_add_up_to_99)."""
    page.click("button[data-query=honorary-advisors-by-continent]")
    page.click("#run-canned")
    page.wait_for_selector("#results-table tbody tr")
    rows = [[c.strip() for c in r.split("\t")] for r in page.inner_text("#results-table tbody").strip().split("\n")]
    assert rows == [["North America", "29"], ["Asia", "25"], ["Europe", "24"], ["Oceania", "9"],
                    ["Africa", "8"], ["South America", "4"]]
    bars = page.query_selector_all("#results-chart rect.bar")
    assert [b.get_attribute("data-value") for b in bars] == ["29", "25", "24", "9", "8", "4"]
    widths = [float(b.get_attribute("width")) for b in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]


def test_parameter_form_links_and_csv_download(page, server, tmp_path):
    """Where Scotland comes from: the sentence of section A, "... sedangkan interaksi luar negeri yang
    dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual." """
    page.click("button[data-query=provenance-of]")
    page.fill("#param-resource", "pdi:scotland")
    page.click("#run-canned")
    page.wait_for_selector("#results-table tbody tr")
    assert "pdi:passage-a-08" in page.inner_text("#results-table")
    assert page.query_selector("#results-chart") is None  # nine columns: no chart
    with page.expect_download() as info:
        page.click("#download-csv")
    path = tmp_path / "out.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r["passage"] for r in rows] == ["https://w3id.org/paradiplomacy/id/passage-a-08"]
    assert "oleh Scotland dan Catalonia cenderung konfliktual" in rows[0]["quote"]
    # the entity link leads to the entity's page on this server
    page.click("#results-table a[href='/id/scotland']")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Scotland"
    assert "Skotlandia" in page.inner_text("main")
    assert "cenderung konfliktual" in page.inner_text("blockquote")


SCOTLAND_ID = ("SELECT ?label WHERE { <https://w3id.org/paradiplomacy/id/scotland> "
               "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = 'id') }")


def test_editor_is_yasqe_and_a_typed_query_shows_the_results_table(page):
    page.wait_for_selector("#yasqe .CodeMirror")
    assert page.is_hidden("#editor")  # the textarea gave way to the editor
    assert "SELECT" in page.inner_text("#yasqe .cm-keyword >> nth=0") or \
        "PREFIX" in page.inner_text("#yasqe .cm-keyword >> nth=0")  # SPARQL highlighting
    type_query(page, SCOTLAND_ID)
    assert editor_text(page) == SCOTLAND_ID
    page.click("#run-editor")
    page.wait_for_selector("#results-table tbody tr")
    assert page.inner_text("#results-table tbody").strip() == "Skotlandia"
    # Ctrl+Enter in the editor runs the query on this server (not on YASQE's default endpoint)
    type_query(page, SCOTLAND_ID.replace("'id'", "'en'"))
    page.click("#yasqe .CodeMirror-code")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("(document.querySelector('#results-table tbody') || {innerText: ''})"
                           ".innerText.trim() === 'Scotland'")
    type_query(page, "SELECT * WHERE { ?s ?p ")
    page.click("#run-editor")
    page.wait_for_selector("#status.error")
    assert "Error 400" in page.inner_text("#status")


def test_prefix_completion_comes_from_this_server(page):
    page.wait_for_selector("#yasqe .CodeMirror")
    page.click("#yasqe .CodeMirror-code")
    page.keyboard.press("Control+A")
    page.keyboard.type("PREFIX p")  # the list opens by itself after PREFIX
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.inner_text(".CodeMirror-hints").splitlines()
    assert "pdv: <https://w3id.org/paradiplomacy/vocab/>" in hints
    assert "pd: <https://w3id.org/paradiplomacy/ontology#>" in hints
    page.keyboard.press("Enter")  # take the first: the prefix declaration is written out
    assert editor_text(page).startswith("PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>")


def test_canned_query_opens_in_the_editor(page):
    page.click("button[data-query=honorary-advisors-by-continent]")
    page.click("#edit-canned")
    text = editor_text(page)
    assert "SELECT" in text and "pd:AdvisorCount" in text


def test_plain_text_box_when_the_editor_does_not_load(browser, server):
    pg, errors, offsite, context = open_page(browser, server, blocked="/static/vendor/")
    try:
        pg.wait_for_selector("button.q")
        assert pg.query_selector("#yasqe") is None and pg.is_visible("#editor")
        pg.fill("#editor", SCOTLAND_ID)
        pg.click("#run-editor")
        pg.wait_for_selector("#results-table tbody tr")
        assert pg.inner_text("#results-table tbody").strip() == "Skotlandia"
        assert not errors, errors
        assert not offsite, offsite
    finally:
        context.close()
