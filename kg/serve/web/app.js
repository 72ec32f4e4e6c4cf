// The start page: canned questions with their parameters as form fields (entity fields complete by
// name from /search), a SPARQL editor (YASQE, vendored in kg/serve/web/vendor/; the plain textarea if it
// did not load), results in the views of kg/serve/web/views.js, CSV/TSV/JSON downloads, and a link
// that reproduces the question, its values and the view: /?question=NAME&view=VIEW&PARAM=VALUE.
// Every value from the server goes into the page through textContent or setAttribute, never innerHTML.
(() => {
"use strict";

const $ = (id) => document.getElementById(id);
const { el } = window.KG;
const VIEWS = ["table", "chart", "map", "timeline", "network"];
let current = null;     // the canned query shown in the form
let lastRun = null;     // {kind: "question"|"query", result, view}

const t = window.KG.t;

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
      consumeShareLink: null,       // the URL names a canned question, not editor state
      createShareableLink: null,
      showQueryButton: false,       // its own button would query dbpedia.org; the Run button is ours
      requestConfig: { endpoint: "/sparql" },
      editorHeight: "16em",
      resizeable: true,
      extraKeys: { "Ctrl-Enter": () => $("run-editor").click(), "Cmd-Enter": () => $("run-editor").click() },
    });
    textarea.hidden = true;
    $("editor-help").textContent = t("Ctrl+Space completes prefixes and variables; Ctrl+Enter runs.");
    return { kind: "yasqe", yasqe, getValue: () => yasqe.getValue(),
             setValue: (v) => yasqe.setValue(v), focus: () => yasqe.focus() };
  } catch (err) {  // a broken bundle must not take the page with it
    holder.remove();
    textarea.hidden = false;
    console.warn("the SPARQL editor did not start; using the plain text box", err);
    return plain;
  }
}

let questions = [];

async function loadQuestions() {
  const resp = await fetch("/queries", { headers: { Accept: "application/json" } });
  const list = $("questions");
  list.textContent = "";
  if (!resp.ok) { list.append(el("li", { class: "error" }, t("Could not load the questions") + ": " + resp.status)); return; }
  questions = (await resp.json()).filter((q) => q.role === "report");
  const lang = window.KG.lang();
  for (const q of questions) {
    const first = lang === "id" && q.question_id ? q.question_id : (q.question_en || q.summary);
    const second = lang === "id" ? q.question_en : q.question_id;
    const button = el("button", { type: "button", class: "q", "data-query": q.name }, first);
    button.addEventListener("click", () => { showForm(q); $("form-section").scrollIntoView({ block: "start" }); });
    const item = el("li", {}, button);
    if (second) item.append(el("span", { class: "qid", lang: lang === "id" ? "en" : "id" }, second));
    list.append(item);
  }
}

function showForm(q, values) {
  current = q;
  for (const b of document.querySelectorAll("button.q")) b.classList.toggle("chosen", b.dataset.query === q.name);
  $("form-section").hidden = false;
  const lang = window.KG.lang();
  $("form-title").textContent = lang === "id" && q.question_id ? q.question_id : (q.question_en || q.summary);
  $("form-question-id").textContent = (lang === "id" ? q.question_en : q.question_id) || "";
  const fields = $("form-fields");
  fields.textContent = "";
  for (const p of q.params) {
    if (p.name === "lang") continue;  // the page's language (the switch in the header)
    const id = "param-" + p.name;
    fields.append(el("label", { for: id }, p.name + " (" + p.type + ")"));
    const input = el("input", { id, name: p.name, placeholder: p.default || (p.type === "iri" ? t("type a name") : ""),
                                "data-type": p.type, autocomplete: "off" });
    const given = values && values.has(p.name) ? values.get(p.name) : null;
    input.value = given !== null ? given : (p.default || "");
    fields.append(input);
    if (p.type === "iri") autocomplete(input);
    fields.append(el("div", { class: "help" }, p.description), el("div", { class: "resolved help", id: id + "-resolved" }));
  }
}

// Entity fields: a list of names (both languages) from /search as the user types; the chosen name's
// id goes into the field. The server accepts names too, as the command line does.
function autocomplete(input) {
  const listId = input.id + "-names";
  const datalist = el("datalist", { id: listId });
  input.setAttribute("list", listId);
  input.after(datalist);
  let timer = null, seq = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || /^[a-z]+:/.test(text)) return;
    timer = setTimeout(async () => {
      const mine = ++seq;
      const resp = await fetch("/search?limit=12&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } });
      if (!resp.ok || mine !== seq) return;
      const found = await resp.json();
      datalist.textContent = "";
      for (const m of found.matches || []) {
        datalist.append(el("option", { value: window.KG.shortIri(m.iri) }, m.label + " — " + (m.kind_label || m.kind || "")));
      }
    }, 150);
  });
}

function formValues() {
  const values = new URLSearchParams();
  for (const input of $("form-fields").querySelectorAll("input")) {
    if (input.value.trim() !== "") values.set(input.name, input.value.trim());
  }
  return values;
}

// A name typed into an entity field ("Shaanxi", "Katalonia", "DI Yogyakarta") is resolved by the
// server's name index before the question runs; ids and prefixed names go as they are.
const ID_LIKE = /^(<[^>]*>|[A-Za-z][\w.-]*:[^\s]*)$/;

async function resolveNames() {
  const resolved = new URLSearchParams();
  for (const input of $("form-fields").querySelectorAll("input")) {
    const value = input.value.trim(), note = $(input.id + "-resolved");
    if (note) note.textContent = "";
    if (value === "") continue;
    if (input.dataset.type !== "iri" || ID_LIKE.test(value)) { resolved.set(input.name, value); continue; }
    const resp = await fetch("/resolve?name=" + encodeURIComponent(value), { headers: { Accept: "application/json" } });
    if (!resp.ok) throw new Error(input.name + ": " + (await resp.text()));
    const found = await resp.json();
    if (note) note.textContent = "→ " + found.label + " (" + found.id + ")";
    resolved.set(input.name, found.id);
  }
  return resolved;
}

function cannedUrl(extra, values) {
  const params = new URLSearchParams(values || formValues());
  // questions with a `lang` parameter give their label columns in the page's language
  if (current.params.some((p) => p.name === "lang") && !params.has("lang")) params.set("lang", window.KG.lang());
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return "/queries/" + encodeURIComponent(current.name) + "?" + params.toString();
}

// The link that reproduces what is shown: the question (or query), the values typed and the view.
function shareUrl(view) {
  const params = new URLSearchParams();
  if (lastRun && lastRun.kind === "query") {
    params.set("query", lastRun.text);
  } else if (current) {
    params.set("question", current.name);
    for (const [k, v] of formValues()) params.set(k, v);
  }
  if (view && view !== "table") params.set("view", view);
  if (window.KG.lang() === "id") params.set("lang", "id");
  return "/?" + params.toString();
}

async function runCanned(ev, view) {
  if (ev) ev.preventDefault();
  lastRun = { kind: "question", name: current.name };
  let values;
  try {
    values = await resolveNames();
  } catch (err) {
    $("results-section").hidden = false;
    $("results").textContent = ""; $("view-tabs").textContent = ""; $("downloads").textContent = ""; $("share").textContent = "";
    $("status").className = "error";
    $("status").textContent = t("Error") + ": " + err.message;
    return;
  }
  const resp = await fetch(cannedUrl({}, values), { headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" } });
  await show(resp, {
    CSV: cannedUrl({ format: "csv", download: current.name }, values),
    TSV: cannedUrl({ format: "tsv", download: current.name }, values),
    JSON: cannedUrl({ format: "json", download: current.name }, values),
  }, view);
}

async function runEditor(ev, view) {
  if (ev) ev.preventDefault();
  const query = editor.getValue();
  const resp = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded",
               Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    body: new URLSearchParams({ query }).toString(),
  });
  lastRun = { kind: "query", text: query };
  const qs = (fmt) => "/sparql?" + new URLSearchParams({ query, format: fmt, download: "query" }).toString();
  await show(resp, { CSV: qs("csv"), TSV: qs("tsv"), JSON: qs("json") }, view);
}

async function show(resp, downloads, view) {
  $("results-section").hidden = false;
  const status = $("status"), dl = $("downloads"), tabs = $("view-tabs");
  $("results").textContent = ""; dl.textContent = ""; tabs.textContent = ""; $("share").textContent = "";
  status.className = "";
  const text = await resp.text();
  if (!resp.ok) {
    status.className = "error";
    status.textContent = t("Error") + " " + resp.status + ": " + text;
    return;
  }
  const ctype = resp.headers.get("Content-Type") || "";
  if (!ctype.includes("json")) {  // CONSTRUCT / DESCRIBE: the graph as Turtle
    status.textContent = t("A graph (Turtle):");
    $("results").append(el("pre", { class: "rdf" }, text));
    return;
  }
  const data = JSON.parse(text);
  if ("boolean" in data) { status.textContent = t("Answer") + ": " + t(data.boolean ? "yes" : "no"); return; }
  const result = { vars: data.head.vars, rows: data.results.bindings };
  lastRun.result = result;
  status.textContent = result.rows.length + " " + t(result.rows.length === 1 ? "row" : "rows");
  dl.append(t("Download") + ": ");
  Object.entries(downloads).forEach(([label, href], i) => {
    if (i) dl.append(" · ");
    dl.append(el("a", { href, id: "download-" + label.toLowerCase() }, label));
  });
  const offered = window.KG.viewsFor(result);
  for (const v of offered) {
    const b = el("button", { type: "button", role: "tab", id: "view-" + v, "data-view": v }, t(v));
    b.addEventListener("click", () => showView(v));
    tabs.append(b);
  }
  await showView(offered.includes(view) ? view : (view && view !== "table" ? defaultView(offered) : "table"));
}

function defaultView(offered) { return offered.length > 1 ? offered[1] : "table"; }

async function showView(view) {
  const holder = $("results");
  holder.textContent = "";
  holder.dataset.view = view;
  for (const b of $("view-tabs").querySelectorAll("button")) b.setAttribute("aria-selected", String(b.dataset.view === view));
  lastRun.view = view;
  const url = shareUrl(view);
  const share = $("share");
  share.textContent = "";
  const link = el("a", { href: url, id: "share-link" }, t("Link to this view"));
  const copy = el("button", { type: "button", id: "share-copy" }, t("copy"));
  copy.addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(new URL(url, location.href).href); copy.textContent = t("copied"); } catch (e) { /* no clipboard */ }
  });
  share.append(link, " ", copy);
  history.replaceState(null, "", url);
  const draw = { table: window.KG.table, chart: window.KG.chart, map: window.KG.map,
                 timeline: window.KG.timeline, network: window.KG.network }[view];
  await draw(lastRun.result, holder);
  holder.dataset.drawn = view;
  if (view !== "table") $("results-section").scrollIntoView({ block: "start" });  // the view, not the form
}

// A shared link: /?question=NAME&view=VIEW&PARAM=VALUE (or ?query=SPARQL&view=VIEW) runs it as it was.
async function openFromUrl() {
  const params = new URLSearchParams(location.search);
  const view = VIEWS.includes(params.get("view")) ? params.get("view") : "table";
  const name = params.get("question") || decodeURIComponent(location.hash.slice(1));
  const q = questions.find((x) => x.name === name);
  if (q) {
    showForm(q, params);
    $("form-section").scrollIntoView({ block: "start" });
    if (params.has("question")) await runCanned(null, view);
  } else if (params.has("query")) {
    editor.setValue(params.get("query"));
    await runEditor(null, view);
  }
}

$("query-form").addEventListener("submit", (ev) => runCanned(ev, lastRun && lastRun.view));
$("editor-form").addEventListener("submit", (ev) => runEditor(ev));
$("edit-canned").addEventListener("click", () => {
  if (current) { editor.setValue(current.text); editor.focus(); }
});
(async () => {
  await Promise.all([window.KG.loadEntities(), loadQuestions()]);
  await openFromUrl();
  document.body.dataset.ready = "yes";
})();
})();
