// Lead pages: add label rows to the settings formset (the server does all the checking).
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  function showRating() {
    var rating = kind.value === "rating";
    document.querySelectorAll(".rating-only").forEach(function (el) { el.hidden = !rating; });
  }
  if (kind) { kind.addEventListener("change", showRating); showRating(); }
  var add = document.getElementById("add-label");
  if (!add) { return; }
  add.addEventListener("click", function () {
    var total = document.getElementById("id_labels-TOTAL_FORMS");
    var template = document.getElementById("label-template");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("label-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = document.querySelectorAll("#label-rows .label-row");
    var palette = (template.getAttribute("data-palette") || "").split(" ");
    var colour = rows[rows.length - 1].querySelector("input[type=color]");
    if (colour && palette.length) { colour.value = palette[index % palette.length]; }
    var input = rows[rows.length - 1].querySelector("input[name$='-value']");
    if (input) { input.focus(); }
  });
})();
