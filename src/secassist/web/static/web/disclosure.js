/* Action forms collapsed behind their buttons (issue #16). On every page, a POST form that begins with
 * its own heading (h2 or h3), is labelled by a heading (aria-labelledby) or names its button in
 * data-collapse="…" is shown as a disclosure: a button carrying those words opens the form in place. Native <details>/<summary>, so keyboard and screen readers need nothing more.
 * A form stays open when it shows an error (the analyst must see what to fix) or carries data-open;
 * without JavaScript every form is simply open. */
(function () {
  "use strict";

  var ERRORS = ".usa-error-message, .usa-alert--error, .usa-input--error, .errorlist, [role='alert']";

  function collapse(form) {
    if (form.hasAttribute("data-open") || form.closest("details") || form.querySelector(ERRORS)) {
      return;
    }
    var label = form.getAttribute("data-collapse");
    if (!label) {
      var heading = form.querySelector(":scope > h2, :scope > h3");
      var labelledBy = form.getAttribute("aria-labelledby");
      if (!heading && labelledBy) {
        heading = document.getElementById(labelledBy);
      }
      label = heading ? heading.textContent.trim() : "";
    }
    if (!label) {
      return;
    }
    var details = document.createElement("details");
    details.className = "sa-disclosure";
    var summary = document.createElement("summary");
    summary.className = "usa-button usa-button--outline sa-disclosure__button";
    summary.textContent = label;
    form.parentNode.insertBefore(details, form);
    details.appendChild(summary);
    details.appendChild(form);
  }

  function collapseAll(root) {
    var forms = (root || document).querySelectorAll("main form[method='post'], main form[method='POST']");
    for (var i = 0; i < forms.length; i += 1) {
      collapse(forms[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { collapseAll(document); });
  document.body.addEventListener("htmx:afterSwap", function (evt) { collapseAll(evt.target); });
})();
