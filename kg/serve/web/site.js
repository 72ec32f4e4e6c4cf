// Every page: the English/Indonesian switch keeps the choice in a cookie, so the next page follows it.
"use strict";
for (const a of document.querySelectorAll(".lang-switch a[data-lang]")) {
  a.addEventListener("click", () => {
    document.cookie = "kg_lang=" + a.dataset.lang + "; path=/; max-age=31536000; SameSite=Lax";
  });
}
