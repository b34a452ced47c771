/* Wide tables scroll inside their own box, so that on a narrow screen (390 px) the table scrolls and
 * the page does not. Each data table not already in a scroll container is wrapped in one that is
 * focusable (keyboard users can scroll it) and labelled by the table's caption. */
(function () {
  "use strict";

  function wrap(table, n) {
    var parent = table.parentElement;
    if (!parent || parent.classList.contains("usa-table-container--scrollable")) {
      return;
    }
    var box = document.createElement("div");
    box.className = "usa-table-container--scrollable sa-table-scroll";
    box.setAttribute("tabindex", "0");
    var caption = table.querySelector("caption");
    if (caption) {
      if (!caption.id) {
        caption.id = "sa-table-caption-" + n;
      }
      box.setAttribute("role", "region");
      box.setAttribute("aria-labelledby", caption.id);
    }
    parent.insertBefore(box, table);
    box.appendChild(table);
  }

  function wrapAll(root) {
    var tables = (root || document).querySelectorAll("table.usa-table");
    for (var i = 0; i < tables.length; i += 1) {
      wrap(tables[i], i);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { wrapAll(document); });
  document.body.addEventListener("htmx:afterSwap", function (evt) { wrapAll(evt.target); });
})();
