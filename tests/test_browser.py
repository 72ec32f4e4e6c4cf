"""The web page at / in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright).

A researcher picks a canned question, changes its parameter, runs it, sees a table with links to
entity pages, downloads CSV, sees a bar chart for a count by category, and runs their own query.
Without Chromium the tests skip with the reason (CI turns skips into failures).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kg.server import ServerConfig
from test_server_support import FIXTURES, LiveServer, make_dist

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
def server(tmp_path_factory):
    dist = make_dist(tmp_path_factory.mktemp("dist"))
    with LiveServer(ServerConfig(nquads=dist / "paradiplomacy.nq", root=FIXTURES, dist=dist)) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # the page must work with no internet: any request off this server fails the test
    offsite: list[str] = []
    pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
             else (offsite.append(route.request.url), route.abort()))
    pg.goto(server.url + "/")
    yield pg
    assert not errors, errors
    assert not offsite, offsite
    context.close()


def test_questions_are_listed_in_english_and_indonesian(page):
    page.wait_for_selector("button.q")
    text = page.inner_text("#questions")
    assert "How many sub-state actors cooperate" in text
    assert "Berapa aktor sub-negara yang kooperatif" in text


def test_count_by_category_gives_a_table_and_a_bar_chart(page):
    page.click("button[data-query=actors-by-relation]")
    page.click("#run-canned")
    page.wait_for_selector("#results-table tbody tr")
    rows = [[c.strip() for c in r.split("\t")] for r in page.inner_text("#results-table tbody").strip().split("\n")]
    assert rows == [["cooperative", "3"], ["conflictual", "2"]]
    bars = page.query_selector_all("#results-chart rect.bar")
    assert [b.get_attribute("data-value") for b in bars] == ["3", "2"]
    assert float(bars[0].get_attribute("width")) > float(bars[1].get_attribute("width"))


def test_parameter_form_links_and_csv_download(page, server, tmp_path):
    page.click("button[data-query=actor-relation]")
    page.fill("#param-actor", "pdi:catalonia")
    page.click("#run-canned")
    page.wait_for_selector("#results-table tbody tr")
    assert "Catalonia" in page.inner_text("#results-table")
    assert page.query_selector("#results-chart") is None  # four columns: no chart
    with page.expect_download() as info:
        page.click("#download-csv")
    path = tmp_path / "out.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert {r["label"] for r in rows} == {"Catalonia"} and {r["relation"] for r in rows} == {"conflictual"}
    # the entity link leads to the entity's page on this server
    page.click("#results-table a[href='/id/catalonia']")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Catalonia"
    assert "Katalonia" in page.inner_text("main")
    assert "cenderung konfliktual" in page.inner_text("blockquote")


def test_own_query_in_the_editor_and_errors_shown(page):
    page.fill("#editor", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                         "SELECT ?label WHERE { <https://w3id.org/paradiplomacy/id/scotland> rdfs:label ?label "
                         "FILTER(lang(?label) = 'id') }")
    page.click("#run-editor")
    page.wait_for_selector("#results-table tbody tr")
    assert page.inner_text("#results-table tbody").strip() == "Skotlandia"
    page.fill("#editor", "SELECT * WHERE { ?s ?p ")
    page.click("#run-editor")
    page.wait_for_selector("#status.error")
    assert "Error 400" in page.inner_text("#status")
