// The box screen: drag on the image to draw, drag a box to move it, drag a handle to resize;
// keys: a label hotkey relabels the selected box (or adds a box there with no selection),
// arrows nudge (shift: 10 px), ctrl+arrows resize, Delete removes, Tab cycles, +/- zoom,
// 0 fits, space+drag pans. Everything is stored in whole image pixels at any zoom.

import { buildLegend, hotkeyLabel, hotkeyMap, labelInfo } from "./palette.js";
import { RegionModel } from "./model.js";
import { drawBoxList, drawBoxes } from "./boxes-view.js";
import { centred, moved, normalised, resized } from "./box-geometry.js";
import { attachPointer } from "./boxes-pointer.js";

const ZOOM_STEP = 1.25;

function element(tag, className, parent) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (parent) parent.appendChild(made);
  return made;
}

export function mountBoxes(host, config) {
  const info = labelInfo(config.labels);
  const hotkeys = hotkeyMap(config.labels);
  const layout = element("div", "boxes-layout", host);
  const viewport = element("div", "boxes-viewport", layout);
  viewport.tabIndex = 0;
  viewport.setAttribute("aria-label", "Image: drag to draw a box; a label key adds or relabels a box");
  const image = element("img", "boxes-image", viewport);
  image.alt = "Item image";
  image.draggable = false;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.classList.add("boxes-overlay");
  viewport.appendChild(svg);
  const side = element("div", "boxes-side", layout);
  // A legend click relabels the selected box, or chooses the label that drawing uses next.
  const legend = buildLegend(side, info, (label) => {
    if (model.current()) applyLabel(label); else drawWith(label);
    viewport.focus({ preventScroll: true });
  });
  const zoomNote = element("p", "muted boxes-zoom", side);
  const list = element("ol", "region-list", side);
  const state = { view: { scale: 1, x: 0, y: 0 }, size: { width: 1, height: 1 }, draft: null, panning: false, label: config.labels[0].value };
  const model = new RegionModel(draw);
  state.model = model;

  function draw() {
    image.style.setProperty("transform", `translate(${state.view.x}px, ${state.view.y}px) scale(${state.view.scale})`);
    drawBoxes(svg, state, info);
    drawBoxList(list, model, info, {
      select: (kind, i) => { model.select(kind, i); viewport.focus({ preventScroll: true }); },
      remove: (kind, i) => { model.selected = { kind, index: i }; model.removeSelected(); },
    });
    zoomNote.textContent = `Zoom ${Math.round(state.view.scale * 100)}% \u00b7 ${state.size.width}\u00d7${state.size.height} px`;
  }

  function fit() {
    const { width, height } = viewport.getBoundingClientRect();
    const scale = Math.min(width / state.size.width, height / state.size.height) || 1;
    state.view = { scale, x: (width - state.size.width * scale) / 2, y: (height - state.size.height * scale) / 2 };
    state.fitted = true; // until the user zooms or pans, a resized viewport refits
    draw();
  }

  // Zoom by factor keeping the image point under (px, py) (viewport pixels) in place.
  function zoom(factor, px, py) {
    const { width, height } = viewport.getBoundingClientRect();
    const [cx, cy] = [px ?? width / 2, py ?? height / 2];
    const scale = Math.max(0.02, Math.min(32, state.view.scale * factor));
    const ix = (cx - state.view.x) / state.view.scale;
    const iy = (cy - state.view.y) / state.view.scale;
    state.view = { scale, x: cx - ix * scale, y: cy - iy * scale };
    state.fitted = false;
    draw();
  }

  // The image pixel under a pointer event (fractional; rounding happens on store).
  function toImage(event) {
    const rect = viewport.getBoundingClientRect();
    return [(event.clientX - rect.left - state.view.x) / state.view.scale, (event.clientY - rect.top - state.view.y) / state.view.scale];
  }

  function visibleCentre() {
    const { width, height } = viewport.getBoundingClientRect();
    return [(width / 2 - state.view.x) / state.view.scale, (height / 2 - state.view.y) / state.view.scale, width / state.view.scale, height / state.view.scale];
  }

  function drawWith(label) {
    state.label = label;
    for (const button of legend.children) button.setAttribute("aria-pressed", String(button.dataset.value === label));
  }

  function applyLabel(label) {
    drawWith(label);
    if (model.current()) return model.labelSelected(label);
    const [cx, cy, vw, vh] = visibleCentre();
    return model.add({ ...centred(cx, cy, vw, vh, state.size.width, state.size.height), label });
  }

  function editSelected(edit) {
    const box = model.current();
    if (!box || model.selected.kind !== "item") return false;
    const next = edit(box);
    return model.change((m) => { m.items[m.selected.index] = next; });
  }

  function arrowKey(event) {
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!steps[event.key] || event.altKey || event.metaKey) return false;
    const by = event.shiftKey ? 10 : 1;
    const [dx, dy] = steps[event.key].map((step) => step * by);
    const { width, height } = state.size;
    if (event.ctrlKey) return editSelected((box) => resized(box, "se", dx, dy, width, height)) || true;
    return editSelected((box) => moved(box, dx, dy, width, height)) || true;
  }

  function handleKey(event) {
    if (model.historyKey(event)) return true;
    if (arrowKey(event)) return true;
    const label = hotkeyLabel(hotkeys, event);
    if (label !== undefined) { applyLabel(label); return true; }
    if (event.key === "Backspace" || event.key === "Delete") return model.removeSelected() || true;
    // Tab walks the regions only from inside the screen, so it still reaches the buttons.
    const inside = host.contains(event.target) || event.target === document.body;
    if (event.key === "Tab" && inside && !event.ctrlKey && !event.altKey) return model.cycle(event.shiftKey ? -1 : 1);
    if (event.key === "Escape" && model.selected) { model.select(null); return true; }
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    if (event.key === "+" || event.key === "=") { zoom(ZOOM_STEP); return true; }
    if (event.key === "-") { zoom(1 / ZOOM_STEP); return true; }
    if (event.key === "0") { fit(); return true; }
    if (event.key === " " && !event.target.closest("button, a, input")) { state.panning = true; viewport.classList.add("panning"); return true; }
    return false;
  }

  document.addEventListener("keyup", (event) => {
    if (event.key === " ") { state.panning = false; viewport.classList.remove("panning"); }
  });
  viewport.addEventListener("wheel", (event) => {
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    zoom(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });
  attachPointer({ viewport, svg, state, model, toImage, draw, normalised, moved, resized });
  new ResizeObserver(() => (state.fitted ? fit() : draw())).observe(viewport);

  return {
    model,
    load(item, value, suggestion) {
      state.size = { width: item.width || 1, height: item.height || 1 };
      const boxes = (found) => (Array.isArray(found) ? found : []).filter((b) => b && ["x", "y", "width", "height"].every((k) => Number.isFinite(b[k]))).map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height, label: b.label }));
      model.reset(boxes(value && value.boxes), boxes(suggestion && suggestion.value && suggestion.value.boxes));
      if (!item.width || !item.height) {
        // No stored size: take the image's own once it loads.
        image.addEventListener("load", () => {
          state.size = { width: image.naturalWidth, height: image.naturalHeight };
          image.style.setProperty("width", `${state.size.width}px`);
          image.style.setProperty("height", `${state.size.height}px`);
          fit();
        }, { once: true });
      }
      if (item.image_url) image.src = item.image_url; else image.removeAttribute("src");
      image.style.setProperty("width", `${state.size.width}px`);
      image.style.setProperty("height", `${state.size.height}px`);
      fit();
      drawWith(state.label);
    },
    value: () => ({ boxes: model.items.map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height, label: b.label })) }),
    handleKey,
    accept: () => model.accept(),
    focus: () => viewport.focus({ preventScroll: true }),
  };
}
