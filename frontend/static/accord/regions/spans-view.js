// Drawing spans over a text: the text is cut at every span, suggestion, selection and caret
// boundary into segments (a few elements per span, never one per character, so 10,000+
// characters stay fast), each styled by the spans covering it. Overlapping spans get stacked
// underlines (one row per overlap level); suggestions are dashed. Text goes in with textContent.

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

function styleSegment(element, covering, info) {
  const layers = covering.map(({ region, row, dashed }) => layer(colorOf(info, region.label), row, dashed));
  element.style.setProperty("background-image", layers.map((l) => l.image).join(", "));
  element.style.setProperty("background-position", layers.map((l) => l.position).join(", "));
  element.style.setProperty("background-size", layers.map((l) => l.size).join(", "));
  const solid = covering.find((c) => !c.dashed);
  if (solid) element.style.setProperty("--tint", colorOf(info, solid.region.label));
  element.classList.add(solid ? "in-span" : "in-suggestion");
}

// Rebuild the text element's children for the current state.
export function drawText(element, view, info) {
  const { text, items, suggestions, selected, range, caret } = view;
  const regions = [
    ...items.map((region, index) => ({ region, kind: "item", index, dashed: false })),
    ...suggestions.map((region, index) => ({ region, kind: "suggestion", index, dashed: true })),
  ];
  const rows = levels(regions.map((r) => r.region));
  regions.forEach((r, i) => { r.row = rows[i]; });
  element.style.setProperty("--rows", String(Math.max(1, ...rows.map((r) => r + 1))));
  const cuts = boundaries(text.length, regions.map((r) => r.region), [range[0], range[1], caret]);
  const fragment = document.createDocumentFragment();
  for (let k = 0; k < cuts.length; k += 1) {
    const [a, b] = [cuts[k], cuts[k + 1]];
    if (a === caret) fragment.appendChild(caretMark());
    if (b === undefined) break;
    fragment.appendChild(segment(text, a, b, regions, view, info));
  }
  element.replaceChildren(fragment);
}

function segment(text, a, b, regions, view, info) {
  const piece = document.createElement("span");
  piece.dataset.start = String(a);
  piece.textContent = text.slice(a, b);
  const covering = regions.filter(({ region }) => region.start <= a && region.end >= b);
  if (covering.length) styleSegment(piece, covering, info);
  const { selected, range } = view;
  if (selected && covering.some((c) => c.kind === selected.kind && c.index === selected.index)) piece.classList.add("selected");
  if (range[0] <= a && b <= range[1] && range[0] < range[1]) piece.classList.add("in-range");
  const ending = covering.filter((c) => c.region.end === b && !c.dashed).map((c) => c.region.label);
  if (ending.length) piece.dataset.tag = ending.join(" ");
  return piece;
}

function caretMark() {
  const mark = document.createElement("span");
  mark.className = "text-caret";
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

// The list under the text: one row per span and per suggestion, click to select.
export function drawList(list, view, info, actions) {
  const rows = [
    ...view.items.map((region, index) => ({ region, kind: "item", index })),
    ...view.suggestions.map((region, index) => ({ region, kind: "suggestion", index })),
  ];
  list.replaceChildren(...rows.map((row) => listRow(row, view, info, actions)));
  list.hidden = rows.length === 0;
}

function listRow({ region, kind, index }, view, info, actions) {
  const li = document.createElement("li");
  li.className = `region-row ${kind}`;
  if (view.selected && view.selected.kind === kind && view.selected.index === index) li.classList.add("selected");
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
  pick.addEventListener("click", () => actions.select(kind, index));
  const drop = document.createElement("button");
  drop.type = "button";
  drop.className = "region-drop";
  drop.textContent = "\u00d7";
  drop.setAttribute("aria-label", kind === "item" ? `Delete ${region.label} span` : "Dismiss suggestion");
  drop.addEventListener("click", () => actions.remove(kind, index));
  li.append(pick, drop);
  return li;
}
