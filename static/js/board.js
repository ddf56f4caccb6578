/* Bed board (beds/board.html): keyboard movement between cells and focus after HTMX swaps.
   A static file because the Content Security Policy forbids inline script. */
(function () {
  "use strict";
  // Arrow keys move between cells of the board; Enter/Space activate (native buttons).
  document.addEventListener("keydown", function (e) {
    var cell = e.target.closest && e.target.closest("[data-cell]");
    if (!cell) return;
    var moves = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]};
    var m = moves[e.key];
    if (!m) return;
    var r = +cell.dataset.r + m[0], c = +cell.dataset.c + m[1];
    var next = document.querySelector('[data-cell][data-r="' + r + '"][data-c="' + c + '"]');
    if (next) { next.focus(); e.preventDefault(); }
  });
  // After an action the panel gets focus so screen readers hear the result.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "panel") { e.detail.target.focus(); }
  });
})();
