// The review page's visual settle for spans and boxes. Every version of the item (the
// aggregate, each annotator's) is drawn with the labeling component, read-only: one at a time
// (coloured by label, as the annotator saw it) or all overlaid (coloured by who made it).
// The final value is edited with the same component; on submit its value goes into the
// form's hidden value_json field (validated server-side). "Take"/"Accept" buttons submit the
// version's name instead, and the server reads that value itself.

import { mountRegions } from "./mount.js";
import { PALETTE } from "./palette.js";

const config = JSON.parse(document.getElementById("settle-config").textContent);
const form = document.getElementById("final-form");
const section = document.getElementById("settle");
const showing = document.getElementById("settle-showing");
const overlayButton = document.getElementById("settle-overlay");
const part = config.kind === "boxes" ? "boxes" : "spans";
const sources = config.sources;
const AGGREGATE_COLOR = "#1b1f24";
const shortcutsOn = document.body.dataset.shortcuts !== "off";

// One colour per version for the overlay: the aggregate dark, annotators from the palette.
let next = 0;
const colors = new Map(sources.map((s) => [s.key, s.key === "aggregate" ? AGGREGATE_COLOR : PALETTE[next++ % PALETTE.length]]));
const byKey = new Map(sources.map((s) => [s.key, s]));
const regionsOf = (source) => (source && source.value && Array.isArray(source.value[part]) ? source.value[part] : []);

function host(parent) {
  const made = document.createElement("div");
  made.className = "region-host";
  parent.appendChild(made);
  return made;
}

// Keys on a drawing go to its component first; what it handles goes no further (review.js).
// As on the labeling screen, with shortcuts off it still gets arrows, Tab, Delete and
// Ctrl/Cmd combinations, never single characters.
function takeKeys(element, component) {
  element.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select")) return;
    if (!shortcutsOn && event.key.length === 1 && !event.ctrlKey && !event.metaKey) return;
    if (component.handleKey(event)) { event.preventDefault(); event.stopPropagation(); }
  });
}

function readOnly(element, labels, name) {
  const component = mountRegions(element, { kind: config.kind, labels });
  component.model.readOnly = true;
  const surface = element.querySelector(".span-text, .boxes-viewport");
  surface.setAttribute("aria-label", `${name}, read-only: Tab walks its ${part}`);
  takeKeys(element, component);
  return component;
}

// The overlay's labels: "alice · PER" for every version and label, in the version's colour.
const overlayLabels = sources.flatMap((s) => config.labels.map((l) => ({ value: `${s.name} \u00b7 ${l.value}`, color: colors.get(s.key) })));
const view = document.getElementById("settle-view");
const eachHost = host(view);
const allHost = host(view);
const each = readOnly(eachHost, config.labels, "The version shown");
const all = readOnly(allHost, overlayLabels.length ? overlayLabels : config.labels, "All versions overlaid");
all.load(config.item, { [part]: sources.flatMap((s) => regionsOf(s).map((r) => ({ ...r, label: `${s.name} \u00b7 ${r.label}` }))) }, null);

const whoseVersion = (source) => (source.key === "aggregate" ? "the aggregate" : `${source.name}\u2019s version`);

let shown = 0;
let overlaid = false;

function render() {
  eachHost.hidden = overlaid;
  allHost.hidden = !overlaid;
  section.classList.toggle("overlaid", overlaid);
  overlayButton.setAttribute("aria-pressed", String(overlaid));
  for (const button of section.querySelectorAll(".settle-show")) {
    button.setAttribute("aria-pressed", String(!overlaid && sources[shown] && button.dataset.source === sources[shown].key));
  }
  for (const row of section.querySelectorAll(".settle-source")) {
    row.classList.toggle("current", !overlaid && Boolean(sources[shown]) && row.dataset.source === sources[shown].key);
  }
  if (overlaid) {
    showing.textContent = `All ${sources.length} versions overlaid, each in its own colour.`;
  } else if (sources[shown]) {
    const source = sources[shown];
    each.load(config.item, source.value, null);
    showing.textContent = `Showing ${whoseVersion(source)} (${shown + 1} of ${sources.length}).`;
  } else {
    each.load(config.item, { [part]: [] }, null);
    showing.textContent = "No versions to show yet.";
  }
}

for (const swatch of section.querySelectorAll(".settle-source")) {
  const mark = swatch.querySelector(".settle-swatch");
  if (mark) mark.style.setProperty("background-color", colors.get(swatch.dataset.source) || "#777");
}

function show(key) {
  const at = sources.findIndex((s) => s.key === key);
  if (at >= 0) shown = at;
  overlaid = false;
  render();
}

function toggleOverlay() {
  overlaid = !overlaid;
  render();
}

// The final value: the same component, editable, starting from the final label or aggregate.
const editorHost = document.getElementById("settle-editor");
const status = document.getElementById("settle-status");
const editor = editorHost ? mountRegions(editorHost, { kind: config.kind, labels: config.labels }) : null;
if (editor) {
  editor.load(config.item, config.start.value, null);
  takeKeys(editorHost, editor);
}

function copy(key) {
  const source = byKey.get(key);
  if (!editor || !source) return;
  editor.load(config.item, source.value, null);
  status.textContent = `Editing a copy of ${whoseVersion(source)}; F sets it as the final value.`;
  editor.focus();
}

section.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-source]");
  if (!button) return;
  if (button.classList.contains("settle-show")) show(button.dataset.source);
  else if (button.classList.contains("settle-copy")) copy(button.dataset.source);
});
overlayButton.addEventListener("click", toggleOverlay);

// An edited value the server refused comes back into the editor, so it can be fixed in place.
// The page reloads after every decision: the edit was refused when the item's value now is
// not the one sent (the error message says why).
const KEPT = "accord.settle.edit";
const FIELDS = ["start", "end", "x", "y", "width", "height", "label"];
const canonical = (value) => JSON.stringify(regionsOf({ value }).map((r) => JSON.stringify(FIELDS.map((f) => r[f]))).sort());

if (form && editor) {
  form.addEventListener("submit", (event) => {
    const taking = event.submitter && event.submitter.name === "source";
    if (taking) return;
    const value = JSON.stringify(editor.value());
    document.getElementById("settle-value").value = value;
    sessionStorage.setItem(KEPT, JSON.stringify({ path: location.pathname, value }));
  });
  const kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
  sessionStorage.removeItem(KEPT);
  if (kept && kept.path === location.pathname && canonical(JSON.parse(kept.value)) !== canonical(config.start.value)) {
    editor.load(config.item, JSON.parse(kept.value), null);
    status.textContent = "Your edit was not saved (see the message above); it is back in the editor.";
  }
}

// O toggles the overlay, V / shift+V show the next / previous version. Like review.js: off on
// fields, buttons and links, inside a drawing, and when the user turned shortcuts off.
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (!shortcutsOn || event.ctrlKey || event.metaKey || event.altKey) return;
  if (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|SUMMARY|A)$/.test(el.tagName)) return;
  if (el.closest(".region-host")) return;
  const key = event.key.toLowerCase();
  if (key === "o") {
    event.preventDefault();
    toggleOverlay();
  } else if (key === "v" && sources.length) {
    event.preventDefault();
    shown = (shown + (event.shiftKey ? sources.length - 1 : 1)) % sources.length;
    overlaid = false;
    render();
  }
});

render();
