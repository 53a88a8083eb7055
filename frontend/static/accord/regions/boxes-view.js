// Drawing boxes: an SVG overlay the size of the viewport whose viewBox is the visible part of
// the image, so every shape is in image pixels at any zoom and only the overlay redraws on a
// key press (the image is one transformed <img>, never re-rasterised by an edit).

import { colorOf, swatch } from "./palette.js";

const SVG = "http://www.w3.org/2000/svg";
export const HANDLES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

function shape(tag, attributes, parent) {
  const made = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
  parent.appendChild(made);
  return made;
}

function handlePoint(box, name) {
  const x = name.includes("w") ? box.x : name.includes("e") ? box.x + box.width : box.x + box.width / 2;
  const y = name.includes("n") ? box.y : name.includes("s") ? box.y + box.height : box.y + box.height / 2;
  return [x, y];
}

function drawBox(layer, box, { kind, index, selected, color, scale }) {
  const group = shape("g", { class: `box ${kind}${selected ? " selected" : ""}` }, layer);
  shape("rect", {
    x: box.x, y: box.y, width: box.width, height: box.height,
    stroke: color, "data-kind": kind, "data-index": index,
  }, group);
  const tag = shape("text", { x: box.x + 3 / scale, y: box.y + 13 / scale, "font-size": 12 / scale, fill: color }, group);
  tag.textContent = box.label;
  if (!selected || kind !== "item") return;
  const size = 9 / scale;
  for (const name of HANDLES) {
    const [x, y] = handlePoint(box, name);
    shape("rect", {
      class: `handle handle-${name}`, x: x - size / 2, y: y - size / 2, width: size, height: size, "data-handle": name,
    }, group);
  }
}

// Redraw the overlay: viewBox from the view transform, then suggestions, boxes, the draft.
export function drawBoxes(svg, state, info) {
  const { view, model, draft } = state;
  const rect = svg.getBoundingClientRect();
  svg.setAttribute("viewBox", `${-view.x / view.scale} ${-view.y / view.scale} ${rect.width / view.scale} ${rect.height / view.scale}`);
  const layer = document.createElementNS(SVG, "g");
  const chosen = model.selected;
  const draw = (kind) => (box, index) => drawBox(layer, box, {
    kind, index, scale: view.scale, color: colorOf(info, box.label),
    selected: Boolean(chosen && chosen.kind === kind && chosen.index === index),
  });
  model.suggestions.forEach(draw("suggestion"));
  model.items.forEach(draw("item"));
  if (draft) shape("rect", { class: "draft", x: draft.x, y: draft.y, width: draft.width, height: draft.height }, layer);
  svg.replaceChildren(layer);
}

// The list beside the image: label, position and size in image pixels, a delete button.
export function drawBoxList(list, model, info, actions) {
  const rows = [
    ...model.items.map((box, index) => ["item", box, index]),
    ...model.suggestions.map((box, index) => ["suggestion", box, index]),
  ];
  list.replaceChildren(...rows.map(([kind, box, index]) => {
    const li = document.createElement("li");
    li.className = `region-row ${kind}`;
    if (model.selected && model.selected.kind === kind && model.selected.index === index) li.classList.add("selected");
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "region-pick";
    const name = document.createElement("strong");
    name.textContent = box.label;
    const where = document.createElement("span");
    where.className = "muted";
    where.textContent = ` ${box.x}, ${box.y} \u00b7 ${box.width}\u00d7${box.height}${kind === "suggestion" ? " \u00b7 suggested" : ""}`;
    pick.append(swatch(colorOf(info, box.label)), name, where);
    pick.addEventListener("click", () => actions.select(kind, index));
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "region-drop";
    drop.textContent = "\u00d7";
    drop.setAttribute("aria-label", kind === "item" ? `Delete ${box.label} box` : "Dismiss suggestion");
    drop.addEventListener("click", () => actions.remove(kind, index));
    li.append(pick, drop);
    return li;
  }));
  list.hidden = rows.length === 0;
}
