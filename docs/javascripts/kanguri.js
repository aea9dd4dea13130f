// Kanguri's few behaviours in the browser, without a framework:
// - the claims index: filter by section and verdict, sort by any column;
// - the language switcher keeps the section the reader is on (#anchor), when the other page has it too;
// - a Japanese search query is split into words, as the index is.
(function () {
  "use strict";

  function claimsIndex(root) {
    const table = root.querySelector("table");
    if (!table || root.dataset.ready) return;
    root.dataset.ready = "1";
    const rows = Array.from(table.tBodies[0].rows);
    const heads = Array.from(table.tHead.rows[0].cells);
    const bar = document.createElement("div");
    bar.className = "kg-claims-bar";
    const choices = (key, label) => {
      const select = document.createElement("select");
      select.setAttribute("aria-label", label);
      select.dataset.key = key;
      const all = document.createElement("option");
      all.value = "";
      all.textContent = label + ": *";
      select.append(all);
      const seen = new Map();
      rows.forEach((r) => {
        const cell = r.cells[key === "section" ? 1 : 3];
        if (!seen.has(r.dataset[key])) seen.set(r.dataset[key], cell.textContent.trim());
      });
      seen.forEach((text, value) => {
        const o = document.createElement("option");
        o.value = value;
        o.textContent = text;
        select.append(o);
      });
      select.addEventListener("change", apply);
      return select;
    };
    const bySection = choices("section", heads[1].textContent.trim());
    const byVerdict = choices("verdict", heads[3].textContent.trim());
    bar.append(bySection, byVerdict);
    root.before(bar);
    function apply() {
      rows.forEach((r) => {
        const ok = (!bySection.value || r.dataset.section === bySection.value) &&
          (!byVerdict.value || r.dataset.verdict === byVerdict.value);
        r.hidden = !ok;
      });
    }
    heads.forEach((th, i) => {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      th.setAttribute("aria-sort", "none");
      const sort = () => {
        const up = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach((h) => h.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        const key = (r) => {
          const text = r.cells[i].textContent.trim();
          const n = parseFloat(text.replace(/[−]/g, "-").replace(/,/g, "").replace(/^[^\d−-]*(?=[\d−-])/, ""));
          return i >= 4 && !isNaN(n) ? n : text;
        };
        rows.sort((a, b) => {
          const x = key(a), y = key(b);
          const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return up ? c : -c;
        });
        rows.forEach((r) => table.tBodies[0].append(r));
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function keepSectionOnLanguageSwitch() {
    document.querySelectorAll("a.md-select__link[hreflang]").forEach((a) => {
      a.addEventListener("click", () => {
        if (location.hash && !a.href.includes("#")) a.href = a.href + location.hash;
      });
    });
  }

  // Material segments Japanese text in its index, but not the query: 「不毛な台地」 would be one search term.
  // On a Japanese page, split a typed query where kanji, hiragana and katakana meet (never mid-composition).
  function segmentJapaneseQueries() {
    if (document.documentElement.lang !== "ja") return;
    const runs = /([\u4e00-\u9fff\u3005]+|[\u3040-\u309f]+|[\u30a0-\u30ff\u30fc]+)/g;
    document.addEventListener("input", (e) => {
      const el = e.target;
      if (e.isComposing || !(el instanceof HTMLInputElement) || !el.matches(".md-search__input")) return;
      const split = el.value.replace(runs, " $1 ").replace(/\s+/g, " ").trimStart();
      if (split !== el.value) el.value = split;
    }, true);
  }

  function ready() {
    document.querySelectorAll(".kg-claims").forEach(claimsIndex);
    keepSectionOnLanguageSwitch();
    segmentJapaneseQueries();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
