// Folding panels (issue 15): a <details data-fold-narrow> (the header's menu, a list's
// filters, the map's layers) is open on a wide screen and folded on a phone (≤ 48rem),
// where the page's own content comes first — unless it says data-active (a filter in use
// stays in sight). Without this script every such panel keeps its HTML state (the menu's
// CSS shows it on wide screens, filter panels are sent open). The summary's
// aria-expanded follows the panel.
(function () {
  "use strict";
  const wide = window.matchMedia("(min-width: 48.0625rem)");
  const panels = document.querySelectorAll("details[data-fold-narrow]");
  function sync(panel) {
    const summary = panel.querySelector(":scope > summary");
    if (summary) summary.setAttribute("aria-expanded", String(panel.open));
  }
  function fit() {
    panels.forEach(function (panel) {
      panel.open = wide.matches || panel.hasAttribute("data-active");
      sync(panel);
    });
  }
  panels.forEach(function (panel) {
    panel.addEventListener("toggle", function () { sync(panel); });
  });
  wide.addEventListener("change", fit);
  fit();
})();
