// The views of a result: a sortable, filterable, paged table, and the views its shape allows (bar or
// line chart, map, timeline, network), drawn with Vega and Vega-Lite (vendored in
// kg/serve/web/vendor/, see scripts/vendor-views.sh). Every data set is passed inline and vega-embed's
// action menu is off, so nothing is fetched from anywhere but this server.
// Every value from the server goes into the page through textContent or setAttribute, never innerHTML.
(() => {
"use strict";

const KG = window.KG = window.KG || {};
const BASE = "https://w3id.org/paradiplomacy/";
const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
const DATELIKE = /^-?\d{4}(-\d\d(-\d\d)?)?$/;
const PAGE_SIZE = 25;
const LINK_COLOUR_COLUMNS = /^(character|derived|asserted|status|verdict|kind)$/i;
// world-atlas names a few countries differently from the dataset's English labels
const ATLAS_NAMES = { "United States": "United States of America" };

KG.el = function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const el = KG.el;

// only http(s) IRIs become links: a javascript: or data: IRI in the data must not run (red-team defect 15)
KG.localHref = (iri) => iri.startsWith(BASE) ? "/" + iri.slice(BASE.length)
  : /^https?:\/\//i.test(iri) ? iri : "#";

KG.shortIri = function shortIri(iri) {
  const prefixes = { "pdi:": BASE + "id/", "pdv:": BASE + "vocab/", "pd:": BASE + "ontology#",
                     "wd:": "http://www.wikidata.org/entity/" };
  for (const [p, ns] of Object.entries(prefixes)) if (iri.startsWith(ns)) return p + iri.slice(ns.length);
  return iri;
};

// The entities of the dataset (labels in both languages, kind, country), from /entities.json once.
KG.entities = {};
KG.loadEntities = async function () {
  const resp = await fetch("/entities.json");
  if (resp.ok) KG.entities = await resp.json();
};

KG.lang = () => document.documentElement.lang === "id" ? "id" : "en";

// The interface of the start page and the views in Indonesian (English is the key); names come
// from the data in either language.
const INDONESIAN = {
  "table": "tabel", "chart": "grafik", "map": "peta", "timeline": "lini masa", "network": "jaringan",
  "filter rows": "saring baris", "previous": "sebelumnya", "next": "berikutnya", "sort by": "urutkan menurut",
  "rows": "baris", "rows match": "baris cocok", "page": "halaman", "by": "menurut", "of": "dari",
  "column": "kolom", "date": "tanggal", "nodes": "simpul", "links": "tautan", "places on the map": "tempat di peta",
  "not on the map (no country in the sources)": "tidak di peta (sumbernya tidak menyebut negara)",
  "nodes of the network": "simpul jaringan", "Download": "Unduh", "Link to this view": "Tautan ke tampilan ini",
  "View": "Tampilan", "Run": "Jalankan", "Open in the editor": "Buka di editor", "row": "baris",
  "Answer": "Jawaban", "yes": "ya", "no": "tidak", "A graph (Turtle):": "Sebuah graf (Turtle):",
  "Could not load the questions": "Pertanyaan tidak dapat dimuat", "Error": "Galat",
  "the views' library did not load": "pustaka tampilan tidak termuat", "Why?": "Mengapa?",
  "copy": "salin", "copied": "tersalin", "type a name": "ketik nama",
  "Ctrl+Space completes prefixes and variables; Ctrl+Enter runs.":
    "Ctrl+Spasi melengkapi prefiks dan variabel; Ctrl+Enter menjalankan.",
  "The agreements could not be loaded": "Perjanjian tidak dapat dimuat",
};
KG.t = (text) => (KG.lang() === "id" && INDONESIAN[text]) || text;
// The name of an IRI in the page's language (else the other), else its short form.
KG.name = function name(iri) {
  const e = KG.entities[iri];
  if (e) {
    const l = KG.lang(), other = l === "id" ? "en" : "id";
    if (e[l]) return e[l];
    if (e[other]) return e[other];
  }
  return KG.shortIri(iri);
};

// The text a cell shows (names for IRIs), for sorting, filtering and the views.
function display(term) {
  if (!term) return "";
  return term.type === "uri" ? KG.name(term.value) : term.value;
}

function isNumeric(term) {
  return term && term.type === "literal" && NUMERIC.test(term.datatype || "") && !Number.isNaN(Number(term.value));
}

function isDateLike(term) {
  return term && term.type === "literal" && !NUMERIC.test(term.datatype || "") && DATELIKE.test(term.value);
}

// What each column holds: iri, number, date or text (a column is a kind if every value bound is).
function columnKinds(vars, rows) {
  const kinds = {};
  for (const v of vars) {
    const bound = rows.map((r) => r[v]).filter(Boolean);
    if (!bound.length) kinds[v] = "empty";
    else if (bound.every((t) => t.type === "uri")) kinds[v] = "iri";
    else if (bound.every(isNumeric)) kinds[v] = "number";
    else if (bound.every(isDateLike)) kinds[v] = "date";
    else kinds[v] = "text";
  }
  return kinds;
}

// The columns shown: a `<var>Label` column is left out when `<var>` is an IRI column (its cells show
// the name already); downloads keep every column.
function shownColumns(vars, kinds) {
  return vars.filter((v) => !(v.endsWith("Label") && kinds[v.slice(0, -5)] === "iri"));
}

function distinct(values) { return [...new Set(values)]; }

// The views a result's shape allows, in the order offered.
KG.viewsFor = function viewsFor(result) {
  const { vars, rows } = result;
  const kinds = columnKinds(vars, rows);
  const views = ["table"];
  if (!rows.length) return views;
  const cols = shownColumns(vars, kinds);
  const numbers = cols.filter((v) => kinds[v] === "number");
  const categories = cols.filter((v) => kinds[v] === "iri" || kinds[v] === "text" || kinds[v] === "date");
  if (numbers.length && categories.length) views.push("chart");
  if (cols.some((v) => kinds[v] === "iri" && rows.some((r) => r[v] && placeOf(r[v].value)))) views.push("map");
  if (cols.some((v) => kinds[v] === "date") && categories.some((v) => kinds[v] !== "date")) views.push("timeline");
  const iriCols = cols.filter((v) => kinds[v] === "iri" && distinct(rows.map((r) => r[v] && r[v].value)).length > 0);
  if (iriCols.length >= 2) views.push("network");
  return views;
};

// ---- the table ------------------------------------------------------------------------------

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") {
    const short = KG.shortIri(term.value);
    const a = el("a", { href: KG.localHref(term.value), title: term.value }, KG.name(term.value));
    const e = KG.entities[term.value];
    if (!e || short === term.value) return a;
    const out = el("span", {}, a, " ", el("span", { class: "id" }, short));
    if (e.kind === "CentreRegionRelation") {  // why it is cooperative or conflictual: its explain page
      out.append(" ", el("a", { href: "/explain/" + term.value.slice(term.value.lastIndexOf("/") + 1), class: "why" }, KG.t("Why?")));
    }
    return out;
  }
  const span = el("span", {}, term.value);
  if (term["xml:lang"]) span.setAttribute("lang", term["xml:lang"]);
  return span;
}

// A table with sortable headers (aria-sort), a filter box and pages of PAGE_SIZE rows.
KG.table = function table(result, holder) {
  const { vars, rows } = result;
  const kinds = columnKinds(vars, rows);
  const cols = shownColumns(vars, kinds);
  const state = { sortBy: null, dir: 1, filter: "", page: 0 };
  const t = KG.t;
  const filter = el("input", { type: "search", id: "results-filter", placeholder: t("filter rows"),
                               "aria-label": t("filter rows") });
  const info = el("span", { id: "results-page-info", class: "help" });
  const prev = el("button", { type: "button", id: "results-prev" }, "‹ " + t("previous"));
  const next = el("button", { type: "button", id: "results-next" }, t("next") + " ›");
  const heads = cols.map((v) => el("th", { scope: "col", "data-col": v, "aria-sort": "none", tabindex: "0",
                                           title: t("sort by") + " " + v }, v));
  const tbody = el("tbody");
  const tableEl = el("table", { id: "results-table" }, el("thead", {}, el("tr", {}, ...heads)), tbody);
  const texts = rows.map((r) => cols.map((v) => display(r[v]).toLowerCase()).join("\u0001"));

  function sortKey(r, v) {
    const term = r[v];
    if (!term) return null;
    if (kinds[v] === "number") return Number(term.value);
    return display(term).toLowerCase();
  }

  function draw() {
    const needle = state.filter.trim().toLowerCase();
    let idx = rows.map((_, i) => i).filter((i) => !needle || texts[i].includes(needle));
    if (state.sortBy) {
      const v = state.sortBy;
      idx.sort((a, b) => {
        const x = sortKey(rows[a], v), y = sortKey(rows[b], v);
        if (x === y) return a - b;
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * state.dir;
      });
    }
    const pages = Math.max(1, Math.ceil(idx.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const shown = idx.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    tbody.textContent = "";
    for (const i of shown) tbody.append(el("tr", {}, ...cols.map((v) => el("td", {}, cell(rows[i][v])))));
    info.textContent = idx.length === rows.length
      ? t("rows") + " " + (idx.length ? state.page * PAGE_SIZE + 1 : 0) + "–" + (state.page * PAGE_SIZE + shown.length) + " / " + rows.length
      : idx.length + " / " + rows.length + " " + t("rows match") + (pages > 1 ? " · " + t("page") + " " + (state.page + 1) + "/" + pages : "");
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    for (const h of heads) {
      h.setAttribute("aria-sort", h.dataset.col === state.sortBy ? (state.dir > 0 ? "ascending" : "descending") : "none");
    }
  }

  for (const h of heads) {
    const sort = () => {
      if (state.sortBy === h.dataset.col) state.dir = -state.dir; else { state.sortBy = h.dataset.col; state.dir = 1; }
      draw();
    };
    h.addEventListener("click", sort);
    h.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); sort(); } });
  }
  filter.addEventListener("input", () => { state.filter = filter.value; state.page = 0; draw(); });
  prev.addEventListener("click", () => { state.page -= 1; draw(); });
  next.addEventListener("click", () => { state.page += 1; draw(); });
  holder.append(el("div", { class: "table-tools" }, filter, " ", prev, next, " ", info),
                el("div", { class: "table-scroll" }, tableEl));
  draw();
};

// ---- Vega views -----------------------------------------------------------------------------

function embed(holder, spec, id) {
  const div = el("div", { id, class: "vega-view" });
  holder.append(div);
  if (typeof window.vegaEmbed !== "function") {
    div.append(el("p", { class: "error" }, KG.t("the views' library did not load")));
    return Promise.resolve(null);
  }
  return window.vegaEmbed(div, spec, { actions: false, renderer: "svg", tooltip: true })
    .then((res) => { div.dataset.rendered = "yes"; return res; })
    .catch((err) => { div.append(el("p", { class: "error" }, String(err))); });
}

// Bar chart: one category against one number (summed), coloured by a second category when there is
// one; a line chart when the category is a year or date.
KG.chart = function chart(result, holder) {
  const { vars, rows } = result;
  const kinds = columnKinds(vars, rows);
  const cols = shownColumns(vars, kinds);
  const number = cols.find((v) => kinds[v] === "number");
  const cats = cols.filter((v) => ["iri", "text", "date"].includes(kinds[v]));
  // the category: the column with the most distinct values that is not constant
  const spread = (v) => distinct(rows.map((r) => display(r[v]))).length;
  const varying = cats.filter((v) => spread(v) > 1);
  const x = (varying.length ? varying : cats).sort((a, b) => spread(b) - spread(a))[0];
  const colour = varying.filter((v) => v !== x && spread(v) <= 12).sort((a, b) => spread(a) - spread(b))[0];
  const data = rows.filter((r) => r[number]).map((r) => ({
    x: display(r[x]), y: Number(r[number].value), c: colour ? display(r[colour]) : undefined }));
  const line = kinds[x] === "date";
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: number + " by " + x,
    data: { values: data }, width: "container", height: line ? 300 : { step: 22 },
    mark: line ? { type: "line", point: true } : { type: "bar", tooltip: true },
    encoding: line ? {
      x: { field: "x", type: "temporal", title: x },
      y: { field: "y", type: "quantitative", aggregate: "sum", title: number },
    } : {
      y: { field: "x", type: "nominal", title: x, sort: "-x" },
      x: { field: "y", type: "quantitative", aggregate: "sum", title: number },
    },
  };
  if (colour) spec.encoding.color = { field: "c", type: "nominal", title: colour };
  holder.append(el("p", { class: "help", id: "chart-caption" }, number + " " + KG.t("by") + " " + x + (colour ? " · " + colour : "")));
  return embed(holder, spec, "results-chart");
};

// The country of an entity: itself when it is a sovereign state, else the state it is in.
function placeOf(iri) {
  const e = KG.entities[iri];
  if (!e) return null;
  if (e.kind === "SovereignState") return iri;
  return e.country || null;
}

let atlas = null;
async function loadAtlas() {
  if (!atlas) atlas = await (await fetch("/static/vendor/world-atlas-2.0.2/countries-110m.json")).json();
  return atlas;
}

// Map: the countries of the entities in the result's IRI columns, shaded, and a circle per country
// and column (actor, partner, ...) sized by the number of distinct entities there.
KG.map = async function map(result, holder, opts = {}) {
  const width = opts.width || 900, height = opts.height || 470;
  const { vars, rows } = result;
  const kinds = columnKinds(vars, rows);
  let cols = shownColumns(vars, kinds).filter((v) => kinds[v] === "iri" && rows.some((r) => r[v] && placeOf(r[v].value)));
  // a column of the countries of another column's things (partnerCountry beside partner) places
  // nothing new: its countries are shaded by the other column's circles, not circled again
  const isStates = (v) => rows.every((r) => !r[v] || (KG.entities[r[v].value] || {}).kind === "SovereignState");
  const countryOf = (v, w) => rows.every((r) => !r[v] || (r[w] && placeOf(r[w].value) === r[v].value));
  cols = cols.filter((v) => !(isStates(v) && cols.some((w) => w !== v && !isStates(w) && countryOf(v, w))));
  // circles sized by the result's number (summed: agreements by country) or else by how many things
  const number = shownColumns(vars, kinds).find((v) => kinds[v] === "number");
  const groups = new Map();  // country|column -> {country, column, names:Set, total}
  const unplaced = new Set();  // things whose sources give no country: named under the map, not dropped
  for (const r of rows) {
    for (const v of cols) {
      if (!r[v]) continue;
      const country = placeOf(r[v].value);
      if (!country) { unplaced.add(KG.name(r[v].value)); continue; }
      const key = country + "|" + v;
      if (!groups.has(key)) groups.set(key, { country, column: v, names: new Set(), total: 0 });
      const g = groups.get(key);
      g.names.add(KG.name(r[v].value));
      if (number && r[number]) g.total += Number(r[number].value);
    }
  }
  const english = (iri) => (KG.entities[iri] || {}).en || KG.shortIri(iri);
  const points = [...groups.values()].map((g) => ({
    atlas: ATLAS_NAMES[english(g.country)] || english(g.country), country: KG.name(g.country),
    column: g.column, count: number ? g.total : g.names.size, names: [...g.names].sort().join(", ") }));
  const world = await loadAtlas();
  const shaded = distinct(points.map((p) => p.atlas));
  const spec = {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    width, height, autosize: "none",
    signals: [{ name: "tooltipFor", value: null }],
    projections: [{ name: "projection", type: "equalEarth", fit: { signal: "data('countries')" }, size: [width, height] }],
    data: [
      { name: "countries", values: world, format: { type: "topojson", feature: "countries" },
        transform: [{ type: "formula", as: "placed", expr: "indexof(" + JSON.stringify(shaded) + ", datum.properties.name) >= 0" }] },
      { name: "points", values: points,
        transform: [
          { type: "lookup", from: "countries", key: "properties.name", fields: ["atlas"], as: ["shape"] },
          { type: "filter", expr: "datum.shape != null" },
          { type: "formula", as: "centre", expr: "geoCentroid('projection', datum.shape)" },
          { type: "formula", as: "cx", expr: "datum.centre[0]" },
          { type: "formula", as: "cy", expr: "datum.centre[1]" },
        ] },
    ],
    scales: [
      { name: "size", type: "sqrt", domain: { data: "points", field: "count" }, zero: true, range: width < 900 ? [40, 400] : [60, 900] },
      { name: "colour", type: "ordinal", domain: { data: "points", field: "column" }, range: "category" },
    ],
    legends: [{ fill: "colour", title: KG.t("column"), orient: "bottom-left" }],
    marks: [
      { type: "shape", from: { data: "countries" },
        encode: { update: { fill: { signal: "datum.placed ? '#f2d28b' : '#e4e8ee'" }, stroke: { value: "#fff" },
                            strokeWidth: { value: 0.5 }, tooltip: { signal: "datum.properties.name" } } },
        transform: [{ type: "geoshape", projection: "projection" }] },
      { type: "symbol", name: "place", from: { data: "points" },
        encode: { update: { x: { field: "cx" }, y: { field: "cy" }, size: { scale: "size", field: "count" },
                            fill: { scale: "colour", field: "column" }, fillOpacity: { value: 0.7 },
                            stroke: { value: "#333" }, strokeWidth: { value: 0.6 },
                            tooltip: { signal: "{title: datum.country + ' (' + datum.column + ')', names: datum.names}" } } } },
      { type: "text", from: { data: "points" },
        encode: { update: { x: { field: "cx" }, y: { field: "cy", offset: -9 }, text: { field: "country" },
                            align: { value: "center" }, fontSize: { value: 10 }, fill: { value: "#222" } } } },
    ],
  };
  const list = el("ul", { id: "map-places", class: "places" });
  for (const p of points.sort((a, b) => a.country.localeCompare(b.country))) {
    list.append(el("li", {}, p.country + " (" + p.column + ", " + (number ? number + " " : "") + p.count + "): " + p.names));
  }
  const res = await embed(holder, spec, opts.id || "results-map");
  holder.append(el("details", {}, el("summary", {}, KG.t("places on the map")), list));
  if (unplaced.size) {
    holder.append(el("p", { id: "map-unplaced", class: "places" },
      KG.t("not on the map (no country in the sources)") + ": " + [...unplaced].sort().join(", ")));
  }
  return res;
};

// Timeline: each dated value of each row as a point (a bar from start to end where a row has both),
// one line per thing (the column with the most distinct names), coloured by the date's column.
KG.timeline = function timeline(result, holder, opts = {}) {
  const { vars, rows } = result;
  const kinds = columnKinds(vars, rows);
  const cols = shownColumns(vars, kinds);
  const dates = cols.filter((v) => kinds[v] === "date");
  const spread = (v) => distinct(rows.map((r) => display(r[v]))).length;
  const things = cols.filter((v) => kinds[v] === "iri" || kinds[v] === "text").sort((a, b) => spread(b) - spread(a));
  const what = things[0];
  const few = (v) => v !== what && spread(v) > 1 && spread(v) <= 10;
  const colourBy = things.find((v) => few(v) && LINK_COLOUR_COLUMNS.test(v)) || things.find(few);
  const points = [];
  for (const r of rows) {
    const thing = what ? display(r[what]) : "";
    for (const d of dates) {
      if (r[d]) points.push({ thing, when: r[d].value, column: d, detail: colourBy ? display(r[colourBy]) : "" });
    }
  }
  const start = dates.find((v) => /^start|from$/i.test(v)), end = dates.find((v) => /^end|to$/i.test(v));
  const spans = start && end ? rows.filter((r) => r[start] && r[end]).map((r) => ({
    thing: what ? display(r[what]) : "", from: r[start].value, to: r[end].value })) : [];
  const layer = [
    { data: { values: points }, mark: { type: "point", filled: true, size: 90, tooltip: true },
      encoding: { x: { field: "when", type: "temporal", title: KG.t("date"),
                       axis: { format: "%Y", labelOverlap: true, tickCount: 8 } },
                  y: { field: "thing", type: "nominal", title: null, sort: { field: "when", op: "min" }, axis: { labelLimit: opts.labelLimit || 280 } },
                  color: { field: colourBy ? "detail" : "column", type: "nominal", title: colourBy || KG.t("date") },
                  tooltip: [{ field: "thing" }, { field: "when" }, { field: "column" }, { field: "detail" }] } },
  ];
  if (spans.length) {
    layer.unshift({ data: { values: spans }, mark: { type: "rule", strokeWidth: 3, opacity: 0.5 },
      encoding: { x: { field: "from", type: "temporal" }, x2: { field: "to" }, y: { field: "thing", type: "nominal" } } });
  }
  const spec = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", width: opts.width || 480,
                 height: { step: 22 }, autosize: { type: "pad" }, layer,
                 config: { legend: { orient: "bottom", columns: opts.legendColumns || 3, labelLimit: 260 } } };
  holder.append(el("p", { class: "help", id: "timeline-caption" },
                   dates.join(", ") + " " + KG.t("of") + " " + (what || "")));
  return embed(holder, spec, opts.id || "results-timeline");
};

// Conflictual red and cooperative green, whatever else the links are coloured by.
function characterScale(links) {
  const values = distinct(links.map((l) => l.colour)).sort();
  const fixed = { conflictual: "#c0392b", cooperative: "#239b56", konfliktual: "#c0392b", kooperatif: "#239b56", "": "#b3bcc6" };
  const others = ["#2e86c1", "#7d3c98", "#d68910", "#566573", "#a04000", "#1abc9c"];
  let i = 0;
  return { name: "link", type: "ordinal", domain: values,
           range: values.map((v) => fixed[v.toLowerCase()] || others[i++ % others.length]) };
}

// Network: the IRIs of each row linked column to neighbouring column (actor – agreement – partner –
// country), nodes coloured by their column; links coloured by a character, status or kind column.
KG.network = function network(result, holder) {
  const { vars, rows } = result;
  const kinds = columnKinds(vars, rows);
  const cols = shownColumns(vars, kinds).filter((v) => kinds[v] === "iri");
  // links take the colour of the row's character (derived, else asserted), status or kind
  const colourCols = shownColumns(vars, kinds).filter((v) => LINK_COLOUR_COLUMNS.test(v) && kinds[v] !== "number"
    && rows.some((r) => r[v]) && distinct(rows.map((r) => display(r[v]))).length <= 8);
  const linkColour = colourCols.length ? colourCols.join(" / ") : null;
  const colourOf = (r) => { for (const v of colourCols) if (r[v] && r[v].value) return display(r[v]); return ""; };
  const nodes = new Map(), links = new Map();
  const node = (iri, column) => {
    if (!nodes.has(iri)) nodes.set(iri, { id: nodes.size, iri, name: KG.name(iri), column, href: KG.localHref(iri) });
    return nodes.get(iri).id;
  };
  for (const r of rows) {
    const present = cols.filter((v) => r[v]);
    for (let i = 0; i + 1 < present.length; i++) {
      const a = node(r[present[i]].value, present[i]), b = node(r[present[i + 1]].value, present[i + 1]);
      if (a === b) continue;
      const key = Math.min(a, b) + "-" + Math.max(a, b);
      const colour = colourOf(r);
      if (!links.has(key)) links.set(key, { source: a, target: b, colour });
      else if (colour && !links.get(key).colour) links.get(key).colour = colour;
    }
  }
  const nodeList = [...nodes.values()], linkList = [...links.values()];
  const spec = {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    width: 900, height: Math.min(720, 300 + nodeList.length * 7), autosize: "none",
    data: [{ name: "node-data", values: nodeList }, { name: "link-data", values: linkList }],
    scales: [
      { name: "node", type: "ordinal", domain: cols, range: "category" },
      characterScale(linkList),
    ],
    legends: [{ fill: "node", title: KG.t("column"), orient: "top-left" }].concat(
      linkColour ? [{ stroke: "link", title: linkColour, orient: "bottom-left", symbolType: "stroke" }] : []),
    marks: [
      { name: "nodes", type: "symbol", zindex: 1, from: { data: "node-data" },
        encode: { enter: { fill: { scale: "node", field: "column" }, stroke: { value: "#fff" }, size: { value: 260 },
                           href: { field: "href" }, cursor: { value: "pointer" },
                           tooltip: { signal: "datum.name + ' (' + datum.column + ')'" } } },
        transform: [{ type: "force", iterations: 300, static: true, forces: [
          { force: "center", x: 450, y: { signal: "height / 2" } },
          { force: "collide", radius: 16 }, { force: "nbody", strength: -35 },
          { force: "link", links: "link-data", distance: 45 }] }] },
      { type: "path", from: { data: "link-data" }, interactive: false,
        encode: { update: { stroke: linkColour ? { scale: "link", field: "colour" } : { value: "#9aa7b4" },
                            strokeWidth: { value: linkColour ? 2.5 : 1.2 } } },
        transform: [{ type: "linkpath", shape: "line", sourceX: "datum.source.x", sourceY: "datum.source.y",
                      targetX: "datum.target.x", targetY: "datum.target.y" }] },
      { type: "text", from: { data: "nodes" }, zindex: 2, interactive: false,
        encode: { update: { x: { field: "x" }, y: { field: "y", offset: -11 }, text: { field: "datum.name" },
                            limit: { value: 120 }, align: { value: "center" }, fontSize: { value: 10 },
                            fill: { value: "#222" } } } },
    ],
  };
  const list = el("ul", { id: "network-nodes", class: "places" });
  for (const n of nodeList) list.append(el("li", {}, el("a", { href: n.href }, n.name), " (" + n.column + ")"));
  holder.append(el("p", { class: "help", id: "network-caption" },
                   nodeList.length + " " + KG.t("nodes") + ", " + linkList.length + " " + KG.t("links") + ": " + cols.join(" – ")));
  const res = embed(holder, spec, "results-network");
  holder.append(el("details", {}, el("summary", {}, KG.t("nodes of the network")), list));
  return res;
};
})();
