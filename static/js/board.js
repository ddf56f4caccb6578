/* Bed board and "I huset nu": keyboard movement between cells, the side panel (an overlay on narrow screens),
   Esc to close it with focus back on the cell that opened it, the chosen cell marked, and the reason shown
   for a cell the user may not book. A static file because the Content Security Policy forbids inline script. */
(function () {
  "use strict";
  var chosenId = null;

  function panel() { return document.getElementById("panel"); }

  function mark() {
    document.querySelectorAll(".chosen").forEach(function (el) { el.classList.remove("chosen"); });
    var el = chosenId && document.getElementById(chosenId);
    if (el) { el.classList.add("chosen"); }
  }

  function closePanel() {
    var p = panel();
    if (!p) return;
    p.innerHTML = "";
    p.classList.remove("open");
    var back = chosenId && document.getElementById(chosenId);
    chosenId = null;
    mark();
    if (back) { back.focus(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && panel() && panel().classList.contains("open")) {
      closePanel();
      e.preventDefault();
      return;
    }
    // Arrow keys move between cells of the board; Enter/Space activate (native buttons).
    var cell = e.target.closest && e.target.closest("[data-cell]");
    if (!cell) return;
    var moves = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]};
    var m = moves[e.key];
    if (!m) return;
    var r = +cell.dataset.r + m[0], c = +cell.dataset.c + m[1];
    var next = document.querySelector('[data-cell][data-r="' + r + '"][data-c="' + c + '"]');
    if (next) { next.focus(); e.preventDefault(); }
  });

  // A cell the user may not book says why (in the panel: a tap on a phone has no tooltip).
  document.addEventListener("click", function (e) {
    var cell = e.target.closest && e.target.closest("[data-reason]");
    if (!cell || !panel()) return;
    var p = panel(), msg = document.createElement("p");
    msg.className = "muted";
    msg.textContent = cell.getAttribute("data-reason");
    p.innerHTML = "";
    p.appendChild(msg);
    chosenId = cell.id || null;
    mark();
  });

  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("hx-target") === "#panel" && !elt.closest("#panel") && elt.id) {
      chosenId = elt.id;
    }
  });

  // Cheap refresh: the grid's poll sends back the ETag it got; an unchanged board answers 304 and stays.
  var gridTag = null;
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "board-grid" && gridTag) { e.detail.headers["If-None-Match"] = gridTag; }
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    if (e.detail.elt && e.detail.elt.id === "board-grid") {
      if (xhr.status === 304) { e.detail.shouldSwap = false; return; }
      gridTag = xhr.getResponseHeader("ETag") || gridTag;
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target.id === "panel") {
      if (target.innerHTML.trim() === "") { closePanel(); return; }
      target.classList.add("open");
      target.focus();  // screen readers hear the result
      mark();
    } else {
      mark();  // the grid was redrawn by the poll: keep the chosen cell marked
    }
  });
})();
