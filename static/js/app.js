/* Psykiatrihus: small behaviours without inline script (the Content Security Policy forbids inline code). */
(function () {
  "use strict";
  // <select data-autosubmit> submits its form when the choice changes (house switch, language).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });
  // <button data-step="1" data-step-target="id"> adds to a number field, never below 0 (head counts, activities).
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button[data-step]") : null;
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-step-target"));
    if (!input) { return; }
    input.value = Math.max(0, (parseInt(input.value, 10) || 0) + parseInt(button.getAttribute("data-step"), 10));
  });
})();
