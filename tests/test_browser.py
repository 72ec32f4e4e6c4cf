"""The web page at / in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright).

A researcher picks a canned question, changes its parameter, runs it, sees a sortable, filterable,
paged table of names linked to entity pages, downloads CSV, switches to the views the result's shape
allows (a bar chart, a map, a timeline, a network: Vega, vendored in kg/serve/web/vendor/), shares a
link that reproduces the view, and types their own query in the SPARQL editor (YASQE), or in the plain
text box when the editor's bundle does not load. No request may leave the server.
Each run saves screenshots of the main pages in build/screenshots/ (or $KG_SCREENSHOTS) for a reviewer.
Without Chromium the tests skip with the reason (CI turns skips into failures). The server runs over
the real build; the answers are the article's.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.server_support import LiveServer, config_for

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("KG_SCREENSHOTS") or Path(__file__).resolve().parent.parent / "build" / "screenshots")
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


def open_page(browser, server, blocked: str | None = None, path: str = "/"):
    """A fresh page at `path` with its guards: (page, page errors, off-site requests, context)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
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
    pg.goto(server.url + path)
    return pg, errors, offsite, context


def screenshot(pg, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


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
    page.click("#view-chart")
    page.wait_for_selector("#results-chart[data-rendered] svg")
    bars = page.eval_on_selector_all("#results-chart .mark-rect path", "ps => ps.map(p => p.getAttribute('aria-label'))")
    assert len(bars) == 6
    assert any("North America" in b and "29" in b for b in bars)
    assert any("South America" in b and "4" in b for b in bars)


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
    # the list opens on "PREFIX " with every prefix and is narrowed to "p…" as the letter arrives: on a
    # loaded machine Enter could otherwise take the unfiltered list's first ("dcat:")
    page.wait_for_function("() => [...document.querySelectorAll('.CodeMirror-hints li')]"
                           ".every((li) => li.textContent.startsWith('p'))")
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


# --- the workbench: views, shared links, explain pages, screenshots ---------------------------------

def run_shared(page, server, query: str):
    """Open a shared link (/?question=...) and wait until its view is drawn."""
    page.goto(server.url + "/?" + query)
    page.wait_for_selector("body[data-ready=yes]")
    page.wait_for_selector("#results[data-drawn]")


def test_home_page_opens_the_form_where_the_user_sees_it(page):
    page.wait_for_selector("button.q")
    screenshot(page, "home")
    page.click("button[data-query=agreements-of-actor]")
    box = page.locator("#form-section").bounding_box()
    assert 0 <= box["y"] < 1000, box  # in the 1400x1000 window, not below the list of questions
    assert page.input_value("#param-actor") == "pdi:special-region-of-yogyakarta"


def test_table_sorts_filters_and_pages(page, server):
    """Flanders and Catalonia side by side: one row per policy domain (27 in the data), two pages."""
    run_shared(page, server, "question=competences-side-by-side")
    rows = page.locator("#results-table tbody tr")
    assert rows.count() == 25
    assert "26–" not in page.inner_text("#results-page-info")
    page.click("#results-next")
    assert rows.count() >= 1 and page.is_disabled("#results-next")
    page.click("#results-prev")
    first = page.inner_text("#results-table tbody tr >> nth=0")
    page.click("#results-table th[data-col=domain]")
    assert page.get_attribute("#results-table th[data-col=domain]", "aria-sort") == "ascending"
    page.click("#results-table th[data-col=domain]")
    assert page.get_attribute("#results-table th[data-col=domain]", "aria-sort") == "descending"
    assert page.inner_text("#results-table tbody tr >> nth=0") != first
    page.fill("#results-filter", "agriculture")
    assert rows.count() == 1 and "agriculture" in page.inner_text("#results-table tbody")


def test_map_places_yogyakartas_partners_by_country(page, server):
    """DI Yogyakarta's partners (B.5): "(1) Kyoto Perfecture ... (4) ... Geongsangbuk-Do, Korea Selatan ...
    (1) Kerjasama dengan Provinsi Ismalia, Republik Arab Mesir ... (2) ... California State, Amerika
    Serikat ... (4) ... Provinsi Tyrol, Republik Austria"."""
    run_shared(page, server, "question=agreements-of-actor&view=map&actor=pdi:special-region-of-yogyakarta")
    page.wait_for_selector("#results-map[data-rendered] svg")
    places = page.inner_text("#map-places", timeout=5000) if page.is_visible("#map-places") else \
        page.eval_on_selector("#map-places", "e => e.textContent")
    for country, partner in [("Egypt", "Ismailia"), ("United States", "California"),
                             ("Austria", "Tyrol"), ("South Korea", "Gyeongsangbuk-do")]:
        assert country in places and partner in places, (country, partner, places)
    # "(1) Kyoto Perfecture" (b5-06) names no country: named under the map, not placed in one
    assert "Kyoto Prefecture" not in places and "Japan" not in places, places
    assert "Kyoto Prefecture" in page.inner_text("#map-unplaced")
    symbols = page.locator("#results-map g.mark-symbol.role-mark path")
    assert symbols.count() == page.locator("#map-places li").count()
    assert page.get_attribute("#view-map", "aria-selected") == "true"
    screenshot(page, "map-yogyakarta-partners")


def test_timeline_shows_yogyakartas_signings(page, server):
    """B.5: "Kyoto Perfecture ... dibuat pada 16 Juli tahun 1985", "Provinsi Tyrol ... pada 30 November 1999"."""
    run_shared(page, server, "question=agreements-of-actor&view=timeline")
    page.wait_for_selector("#results-timeline[data-rendered] svg")
    points = page.eval_on_selector_all("#results-timeline g.mark-symbol.role-mark path", "ps => ps.map(p => p.getAttribute('aria-label'))")
    assert any("1985" in p and "Kyoto" in p for p in points), points
    assert any("1999" in p and "Tyrol" in p for p in points), points
    screenshot(page, "timeline-yogyakarta-agreements")


def test_network_of_shaanxis_partners_and_its_shared_link(browser, server):
    """Shaanxi's sister relations (B.4): "... Minnesotta dan Kansas City-USA, Nara dan Kyoto-Jepang,
    Edinburgh-UK, Bo Town-Perancis, Esfahan-Iran, Dortmund City-Jerman, ..."."""
    pg, errors, offsite, context = open_page(browser, server)
    try:
        pg.wait_for_selector("button.q")
        pg.click("button[data-query=agreements-of-actor]")
        pg.fill("#param-actor", "pdi:shaanxi")
        pg.click("#run-canned")
        pg.wait_for_selector("#view-network")
        pg.click("#view-network")
        pg.wait_for_selector("#results-network[data-rendered] svg")
        nodes = pg.eval_on_selector("#network-nodes", "e => e.textContent")
        for partner in ("Minnesota", "Kansas City", "Nara", "Kyoto", "Edinburgh", "Dortmund", "Isfahan"):
            assert partner in nodes, partner
        assert pg.locator("#results-network g.mark-symbol.role-mark path").count() == pg.locator("#network-nodes li").count()
        screenshot(pg, "network-shaanxi-partners")
        link = pg.get_attribute("#share-link", "href")
        assert "question=agreements-of-actor" in link and "view=network" in link and "actor=pdi%3Ashaanxi" in link
        # the link, opened afresh, gives the same question, value and view
        pg2, errors2, offsite2, context2 = open_page(browser, server, path=link)
        try:
            pg2.wait_for_selector("#results-network[data-rendered] svg")
            assert pg2.input_value("#param-actor") == "pdi:shaanxi"
            assert pg2.get_attribute("#view-network", "aria-selected") == "true"
            assert pg2.eval_on_selector("#network-nodes", "e => e.textContent") == nodes
            assert not errors2 and not offsite2, (errors2, offsite2)
        finally:
            context2.close()
        assert not errors, errors
        assert not offsite, offsite
    finally:
        context.close()


def test_centre_region_network_colours_relations_by_character(page, server):
    """Section A: Flanders, Wallonia and Bavaria "cenderung kooperatif", Scotland and Catalonia
    "cenderung konfliktual"."""
    run_shared(page, server, "question=centre-region-relations&view=network")
    page.wait_for_selector("#results-network[data-rendered] svg")
    legend = " ".join(page.eval_on_selector_all("#results-network g.role-legend text", "ts => ts.map(t => t.textContent)"))
    assert "conflictual" in legend and "cooperative" in legend


def test_explain_page_shows_the_rule_and_the_quotes(browser, server):
    """Why Catalonia's relation with Madrid is conflictual (B.2): "Hubungan Catalonia dengan pemerintah
    pusat Madrid-Spanyol, mengalami eskalasi yang memanas sejak tahun 2010 ..."."""
    pg, errors, offsite, context = open_page(browser, server, path="/explain/catalonia")
    try:
        text = pg.inner_text("main")
        assert "CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation" in text
        assert "mengalami eskalasi yang memanas sejak tahun 2010" in text
        assert "heated escalation since 2010" in pg.inner_text("blockquote.translation >> nth=0")
        assert "section B.2" in text
        assert pg.locator(".evidence-step").count() >= 2
        screenshot(pg, "explain-catalonia")
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()


def test_screenshots_of_the_entity_and_ontology_pages(browser, server):
    for path, name, needle in [("/id/catalonia", "entity-catalonia", "Katalonia"),
                               ("/ontology", "ontology", "ConflictualRelation")]:
        pg, errors, offsite, context = open_page(browser, server, path=path)
        try:
            assert needle in pg.inner_text("main")
            screenshot(pg, name)
            assert not errors and not offsite, (errors, offsite)
        finally:
            context.close()


def test_english_indonesian_switch_follows_the_reader(browser, server):
    """The switch in the header: the questions, the interface and the names in Indonesian, and the
    next page (an entity) follows the choice. "Katalonia" is Catalonia's Indonesian name."""
    pg, errors, offsite, context = open_page(browser, server)
    try:
        pg.wait_for_selector("body[data-ready=yes]")
        pg.click(".lang-switch a[data-lang=id]")
        pg.wait_for_selector("html[lang=id] body[data-ready=yes]")
        assert "Pilih pertanyaan" in pg.inner_text("aside")
        assert pg.inner_text("#editor-help").startswith("Ctrl+Spasi melengkapi prefiks")
        first = pg.inner_text("button[data-query=honorary-advisors-by-continent]")
        assert first.startswith("Di benua mana saja aktor sub-negara memiliki penasihat kehormatan")
        pg.click("button[data-query=centre-region-relations]")
        pg.click("#run-canned")
        pg.wait_for_selector("#results-table tbody tr")
        assert "Katalonia" in pg.inner_text("#results-table")
        assert pg.inner_text("#view-table") == "tabel"
        pg.goto(server.url + "/id/catalonia")
        assert pg.inner_text("h1") == "Katalonia" and "Pernyataan" in pg.inner_text("main")
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()


def test_results_link_relations_to_their_explanation(page, server):
    run_shared(page, server, "question=centre-region-relations")
    page.click("#results-table a.why[href='/explain/relation-catalonia-spain']")
    page.wait_for_selector("code.axiom")
    assert "ConflictualRelation" in page.inner_text("code.axiom >> nth=0")


# --- names: search, autocompletion, names in the form and in shared links ---------------------------

def test_search_finds_yogyakarta_and_katalonia(browser, server):
    """"Katalonia" is Catalonia's Indonesian name; "Yogyakarta" is in the names of DI Yogyakarta and of
    the City of Yogyakarta (section B.2)."""
    pg, errors, offsite, context = open_page(browser, server, path="/id/catalonia")
    try:
        pg.fill("#search-box", "Katalonia")
        pg.press("#search-box", "Enter")
        pg.wait_for_selector(".search-group")
        assert pg.locator(".matches a[href='/id/catalonia']").count() == 1
        pg.fill("#search-box", "Yogyakarta")
        pg.press("#search-box", "Enter")
        pg.wait_for_selector(".search-group")
        assert pg.locator(".matches a[href='/id/special-region-of-yogyakarta']").count() == 1
        assert pg.locator(".matches a[href='/id/yogyakarta-city']").count() == 1
        groups = pg.eval_on_selector_all(".search-group h2", "hs => hs.map(h => h.textContent)")
        assert len(groups) > 1  # grouped by kind
        screenshot(pg, "search-yogyakarta")
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()


def test_entity_field_completes_names_and_takes_a_name(page, server):
    """The actor field completes "Shaan" to Shaanxi; a name typed (in Indonesian, "Katalonia") is
    resolved before the question runs, and the shared link keeps the name as typed."""
    page.wait_for_selector("body[data-ready=yes]")
    page.click("button[data-query=agreements-of-actor]")
    page.fill("#param-actor", "")
    page.type("#param-actor", "Shaan")
    page.wait_for_function("document.querySelector('#param-actor-names option[value=\"pdi:shaanxi\"]') !== null")
    page.fill("#param-actor", "Katalonia")
    page.click("#run-canned")
    page.wait_for_selector("#results-table tbody tr")
    assert "pdi:catalonia" in page.inner_text("#param-actor-resolved")
    assert "Catalonia" in page.inner_text("#results-table")
    assert "actor=Katalonia" in page.get_attribute("#share-link", "href")


def test_entity_page_opens_its_agreements_on_a_map(browser, server):
    """From DI Yogyakarta's page to its partners on the map (B.5: "Provinsi Tyrol, Republik Austria")."""
    pg, errors, offsite, context = open_page(browser, server, path="/id/special-region-of-yogyakarta")
    try:
        pg.click(".entity-views a[data-view=map]")
        pg.wait_for_selector("#results-map[data-rendered] svg")
        assert "Tyrol" in pg.eval_on_selector("#map-places", "e => e.textContent")
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()


def test_entity_page_shows_its_partners_on_a_small_map_and_its_agreements_on_a_timeline(browser, server):
    """DI Yogyakarta's own page (B.5) draws its partners' countries and its dated agreements: "Kyoto
    Perfecture ... dibuat pada 16 Juli tahun 1985", "Provinsi Tyrol, Republik Austria ... pada 30 November
    1999", "Provinsi Ismalia, Republik Arab Mesir". The map and the world's shapes come from this server."""
    pg, errors, offsite, context = open_page(browser, server, path="/id/special-region-of-yogyakarta")
    try:
        pg.wait_for_selector("#entity-glance[data-ready=yes]")
        assert pg.locator("#entity-map-view[data-rendered] svg").count() == 1
        places = pg.eval_on_selector("#map-places", "e => e.textContent")
        for country, partner in [("Austria", "Tyrol"), ("Egypt", "Ismailia")]:
            assert country in places and partner in places, (country, partner, places)
        assert "Kyoto Prefecture" in pg.eval_on_selector("#map-unplaced", "e => e.textContent")
        assert "Indonesia" not in places  # the page's own actor is not one of its partners
        # one circle per partner country, each drawn on the map
        assert pg.locator("#entity-map-view g.mark-symbol.role-mark path").count() == pg.locator("#map-places li").count()
        assert pg.locator("#entity-map-view g.mark-shape.role-mark path").count() > 100  # the world's countries
        points = pg.eval_on_selector_all("#entity-timeline-view g.mark-symbol.role-mark path",
                                         "ps => ps.map(p => p.getAttribute('aria-label'))")
        assert any("1985" in p and "Kyoto" in p for p in points), points
        assert any("1999" in p and "Tyrol" in p for p in points), points
        pg.locator("#entity-glance").scroll_into_view_if_needed()
        screenshot(pg, "entity-yogyakarta")
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()


def test_entity_page_draws_only_the_views_that_apply(browser, server):
    """Bavaria (section A) is named for its cooperative relation with Berlin and is party to no
    agreement: no map or timeline. Scotland is party to one undated agreement, with Catalonia (B.2:
    "... pembuatan perjanjian kerjasama dengan ... antara lain denganScotland, California, ..."):
    Catalonia on the map (in Spain), no timeline."""
    pg, errors, offsite, context = open_page(browser, server, path="/id/bavaria")
    try:
        assert pg.inner_text("h1") == "Bavaria" and pg.locator("#entity-glance").count() == 0
        pg.goto(server.url + "/id/scotland")
        pg.wait_for_selector("#entity-glance[data-ready=yes]")
        assert "Catalonia" in pg.eval_on_selector("#map-places", "e => e.textContent")
        assert pg.locator("#entity-map-view[data-rendered] svg").count() == 1
        assert pg.is_hidden("#entity-timeline-box")
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()


def test_map_of_agreements_by_partner_country_sizes_by_the_count(page, server):
    """Agreements counted by partner country: each country's circle carries the count the question
    returns for it, summed over the actors."""
    import httpx

    data = httpx.get(server.url + "/queries/agreements-by-partner-country",
                     headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    korea = sum(int(b["agreements"]["value"]) for b in data["results"]["bindings"]
                if b.get("partnerCountry", {}).get("value", "").endswith("/id/south-korea"))
    assert korea > 0
    run_shared(page, server, "question=agreements-by-partner-country&view=map")
    page.wait_for_selector("#results-map[data-rendered] svg")
    places = page.eval_on_selector_all("#map-places li", "ls => ls.map(l => l.textContent)")
    assert any(p.startswith(f"South Korea (partnerCountry, agreements {korea}):") for p in places), (korea, places)


def test_own_query_has_a_shareable_link_too(browser, server):
    pg, errors, offsite, context = open_page(browser, server)
    try:
        pg.wait_for_selector("#yasqe .CodeMirror")
        type_query(pg, SCOTLAND_ID)
        pg.click("#run-editor")
        pg.wait_for_selector("#results-table tbody tr")
        link = pg.get_attribute("#share-link", "href")
        assert link.startswith("/?query=")
        pg2, errors2, offsite2, context2 = open_page(browser, server, path=link)
        try:
            pg2.wait_for_selector("#results-table tbody tr")
            assert pg2.inner_text("#results-table tbody").strip() == "Skotlandia"
            assert editor_text(pg2) == SCOTLAND_ID
            assert not errors2 and not offsite2, (errors2, offsite2)
        finally:
            context2.close()
        assert not errors and not offsite, (errors, offsite)
    finally:
        context.close()
