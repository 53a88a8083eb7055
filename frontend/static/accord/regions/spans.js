// The span screen: select text with the mouse (snapped to words unless character precision
// is on) or the keyboard (arrows move a caret by word, shift extends), then a label hotkey or
// a legend button labels it. Click a span (or Tab to it) to select it; its hotkey relabels it
// and Backspace/Delete removes it. Values leave as Python code-point offsets.

import { buildLegend, hotkeyLabel, hotkeyMap, labelInfo } from "./palette.js";
import { RegionModel } from "./model.js";
import { drawList, drawText, listActions, markList } from "./spans-view.js";
import { TextIndex } from "./text-offsets.js";
import { TextMarks } from "./text-marks.js";

const PRECISION_KEY = "accord.spans.characters";

function element(tag, className, parent) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (parent) parent.appendChild(made);
  return made;
}

export function mountSpans(host, config) {
  const info = labelInfo(config.labels);
  const hotkeys = hotkeyMap(config.labels);
  const tools = element("div", "region-tools", host);
  const textBox = element("div", "span-text", host);
  textBox.tabIndex = 0;
  textBox.setAttribute("aria-label", "Text to label: arrows move by word, shift+arrows select, a label key labels");
  const list = element("ol", "region-list", host);
  const marks = new TextMarks(textBox);
  listActions(list, {
    select: (kind, i) => { model.select(kind, i); textBox.focus({ preventScroll: true }); },
    remove: (kind, i) => { model.selected = { kind, index: i }; model.removeSelected(); },
  });
  textBox.addEventListener("scroll", () => marks.placeCaret(view.caret), { passive: true });
  const view = { text: "", items: [], suggestions: [], selected: null, range: [0, 0], caret: 0, toPy: (u) => u };
  let index = new TextIndex("");
  let anchor = 0;
  const model = new RegionModel(draw, (a, b) => a.start - b.start || a.end - b.end);

  buildLegend(tools, info, (label) => { applyLabel(label); textBox.focus({ preventScroll: true }); });
  const precision = element("label", "inline region-precision", tools);
  const toggle = element("input", "", precision);
  toggle.type = "checkbox";
  toggle.checked = localStorage.getItem(PRECISION_KEY) === "1" || Boolean(config.characterPrecision);
  precision.appendChild(document.createTextNode(" Character precision"));
  toggle.addEventListener("change", () => localStorage.setItem(PRECISION_KEY, toggle.checked ? "1" : "0"));

  function draw(reason) {
    Object.assign(view, { items: model.items, suggestions: model.suggestions, selected: model.selected });
    drawText(textBox, view, info);
    if (reason === "select") markList(list, view); else drawList(list, view, info);
    if (reason === "select" && model.selected) {
      const shown = textBox.querySelector(".selected");
      if (shown) shown.scrollIntoView({ block: "nearest" });
    }
    marks.draw(view.range, view.caret);
  }

  // Caret and selection moves redraw only the marks, unless a span was selected (its outline).
  function drawMarks(hadSelection) {
    if (hadSelection) draw();
    marks.draw(view.range, view.caret, true);
  }

  function setCaret(unit, extend) {
    view.caret = index.clamp(unit);
    if (!extend) anchor = view.caret;
    view.range = [Math.min(anchor, view.caret), Math.max(anchor, view.caret)];
    const hadSelection = model.selected !== null;
    model.selected = null;
    drawMarks(hadSelection);
  }

  function applyLabel(label) {
    if (model.current()) return model.labelSelected(label);
    const [start, end] = index.snap(view.range[0], view.range[1], !toggle.checked);
    if (start >= end) return false;
    if (model.items.some((s) => s.start === start && s.end === end && s.label === label)) return true;
    view.range = [end, end];
    view.caret = anchor = end;
    return model.add({ start, end, label });
  }

  function caretKey(event) {
    const words = !toggle.checked;
    const moves = {
      ArrowRight: () => (words ? index.nextWordEnd(view.caret) : index.nextChar(view.caret)),
      ArrowLeft: () => (words ? index.prevWordStart(view.caret) : index.prevChar(view.caret)),
      Home: () => 0,
      End: () => view.text.length,
    };
    if (!moves[event.key] || event.ctrlKey || event.metaKey || event.altKey) return false;
    setCaret(moves[event.key](), event.shiftKey);
    return true;
  }

  function handleKey(event) {
    if (model.historyKey(event)) return true;
    if (caretKey(event)) return true;
    const label = hotkeyLabel(hotkeys, event);
    if (label !== undefined) { applyLabel(label); return true; }
    if (event.key === "Backspace" || event.key === "Delete") return model.removeSelected() || true;
    // Tab walks the regions only from inside the screen, so it still reaches the buttons.
    const inside = host.contains(event.target) || event.target === document.body;
    if (event.key === "Tab" && inside && !event.ctrlKey && !event.altKey) return model.cycle(event.shiftKey ? -1 : 1);
    if (event.key === "Escape" && (model.selected || view.range[0] < view.range[1])) {
      setCaret(view.caret, false);
      return true;
    }
    return false;
  }

  // Offset (UTF-16) of a DOM position inside the text box: the text before it.
  function offsetOf(node, offset) {
    if (!textBox.contains(node)) {
      const after = textBox.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING;
      return after ? view.text.length : 0;
    }
    const before = document.createRange();
    before.setStart(textBox, 0);
    before.setEnd(node, offset);
    return before.toString().length;
  }

  function spanAt(unit) {
    const hit = (list) => list.map((r, i) => [r, i]).filter(([r]) => r.start <= unit && unit < r.end)
      .sort(([a], [b]) => (a.end - a.start) - (b.end - b.start));
    const covering = [...hit(model.items).map(([, i]) => ["item", i]), ...hit(model.suggestions).map(([, i]) => ["suggestion", i])];
    if (!covering.length) return null;
    const at = covering.findIndex(([k, i]) => model.selected && model.selected.kind === k && model.selected.index === i);
    return covering[(at + 1) % covering.length]; // a second click reaches the span beneath
  }

  textBox.addEventListener("mouseup", () => {
    const chosen = window.getSelection();
    if (!chosen.rangeCount || !(textBox.contains(chosen.anchorNode) || textBox.contains(chosen.focusNode))) return;
    const a = offsetOf(chosen.anchorNode, chosen.anchorOffset);
    const b = offsetOf(chosen.focusNode, chosen.focusOffset);
    chosen.removeAllRanges();
    if (a === b) {
      const found = spanAt(a);
      if (found) { model.select(...found); return; }
      setCaret(a, false);
      return;
    }
    const [start, end] = index.snap(a, b, !toggle.checked);
    anchor = start;
    view.caret = end;
    view.range = [start, end];
    const hadSelection = model.selected !== null;
    model.selected = null;
    drawMarks(hadSelection);
  });

  return {
    model,
    load(item, value, suggestion) {
      const text = item.data && typeof item.data.text === "string" ? item.data.text : "";
      index = new TextIndex(text);
      textBox.replaceChildren(); // a new text: no segment or row of the last one is reused
      list.replaceChildren();
      Object.assign(view, { text, range: [0, 0], caret: 0, toPy: (u) => index.toPy(u) });
      anchor = 0;
      const fromPy = (spans) => (Array.isArray(spans) ? spans : []).filter((s) => s && Number.isInteger(s.start) && Number.isInteger(s.end)).map((s) => ({ start: index.toJs(s.start), end: index.toJs(s.end), label: s.label }));
      model.reset(fromPy(value && value.spans), fromPy(suggestion && suggestion.value && suggestion.value.spans));
      draw();
    },
    value() {
      const spans = model.items.map((s) => ({ start: index.toPy(s.start), end: index.toPy(s.end), label: s.label }));
      return { spans };
    },
    handleKey,
    accept: () => model.accept(),
    focus: () => textBox.focus({ preventScroll: true }),
  };
}
