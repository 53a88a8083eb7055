// Label colours, hotkeys and the legend shared by the span and box screens.
// Colours come from the schema (label.color) when the browser accepts them as CSS colours,
// else from a fixed colour-blind-safe palette (Okabe & Ito, 2008), by the label's position.

export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#6B4C9A", "#4D4D4D"];

export function labelInfo(labels) {
  const info = new Map();
  labels.forEach((label, index) => {
    const own = label.color && CSS.supports("color", label.color) ? label.color : "";
    info.set(label.value, { ...label, color: own || PALETTE[index % PALETTE.length], index });
  });
  return info;
}

export function colorOf(info, value) {
  const found = info.get(value);
  return found ? found.color : "#777";
}

export function hotkeyMap(labels) {
  return new Map(labels.filter((l) => l.hotkey).map((l) => [l.hotkey.toLowerCase(), l.value]));
}

// The label of a keydown, or undefined: plain keys only (modifiers belong to other shortcuts).
export function hotkeyLabel(hotkeys, event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return undefined;
  return hotkeys.get(event.key.toLowerCase());
}

export function swatch(color) {
  const mark = document.createElement("span");
  mark.className = "swatch";
  mark.style.setProperty("background-color", color);
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

// One button per label: colour, name and hotkey; clicking applies the label (onPick).
export function buildLegend(host, info, onPick) {
  const legend = document.createElement("div");
  legend.className = "region-legend";
  legend.setAttribute("role", "group");
  legend.setAttribute("aria-label", "Labels");
  for (const label of info.values()) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "region-label";
    button.dataset.value = label.value;
    button.appendChild(swatch(label.color));
    button.appendChild(document.createTextNode(label.value));
    if (label.hotkey) {
      const key = document.createElement("kbd");
      key.textContent = label.hotkey;
      button.appendChild(key);
    }
    if (label.description) button.title = label.description;
    button.addEventListener("click", () => onPick(label.value));
    legend.appendChild(button);
  }
  host.appendChild(legend);
  return legend;
}
