// issue 15 (home): the header's menu. Without this script the <details> menu still opens
// and closes (and wide screens show it through CSS); this keeps the Menu button's
// aria-expanded in step, and keeps the menu open on wide screens in browsers whose CSS
// cannot show a closed <details>' content.
(function () {
  "use strict";
  const menu = document.querySelector(".site-menu");
  if (!menu) return;
  const button = menu.querySelector("summary");
  const wide = window.matchMedia("(min-width: 48.0625rem)");
  function sync() {
    button.setAttribute("aria-expanded", String(menu.open));
  }
  function fit() {
    menu.open = wide.matches;
    sync();
  }
  menu.addEventListener("toggle", sync);
  wide.addEventListener("change", fit);
  fit();
})();
