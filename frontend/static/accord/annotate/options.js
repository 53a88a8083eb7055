// The label buttons of single, multi and rating items (hotkeys from the schema; a rating's
// digits are its own keys), and the lines they add to the keys dialog.
export function optionsOf(config) {
  if (config.kind === "rating") {
    const out = [];
    for (let r = config.scale.min; r <= config.scale.max; r += 1) {
      out.push({ value: String(r), hotkey: r >= 0 && r <= 9 ? String(r) : "", description: "" });
    }
    return out;
  }
  return config.labels;
}

function keyHint(text) {
  const key = document.createElement("kbd");
  key.textContent = text;
  return key;
}

export function buildOptions(config, { box, legend, keysList, onPick, withButtons }) {
  legend.textContent = config.kind === "multi" ? "Labels (pick any)" : config.kind === "rating" ? "Rating" : "Label";
  for (const option of optionsOf(config)) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "label-option";
    button.dataset.value = option.value;
    button.setAttribute("aria-pressed", "false");
    const name = document.createElement("span");
    name.textContent = option.value;
    button.appendChild(name);
    if (option.hotkey) button.appendChild(keyHint(option.hotkey));
    if (option.description) button.title = option.description;
    button.addEventListener("click", () => onPick(option.value));
    if (withButtons) box.appendChild(button);
    if (option.hotkey) {
      const li = document.createElement("li");
      li.appendChild(keyHint(option.hotkey));
      li.appendChild(document.createTextNode(" " + option.value));
      keysList.appendChild(li);
    }
  }
}

export function selectionOf(value) {
  if (!value) return [];
  if (Array.isArray(value.labels)) return value.labels.map(String);
  if (value.label !== undefined) return [String(value.label)];
  if (value.rating !== undefined) return [String(value.rating)];
  return [];
}
