// Mouse and pen on the box screen: draw on empty image, move a box by its body, resize by a
// handle, pan with space held (or the middle button). A drag is one undoable step: the box
// changes live while dragging and the step is recorded when the button comes up.

const MIN_SIZE = 3; // image px: smaller drags are clicks, not boxes

export function attachPointer({ viewport, svg, state, model, toImage, draw, normalised, moved, resized }) {
  let drag = null;

  function start(event) {
    if (event.button !== 0 && event.button !== 1) return;
    viewport.focus({ preventScroll: true });
    const [ix, iy] = toImage(event);
    const target = event.target;
    if (state.panning || event.button === 1) {
      drag = { mode: "pan", x: event.clientX, y: event.clientY, view: { ...state.view } };
    } else if (target.dataset && target.dataset.handle && model.current() && !model.readOnly) {
      drag = { mode: "resize", handle: target.dataset.handle, ix, iy, before: model.snapshot(), box: { ...model.current() } };
    } else if (target.dataset && target.dataset.kind) {
      model.select(target.dataset.kind, Number(target.dataset.index));
      if (target.dataset.kind !== "item" || model.readOnly) return;
      drag = { mode: "move", ix, iy, before: model.snapshot(), box: { ...model.current() } };
    } else if (model.readOnly) {
      model.select(null); // a read-only view selects and pans, and never changes a box
      return;
    } else {
      model.selected = null;
      drag = { mode: "draw", ix, iy };
    }
    viewport.setPointerCapture(event.pointerId);
    event.preventDefault();
  }

  function move(event) {
    if (!drag) return;
    const { width, height } = state.size;
    if (drag.mode === "pan") {
      state.view = { ...drag.view, x: drag.view.x + event.clientX - drag.x, y: drag.view.y + event.clientY - drag.y };
      state.fitted = false;
      draw();
      return;
    }
    const [ix, iy] = toImage(event);
    if (drag.mode === "draw") {
      state.draft = normalised(drag.ix, drag.iy, ix, iy, width, height);
    } else if (model.selected) {
      const change = drag.mode === "move" ? moved(drag.box, ix - drag.ix, iy - drag.iy, width, height)
        : resized(drag.box, drag.handle, ix - drag.ix, iy - drag.iy, width, height);
      model.items[model.selected.index] = change;
    }
    draw();
  }

  function finish() {
    if (!drag) return;
    const done = drag;
    drag = null;
    if (done.mode === "draw") {
      const draft = state.draft;
      state.draft = null;
      if (draft && draft.width >= MIN_SIZE && draft.height >= MIN_SIZE) model.add({ ...draft, label: state.label });
      else draw();
    } else if (done.mode !== "pan" && model.current()) {
      const after = model.current();
      const same = ["x", "y", "width", "height"].every((key) => after[key] === done.box[key]);
      if (!same) model.history.push(done.before);
    }
  }

  viewport.addEventListener("pointerdown", start);
  viewport.addEventListener("pointermove", move);
  viewport.addEventListener("pointerup", finish);
  viewport.addEventListener("pointercancel", finish);
  svg.addEventListener("dragstart", (event) => event.preventDefault());
}
