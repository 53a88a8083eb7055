// Box arithmetic in image pixels. Stored coordinates are whole pixels: every box is rounded
// to integers and kept inside the image (at least 1 px wide and high).

export function normalised(x1, y1, x2, y2, width, height) {
  const left = Math.max(0, Math.min(width, Math.round(Math.min(x1, x2))));
  const top = Math.max(0, Math.min(height, Math.round(Math.min(y1, y2))));
  const right = Math.max(0, Math.min(width, Math.round(Math.max(x1, x2))));
  const bottom = Math.max(0, Math.min(height, Math.round(Math.max(y1, y2))));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

// Move keeping the size, clamped inside the image.
export function moved(box, dx, dy, width, height) {
  const x = Math.max(0, Math.min(width - box.width, Math.round(box.x + dx)));
  const y = Math.max(0, Math.min(height - box.height, Math.round(box.y + dy)));
  return { ...box, x, y };
}

// Drag one handle (n, se, w, ...) by (dx, dy); the opposite edges stay put.
export function resized(box, handle, dx, dy, width, height) {
  let [x1, y1, x2, y2] = [box.x, box.y, box.x + box.width, box.y + box.height];
  if (handle.includes("w")) x1 += dx;
  if (handle.includes("e")) x2 += dx;
  if (handle.includes("n")) y1 += dy;
  if (handle.includes("s")) y2 += dy;
  const next = normalised(x1, y1, x2, y2, width, height);
  if (next.width < 1 || next.height < 1) return box;
  return { ...box, ...next };
}

// A new box centred on (cx, cy), a fifth of the visible size, inside the image.
export function centred(cx, cy, visibleWidth, visibleHeight, width, height) {
  const w = Math.max(4, Math.round(Math.min(visibleWidth, width) / 5));
  const h = Math.max(4, Math.round(Math.min(visibleHeight, height) / 5));
  return moved({ x: 0, y: 0, width: Math.min(w, width), height: Math.min(h, height) }, cx - w / 2, cy - h / 2, width, height);
}
