// An entity page's small views (kg/serve/templates/resource.html, #entity-glance): a sub-state
// actor's partners on a map of their countries and its dated agreements on a timeline, drawn by the
// start page's views (views.js) from the answer of a canned question asked of this server.
// Every value from the server goes into the page through textContent or setAttribute, never innerHTML.
(() => {
"use strict";

const KG = window.KG;
const box = document.getElementById("entity-glance");
if (!box) return;

async function glance() {
  const params = new URLSearchParams({ [box.dataset.param]: box.dataset.value, lang: KG.lang() });
  const [resp] = await Promise.all([
    fetch("/queries/" + encodeURIComponent(box.dataset.question) + "?" + params.toString(),
          { headers: { Accept: "application/sparql-results+json" } }),
    KG.loadEntities(),
  ]);
  if (!resp.ok) {
    box.append(KG.el("p", { class: "error" }, KG.t("The agreements could not be loaded") + ": " + resp.status));
    return;
  }
  const data = await resp.json();
  // the page's own entity is left out: the map places its partners, the timeline its agreements
  const vars = data.head.vars.filter((v) => v !== box.dataset.param);
  const result = { vars, rows: data.results.bindings };
  const offered = KG.viewsFor(result);
  const drawn = [];
  const mapHolder = document.getElementById("entity-map"), timeHolder = document.getElementById("entity-timeline");
  if (offered.includes("map")) {
    const width = Math.max(300, Math.min(560, mapHolder.clientWidth - 8));  // the whole world in its box
    drawn.push(KG.map(result, mapHolder, { width, height: Math.round(width * 0.52), id: "entity-map-view" }));
  } else {
    document.getElementById("entity-map-box").hidden = true;
  }
  if (offered.includes("timeline")) {
    const width = Math.max(200, Math.min(360, timeHolder.clientWidth - 230));  // beside names cut at 200 px
    drawn.push(KG.timeline(result, timeHolder, { width, labelLimit: 200, legendColumns: 2, id: "entity-timeline-view" }));
  } else {
    document.getElementById("entity-timeline-box").hidden = true;
  }
  await Promise.all(drawn);
}

glance().finally(() => { box.dataset.ready = "yes"; });
})();
