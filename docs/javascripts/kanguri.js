// Kanguri's few behaviours in the browser, without a framework:
// - the claims index: filter by section and verdict, sort by verdict, section or title;
// - the language switcher keeps the section the reader is on (#anchor), when the other page has it too.
// (A Japanese search query is split into words inside Material's search worker: kanguri/compat.py.)
(function () {
  "use strict";

  // The index's bar (labelled filters and a sort choice) and its table come from the build; this makes them
  // work: filter rows, say how many are left (a live region), sort by verdict, section or title from the bar
  // (a phone hides the column heads) or from the heads' buttons.
  function claimsIndex(root) {
    const table = root.querySelector("table");
    const bar = root.querySelector(".kg-claims-bar");
    if (!table || !bar || root.dataset.ready) return;
    root.dataset.ready = "1";
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.forEach((r, i) => { r.dataset.pos = String(i); });
    const pick = (key) => bar.querySelector(`select[data-key="${key}"]`);
    const bySection = pick("section"), byVerdict = pick("verdict"), sortBy = pick("sort");
    const count = root.querySelector(".kg-claims-count");
    const buttons = Array.from(table.tHead.querySelectorAll("button[data-sort]"));
    // a section or verdict sorts where its option stands: sections as the catalogue has them, verdicts from
    // supported down
    const rank = (select, key) => {
      const at = new Map(Array.from(select.options).map((o, i) => [o.value, i]));
      return (r) => at.get(r.dataset[key]);
    };
    const sectionRank = rank(bySection, "section"), verdictRank = rank(byVerdict, "verdict");
    const pos = (r) => Number(r.dataset.pos);
    const keys = {
      "": (a, b) => pos(a) - pos(b),
      section: (a, b) => sectionRank(a) - sectionRank(b) || pos(a) - pos(b),
      verdict: (a, b) => verdictRank(a) - verdictRank(b) || keys.section(a, b),
      claim: (a, b) => a.cells[0].textContent.trim().localeCompare(b.cells[0].textContent.trim()),
    };
    function filter() {
      let shown = 0;
      rows.forEach((r) => {
        r.hidden = !((!bySection.value || r.dataset.section === bySection.value) &&
          (!byVerdict.value || r.dataset.verdict === byVerdict.value));
        if (!r.hidden) shown += 1;
      });
      count.textContent = root.dataset.shown.replace("{shown}", shown).replace("{total}", rows.length);
    }
    function sort(key, up) {
      const compare = keys[key] || keys[""];
      rows.slice().sort((a, b) => (up ? 1 : -1) * compare(a, b)).forEach((r) => body.append(r));
      sortBy.value = key;
      buttons.forEach((b) => {
        const th = b.closest("th");
        if (b.dataset.sort === key) th.setAttribute("aria-sort", up ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
    }
    bySection.addEventListener("change", filter);
    byVerdict.addEventListener("change", filter);
    sortBy.addEventListener("change", () => sort(sortBy.value, true));
    buttons.forEach((b) => b.addEventListener("click", () => {
      sort(b.dataset.sort, b.closest("th").getAttribute("aria-sort") !== "ascending");
    }));
    bar.hidden = false;
  }

  // A table or code block wider than the screen scrolls sideways; a keyboard can scroll it only if it takes the
  // focus (WCAG 2.1.1; axe-core's scrollable-region-focusable). Give it a tab stop while it overflows.
  function focusableScrollers() {
    const sel = ".md-content .md-typeset__scrollwrap, .md-content pre > code, .md-content .highlight-ipynb";
    const update = () => document.querySelectorAll(sel).forEach((el) => {
      const wide = el.scrollWidth > el.clientWidth + 1;
      if (wide && !el.hasAttribute("tabindex")) { el.tabIndex = 0; el.dataset.kgScroll = "1"; }
      else if (!wide && el.dataset.kgScroll) { el.removeAttribute("tabindex"); delete el.dataset.kgScroll; }
    });
    update();
    let pending = 0;
    window.addEventListener("resize", () => { clearTimeout(pending); pending = setTimeout(update, 200); });
  }

  function keepSectionOnLanguageSwitch() {
    document.querySelectorAll("a.md-select__link[hreflang]").forEach((a) => {
      a.addEventListener("click", () => {
        if (location.hash && !a.href.includes("#")) a.href = a.href + location.hash;
      });
    });
  }

  function ready() {
    document.querySelectorAll(".kg-claims").forEach(claimsIndex);
    keepSectionOnLanguageSwitch();
    focusableScrollers();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
