// Zoom and pan for an image item: the wheel zooms about the pointer, dragging pans, a click
// or Z toggles between fit and twice that, arrows pan while the image has focus.
// The same view transform as the boxes component (regions/boxes.js): translate, then scale.
const STEP = 1.2;
const PAN = 40;

export function zoomAbout(view, factor, cx, cy) {
  const scale = Math.max(0.05, Math.min(32, view.scale * factor));
  const ix = (cx - view.x) / view.scale;
  const iy = (cy - view.y) / view.scale;
  return { scale, x: cx - ix * scale, y: cy - iy * scale };
}

export function mountZoom(viewport, image, note) {
  let view = { scale: 1, x: 0, y: 0 };
  let fitScale = 1;
  let drag = null;

  function draw() {
    image.style.setProperty("transform", `translate(${view.x}px, ${view.y}px) scale(${view.scale})`);
    const zoomed = view.scale > fitScale * 1.01;
    viewport.classList.toggle("zoomed", zoomed);
    note.textContent = `Zoom ${Math.round((100 * view.scale) / fitScale)}%`;
  }

  function fit() {
    const { width, height } = viewport.getBoundingClientRect();
    const [w, h] = [image.naturalWidth || 1, image.naturalHeight || 1];
    fitScale = Math.min(width / w, height / h, 1) || 1;
    view = { scale: fitScale, x: (width - w * fitScale) / 2, y: (height - h * fitScale) / 2 };
    draw();
  }

  function zoom(factor, px, py) {
    const { width, height } = viewport.getBoundingClientRect();
    view = zoomAbout(view, factor, px ?? width / 2, py ?? height / 2);
    draw();
  }

  function toggle() {
    if (view.scale > fitScale * 1.01) fit(); else zoom(2);
  }

  viewport.addEventListener("wheel", (event) => {
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    zoom(event.deltaY < 0 ? STEP : 1 / STEP, event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });
  viewport.addEventListener("pointerdown", (event) => {
    drag = { x: event.clientX, y: event.clientY, view, moved: false };
    viewport.setPointerCapture(event.pointerId);
  });
  viewport.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const [dx, dy] = [event.clientX - drag.x, event.clientY - drag.y];
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) { view = { ...drag.view, x: drag.view.x + dx, y: drag.view.y + dy }; draw(); }
  });
  viewport.addEventListener("pointerup", () => {
    if (drag && !drag.moved) toggle();
    drag = null;
  });
  viewport.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [PAN, 0], ArrowRight: [-PAN, 0], ArrowUp: [0, PAN], ArrowDown: [0, -PAN] };
    if (moves[event.key]) {
      event.preventDefault();
      view = { ...view, x: view.x + moves[event.key][0], y: view.y + moves[event.key][1] };
      draw();
    }
  });
  image.addEventListener("load", fit);
  // A resized window refits, unless the annotator has zoomed in.
  new ResizeObserver(() => { if (image.naturalWidth && view.scale <= fitScale * 1.01) fit(); }).observe(viewport);
  return { toggle, fit, view: () => ({ ...view, fit: fitScale }) };
}
