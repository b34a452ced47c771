/* Small page behaviours declared by data attributes instead of on*= handlers (strict CSP):
 *   <select data-autosubmit> submits its form when the choice changes.
 *   <button data-confirm="Question?"> asks before submitting.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (typeof el.form.requestSubmit === "function") {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });

  document.addEventListener("click", function (evt) {
    var el = evt.target && evt.target.closest ? evt.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      evt.preventDefault();
    }
  });
})();
