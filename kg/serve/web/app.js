// The start page: canned questions with their parameters as form fields, a SPARQL editor (YASQE,
// vendored in kg/serve/web/vendor/; the plain textarea if it did not load), results as a table with links
// to the entity pages, CSV/JSON downloads, and a bar chart for counts by category.
// Every value from the server goes into the page through textContent or setAttribute, never innerHTML.
"use strict";

const BASE = "https://w3id.org/paradiplomacy/";
const $ = (id) => document.getElementById(id);
let current = null;  // the canned query shown in the form

// The editor: YASQE when its bundle loaded and starts, else the textarea; both behind one interface.
const editor = makeEditor();

function makeEditor() {
  const textarea = $("editor");
  const plain = { kind: "textarea", getValue: () => textarea.value,
                  setValue: (v) => { textarea.value = v; }, focus: () => textarea.focus() };
  const Y = window.Yasqe;
  if (typeof Y !== "function") return plain;
  const holder = el("div", { id: "yasqe" });
  try {
    // Nothing may leave this server. YASQE's prefix completer asks prefix.cc and its class and
    // property completers ask LOV: keep the variable completer and a prefix completer fed by this
    // server's own prefixes. Set on the defaults: options are merged array index by array index.
    Y.defaults.autocompleters = ["variables"];
    Y.forkAutocompleter("prefixes", {
      name: "prefixes-local", persistenceId: null,
      get: () => fetch("/prefixes.json").then((r) => r.json())
        .then((map) => Object.entries(map).map(([p, ns]) => p + ": <" + ns + ">").sort()),
    });
    textarea.after(holder);
    const yasqe = new Y(holder, {
      value: textarea.value,
      persistenceId: null,          // no localStorage: the page starts the same every time
      consumeShareLink: null,       // the URL fragment names a canned question, not editor state
      createShareableLink: null,
      showQueryButton: false,       // its own button would query dbpedia.org; the Run button is ours
      requestConfig: { endpoint: "/sparql" },
      editorHeight: "16em",
      resizeable: true,
      extraKeys: { "Ctrl-Enter": () => $("run-editor").click(), "Cmd-Enter": () => $("run-editor").click() },
    });
    textarea.hidden = true;
    $("editor-help").textContent = "Ctrl+Space completes prefixes and variables; Ctrl+Enter runs.";
    return { kind: "yasqe", yasqe, getValue: () => yasqe.getValue(),
             setValue: (v) => yasqe.setValue(v), focus: () => yasqe.focus() };
  } catch (err) {  // a broken bundle must not take the page with it
    holder.remove();
    textarea.hidden = false;
    console.warn("the SPARQL editor did not start; using the plain text box", err);
    return plain;
  }
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function localHref(iri) { return iri.startsWith(BASE) ? "/" + iri.slice(BASE.length) : iri; }

async function loadQuestions() {
  const resp = await fetch("/queries", { headers: { Accept: "application/json" } });
  const list = $("questions");
  list.textContent = "";
  if (!resp.ok) { list.append(el("li", { class: "error" }, "Could not load the questions: " + resp.status)); return; }
  const queries = await resp.json();
  for (const q of queries.filter((q) => q.role === "report")) {
    const button = el("button", { type: "button", class: "q", "data-query": q.name }, q.question_en || q.summary);
    button.addEventListener("click", () => showForm(q));
    const item = el("li", {}, button);
    if (q.question_id) item.append(el("span", { class: "qid", lang: "id" }, q.question_id));
    list.append(item);
  }
  const wanted = decodeURIComponent(location.hash.slice(1));
  const match = queries.find((q) => q.name === wanted);
  if (match) showForm(match);
}

function showForm(q) {
  current = q;
  $("form-section").hidden = false;
  $("form-title").textContent = q.question_en || q.summary;
  $("form-question-id").textContent = q.question_id || "";
  const fields = $("form-fields");
  fields.textContent = "";
  for (const p of q.params) {
    const id = "param-" + p.name;
    fields.append(el("label", { for: id }, p.name + " (" + p.type + ")"));
    const input = el("input", { id, name: p.name, placeholder: p.default || "", "data-type": p.type });
    if (p.default) input.value = p.default;
    fields.append(input, el("div", { class: "help" }, p.description));
  }
  history.replaceState(null, "", "#" + encodeURIComponent(q.name));
}

function cannedUrl(extra) {
  const params = new URLSearchParams();
  for (const input of $("form-fields").querySelectorAll("input")) {
    if (input.value.trim() !== "") params.set(input.name, input.value.trim());
  }
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  const qs = params.toString();
  return "/queries/" + encodeURIComponent(current.name) + (qs ? "?" + qs : "");
}

async function runCanned(ev) {
  ev.preventDefault();
  const url = cannedUrl();
  const resp = await fetch(url, { headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" } });
  await show(resp, {
    csv: cannedUrl({ format: "csv", download: current.name }),
    json: cannedUrl({ format: "json", download: current.name }),
  });
}

async function runEditor(ev) {
  ev.preventDefault();
  const query = editor.getValue();
  const resp = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded",
               Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    body: new URLSearchParams({ query }).toString(),
  });
  const qs = (fmt) => "/sparql?" + new URLSearchParams({ query, format: fmt, download: "query" }).toString();
  await show(resp, { csv: qs("csv"), json: qs("json") });
}

async function show(resp, downloads) {
  $("results-section").hidden = false;
  const status = $("status"), results = $("results"), chart = $("chart"), dl = $("downloads");
  results.textContent = ""; chart.textContent = ""; dl.textContent = "";
  status.className = "";
  const text = await resp.text();
  if (!resp.ok) {
    status.className = "error";
    status.textContent = "Error " + resp.status + ": " + text;
    return;
  }
  const ctype = resp.headers.get("Content-Type") || "";
  if (!ctype.includes("json")) {  // CONSTRUCT / DESCRIBE: the graph as Turtle
    status.textContent = "A graph (Turtle):";
    results.append(el("pre", { class: "rdf" }, text));
    return;
  }
  const data = JSON.parse(text);
  if ("boolean" in data) { status.textContent = "Answer: " + (data.boolean ? "yes" : "no"); return; }
  const vars = data.head.vars, rows = data.results.bindings;
  status.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
  dl.append("Download: ", el("a", { href: downloads.csv, id: "download-csv" }, "CSV"), " · ",
            el("a", { href: downloads.json, id: "download-json" }, "JSON"));
  results.append(table(vars, rows));
  if (isCountByCategory(vars, rows)) chart.append(barChart(vars, rows));
}

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") return el("a", { href: localHref(term.value), title: term.value }, shortIri(term.value));
  const span = el("span", {}, term.value);
  if (term["xml:lang"]) span.setAttribute("lang", term["xml:lang"]);
  return span;
}

function shortIri(iri) {
  const prefixes = { "pdi:": BASE + "id/", "pdv:": BASE + "vocab/", "pd:": BASE + "ontology#",
                     "wd:": "http://www.wikidata.org/entity/" };
  for (const [p, ns] of Object.entries(prefixes)) if (iri.startsWith(ns)) return p + iri.slice(ns.length);
  return iri;
}

function table(vars, rows) {
  const head = el("tr", {}, ...vars.map((v) => el("th", {}, v)));
  const body = rows.map((r) => el("tr", {}, ...vars.map((v) => el("td", {}, cell(r[v])))));
  return el("table", { id: "results-table" }, el("thead", {}, head), el("tbody", {}, ...body));
}

const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;

// Two columns, a label and a number, at least one row: an answer counted by category.
function isCountByCategory(vars, rows) {
  return vars.length === 2 && rows.length > 0 && rows.every((r) =>
    r[vars[0]] && r[vars[1]] && r[vars[1]].type === "literal" && NUMERIC.test(r[vars[1]].datatype || "")
    && !Number.isNaN(Number(r[vars[1]].value)));
}

function barChart(vars, rows) {
  const NS = "http://www.w3.org/2000/svg";
  const mk = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const values = rows.map((r) => Number(r[vars[1]].value));
  const max = Math.max(...values, 1), barH = 22, labelW = 220, width = 640;
  const svg = mk("svg", { width, height: rows.length * (barH + 6) + 30, role: "img", id: "results-chart",
                          "aria-label": vars[1] + " by " + vars[0] });
  svg.append(mk("title", {}, vars[1] + " by " + vars[0]));
  rows.forEach((r, i) => {
    const y = i * (barH + 6) + 4, w = Math.max(1, (values[i] / max) * (width - labelW - 60));
    const label = r[vars[0]].type === "uri" ? shortIri(r[vars[0]].value) : r[vars[0]].value;
    svg.append(mk("text", { x: labelW - 6, y: y + barH * 0.7, "text-anchor": "end" }, label));
    svg.append(mk("rect", { x: labelW, y, width: w, height: barH, fill: "#3a78b5", class: "bar",
                            "data-value": values[i] }));
    svg.append(mk("text", { x: labelW + w + 4, y: y + barH * 0.7 }, String(values[i])));
  });
  return svg;
}

$("query-form").addEventListener("submit", runCanned);
$("editor-form").addEventListener("submit", runEditor);
$("edit-canned").addEventListener("click", () => {
  if (current) { editor.setValue(current.text); editor.focus(); }
});
loadQuestions();
