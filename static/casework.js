// Casework: a little JavaScript, no inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  document.documentElement.classList.add("cw-js");

  // A language menu applies itself when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Ask before an irreversible step: <button data-confirm="Really?">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
