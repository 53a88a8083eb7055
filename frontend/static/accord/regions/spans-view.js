// Drawing spans over a text: the text is cut at every span and suggestion boundary into
// segments (a few elements per span, never one per character, so 10,000+ characters stay
// fast), each styled by the spans covering it. Overlapping spans get stacked underlines (one
// row per overlap level); suggestions are dashed. Text goes in with textContent. The caret and
// the keyboard selection are drawn apart (TextMarks), so moving them rebuilds nothing.

import { colorOf, swatch } from "./palette.js";

const ROW = 4; // px between stacked underlines

// Overlap rows: each region gets the lowest row free at its start (interval colouring).
export function levels(regions) {
  const order = regions.map((r, i) => i).sort((a, b) => regions[a].start - regions[b].start || regions[b].end - regions[a].end);
  const rowEnds = [];
  const rows = new Array(regions.length);
  for (const i of order) {
    let row = rowEnds.findIndex((end) => end <= regions[i].start);
    if (row < 0) { row = rowEnds.length; rowEnds.push(0); }
    rowEnds[row] = regions[i].end;
    rows[i] = row;
  }
  return rows;
}

function layer(color, row, dashed) {
  const paint = dashed ? `repeating-linear-gradient(90deg, ${color} 0 5px, transparent 5px 9px)` : `linear-gradient(${color}, ${color})`;
  return { image: paint, position: `0 calc(100% - ${row * ROW}px)`, size: "100% 3px" };
}

function boundaries(length, regions, marks) {
  const cuts = new Set([0, length, ...marks]);
  for (const r of regions) { cuts.add(r.start); cuts.add(r.end); }
  return Array.from(cuts).filter((c) => c >= 0 && c <= length).sort((a, b) => a - b);
}

// What a segment looks like: background layers, tint, classes and end tags.
function look(covering, selected, b, info) {
  const layers = covering.map(({ region, row, dashed }) => layer(colorOf(info, region.label), row, dashed));
  const solid = covering.find((c) => !c.dashed);
  const classes = [];
  if (covering.length) classes.push(solid ? "in-span" : "in-suggestion");
  if (selected && covering.some((c) => c.kind === selected.kind && c.index === selected.index)) classes.push("selected");
  return {
    image: layers.map((l) => l.image).join(", "),
    position: layers.map((l) => l.position).join(", "),
    size: layers.map((l) => l.size).join(", "),
    tint: solid ? colorOf(info, solid.region.label) : "",
    className: classes.join(" "),
    tag: covering.filter((c) => c.region.end === b && !c.dashed).map((c) => c.region.label).join(" "),
  };
}

function paint(piece, style) {
  const key = JSON.stringify(style);
  if (piece.look === key) return; // unchanged: touch nothing, so nothing is restyled
  piece.look = key;
  piece.className = style.className;
  piece.style.setProperty("background-image", style.image || "none");
  piece.style.setProperty("background-position", style.position);
  piece.style.setProperty("background-size", style.size);
  if (style.tint) piece.style.setProperty("--tint", style.tint); else piece.style.removeProperty("--tint");
  if (style.tag) piece.dataset.tag = style.tag; else delete piece.dataset.tag;
}

// Bring the text element's segments up to date. Segments whose [start, end) did not change
// are kept (never moved), so the browser re-shapes only the text around a change: a full
// rebuild of 10,000 characters costs tens of milliseconds of layout, a patch a few.
export function drawText(element, view, info) {
  const { text, items, suggestions, selected } = view;
  const regions = [
    ...items.map((region, index) => ({ region, kind: "item", index, dashed: false })),
    ...suggestions.map((region, index) => ({ region, kind: "suggestion", index, dashed: true })),
  ];
  const rows = levels(regions.map((r) => r.region));
  regions.forEach((r, i) => { r.row = rows[i]; });
  element.style.setProperty("--rows", String(Math.max(1, ...rows.map((r) => r + 1))));
  const cuts = boundaries(text.length, regions.map((r) => r.region), []);
  let old = element.firstElementChild;
  for (let k = 0; k + 1 < cuts.length; k += 1) {
    const [a, b] = [cuts[k], cuts[k + 1]];
    while (old && Number(old.dataset.start) < a) { const gone = old; old = old.nextElementSibling; gone.remove(); }
    let piece = old;
    if (old && Number(old.dataset.start) === a && old.dataset.end === String(b)) {
      old = old.nextElementSibling;
    } else {
      piece = document.createElement("span");
      piece.dataset.start = String(a);
      piece.dataset.end = String(b);
      piece.textContent = text.slice(a, b);
      element.insertBefore(piece, old);
    }
    const covering = regions.filter(({ region }) => region.start <= a && region.end >= b);
    paint(piece, look(covering, selected, b, info));
  }
  while (old) { const gone = old; old = old.nextElementSibling; gone.remove(); }
}

// The list under the text: one row per span and per suggestion. Rows are kept while their
// content is unchanged (only their position data is updated), so adding a span to a long
// list inserts one row instead of rebuilding them all. Clicks are read by listActions.
export function drawList(list, view, info) {
  const rows = [
    ...view.items.map((region, index) => ({ region, kind: "item", index })),
    ...view.suggestions.map((region, index) => ({ region, kind: "suggestion", index })),
  ];
  const spare = new Map();
  for (const row of list.children) {
    if (!spare.has(row.dataset.key)) spare.set(row.dataset.key, []);
    spare.get(row.dataset.key).push(row);
  }
  rows.forEach((row, n) => {
    const key = `${row.kind}:${row.region.start}:${row.region.end}:${row.region.label}`;
    const kept = (spare.get(key) || []).shift();
    const li = kept || listRow(row, view, info);
    li.dataset.key = key;
    li.dataset.kind = row.kind;
    li.dataset.index = String(row.index);
    if (list.children[n] !== li) list.insertBefore(li, list.children[n] || null);
  });
  for (const left of spare.values()) left.forEach((row) => row.remove());
  markList(list, view);
  list.hidden = rows.length === 0;
}

// Only the selection changed: move the "selected" class, keep the rows.
export function markList(list, view) {
  const chosen = view.selected;
  for (const row of list.children) {
    row.classList.toggle("selected", Boolean(chosen) && row.dataset.kind === chosen.kind && row.dataset.index === String(chosen.index));
  }
}

// One listener for the whole list: select a row, or delete it with its button.
export function listActions(list, actions) {
  list.addEventListener("click", (event) => {
    const row = event.target.closest(".region-row");
    if (!row) return;
    const act = event.target.closest(".region-drop") ? actions.remove : actions.select;
    act(row.dataset.kind, Number(row.dataset.index));
  });
}

function listRow({ region, kind }, view, info) {
  const li = document.createElement("li");
  li.className = `region-row ${kind}`;
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "region-pick";
  pick.appendChild(swatch(colorOf(info, region.label)));
  const name = document.createElement("strong");
  name.textContent = region.label;
  const quote = document.createElement("span");
  const words = view.text.slice(region.start, region.end);
  quote.textContent = ` \u201c${words.length > 80 ? `${words.slice(0, 77)}\u2026` : words}\u201d `;
  const where = document.createElement("span");
  where.className = "muted";
  where.textContent = `${view.toPy(region.start)}\u2013${view.toPy(region.end)}${kind === "suggestion" ? " \u00b7 suggested" : ""}`;
  pick.append(name, quote, where);
  const drop = document.createElement("button");
  drop.type = "button";
  drop.className = "region-drop";
  drop.textContent = "\u00d7";
  drop.setAttribute("aria-label", kind === "item" ? `Delete ${region.label} span` : "Dismiss suggestion");
  li.append(pick, drop);
  return li;
}
