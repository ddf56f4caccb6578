/* Type-ahead for a citizen (contracts/_citizen_picker.html): the matches come from a POST (htmx), this file
   chooses one (click, Enter, arrow keys), clears the typed text (it may be a CPR number) and lets Esc close the
   list before it closes the panel. A static file because the Content Security Policy forbids inline script. */
(function () {
  "use strict";

  function picker(el) { return el && el.closest ? el.closest("[data-citizen-picker]") : null; }
  function options(p) { return Array.prototype.slice.call(p.querySelectorAll(".lookup-option")); }
  function input(p) { return p.querySelector(".picker-search input[type=search]"); }
  function results(p) { return p.querySelector(".picker-results"); }

  function choose(p, option) {
    p.querySelector(".picker-value").value = option.getAttribute("data-citizen");
    p.querySelector(".picker-chosen-label").textContent = option.getAttribute("data-label");
    p.querySelector(".picker-chosen").hidden = false;
    p.querySelector(".picker-search").hidden = true;
    input(p).value = "";  // the text typed may be a CPR number: it does not stay in the form
    results(p).innerHTML = "";
    p.querySelector(".picker-clear").focus();
  }

  function clear(p) {
    p.querySelector(".picker-value").value = "";
    p.querySelector(".picker-chosen").hidden = true;
    p.querySelector(".picker-search").hidden = false;
    input(p).focus();
  }

  document.addEventListener("click", function (e) {
    var option = e.target.closest && e.target.closest(".lookup-option");
    if (option && picker(option)) { choose(picker(option), option); e.preventDefault(); return; }
    var button = e.target.closest && e.target.closest(".picker-clear");
    if (button && picker(button)) { clear(picker(button)); e.preventDefault(); }
  });

  // Capture phase: Esc in the list closes the list, not the side panel (board.js listens when it bubbles).
  document.addEventListener("keydown", function (e) {
    var p = picker(e.target);
    if (!p) return;
    var list = options(p), box = input(p);
    if (e.target === box) {
      if (e.key === "ArrowDown" && list.length) {
        list[0].focus(); e.preventDefault();
      } else if (e.key === "Enter") {
        // One match: Enter takes it. Several: Enter moves into the list (never books the wrong namesake).
        if (list.length === 1) { choose(p, list[0]); e.preventDefault(); }
        else if (list.length > 1) { list[0].focus(); e.preventDefault(); }
      } else if (e.key === "Escape" && list.length) {
        results(p).innerHTML = ""; e.preventDefault(); e.stopPropagation();
      }
      return;
    }
    var i = list.indexOf(e.target);
    if (i < 0) return;
    if (e.key === "ArrowDown" && i + 1 < list.length) { list[i + 1].focus(); e.preventDefault(); }
    else if (e.key === "ArrowUp") { (i > 0 ? list[i - 1] : box).focus(); e.preventDefault(); }
    else if (e.key === "Escape") { results(p).innerHTML = ""; box.focus(); e.preventDefault(); e.stopPropagation(); }
  }, true);

  // Typing again after an error: the list follows the text; an empty field empties the list.
  document.addEventListener("input", function (e) {
    var p = picker(e.target);
    if (p && e.target === input(p) && !e.target.value.trim()) { results(p).innerHTML = ""; }
  });
})();
