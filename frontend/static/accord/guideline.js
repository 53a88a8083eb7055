// Guideline side panel: a collapse toggle whose state is remembered per project in localStorage.
// Works whether the panel arrives with the page or later through htmx (event delegation).
(function () {
  if (window.accordGuidelinePanel) { return; }
  window.accordGuidelinePanel = true;

  function key(panel) { return "accord.guideline.collapsed." + (panel.dataset.project || ""); }

  function remembered(panel) {
    try { return window.localStorage.getItem(key(panel)) === "1"; } catch (e) { return false; }
  }

  function apply(panel, collapsed) {
    var body = panel.querySelector(".guideline-panel-body");
    var toggle = panel.querySelector(".guideline-toggle");
    panel.classList.toggle("collapsed", collapsed);
    if (body) { body.hidden = collapsed; }
    if (toggle) {
      toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
      toggle.textContent = collapsed ? "Show" : "Hide";
    }
  }

  function init(root) {
    (root || document).querySelectorAll(".guideline-panel").forEach(function (panel) {
      apply(panel, remembered(panel));
    });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest(".guideline-toggle") : null;
    if (!toggle) { return; }
    var panel = toggle.closest(".guideline-panel");
    var collapsed = !panel.classList.contains("collapsed");
    try { window.localStorage.setItem(key(panel), collapsed ? "1" : "0"); } catch (e) { /* private mode */ }
    apply(panel, collapsed);
  });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
