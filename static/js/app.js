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
})();
