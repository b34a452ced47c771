/* Vega-Lite charts without inline script (the Content-Security-Policy forbids it).
 *
 * A page marks a chart container with data-vega-spec="ID", where ID is a json_script element
 * holding the whole Vega-Lite spec (data included): {{ spec|json_script:"funds-spec" }}.
 * The page also loads vega, vega-lite and vega-embed from static/vendor/vega/.
 * `ast: true` makes Vega interpret expressions instead of compiling them with Function(),
 * so no 'unsafe-eval' is needed either.
 */
(function () {
  "use strict";

  function readJson(id) {
    var el = id && document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function embed(el) {
    if (el.getAttribute("data-vega-embedded") === "1" || typeof window.vegaEmbed !== "function") {
      return;
    }
    var spec = readJson(el.getAttribute("data-vega-spec"));
    if (!spec) {
      return;
    }
    el.setAttribute("data-vega-embedded", "1");
    window.vegaEmbed(el, spec, { actions: false, ast: true }).catch(function (err) {
      el.textContent = "The chart could not be drawn; the same numbers are in the table.";
      if (window.console) {
        window.console.error(err);
      }
    });
  }

  function embedAll(root) {
    (root || document).querySelectorAll("[data-vega-spec]").forEach(embed);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { embedAll(document); });
  } else {
    embedAll(document);
  }
  document.addEventListener("htmx:load", function (evt) { embedAll(evt.target); });
})();
