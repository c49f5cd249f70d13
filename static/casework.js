// Casework: a little JavaScript, no inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  document.documentElement.classList.add("cw-js");

  // A language menu applies itself when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Fields shown for one choice of a menu only: <div data-shown-when="language=fr-en">
  // (the agreement's English texts, for a bilingual agreement).
  document.querySelectorAll("[data-shown-when]").forEach(function (block) {
    var rule = block.getAttribute("data-shown-when").split("="),
        select = document.getElementById(rule[0]);
    if (!select) { return; }
    var apply = function () { block.hidden = select.value !== rule[1]; };
    select.addEventListener("change", apply);
    apply();
  });

  // Ask before an irreversible step: <button data-confirm="Really?">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
