// Embeds the Vega-Lite charts of the oversight pages. Each chart is a <div class="ovs-chart"
// data-spec="ID"> whose specification is in <script type="application/json" id="ID"> (json_script).
(function () {
  "use strict";
  function embedAll() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll(".ovs-chart[data-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-spec"));
      if (!source) { return; }
      // ast: Vega's expression interpreter instead of Function(): the CSP forbids eval.
      window.vegaEmbed(el, JSON.parse(source.textContent), { actions: false, ast: true });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
})();
