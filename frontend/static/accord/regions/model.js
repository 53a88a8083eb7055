// The state both region screens share: the regions drawn (spans or boxes), the pre-label
// suggestions not yet accepted, the selection, and undo/redo. Geometry stays with each screen;
// every change goes through change() so it can be undone and is drawn once.

import { History } from "./history.js";

const copy = (list) => list.map((region) => ({ ...region }));

export class RegionModel {
  constructor(draw, order) {
    this.draw = draw; // called after every change
    this.order = order || null; // optional sort of items (spans by offset)
    this.history = new History();
    this.readOnly = false;
    this.reset([], []);
  }

  reset(items, suggestions) {
    this.items = copy(items);
    this.suggestions = copy(suggestions);
    this.selected = null; // {kind: "item" | "suggestion", index}
    this.history.reset();
    this.sort();
  }

  snapshot() { return { items: copy(this.items), suggestions: copy(this.suggestions), selected: this.selected }; }

  restore(state) {
    this.items = state.items;
    this.suggestions = state.suggestions;
    this.selected = state.selected;
  }

  sort() {
    if (!this.order) return;
    const chosen = this.current();
    this.items.sort(this.order);
    if (chosen && this.selected.kind === "item") this.selected = { kind: "item", index: this.items.indexOf(chosen) };
  }

  // Run fn(model) as one undoable step; fn returns false when it changed nothing.
  change(fn) {
    if (this.readOnly) return false;
    const before = this.snapshot();
    if (fn(this) === false) return false;
    this.history.push(before);
    this.sort();
    this.draw();
    return true;
  }

  undo() { return this.travel(this.history.undo(this.snapshot())); }
  redo() { return this.travel(this.history.redo(this.snapshot())); }

  travel(state) {
    if (!state) return false;
    this.restore(state);
    this.draw();
    return true;
  }

  current() {
    if (!this.selected) return null;
    const list = this.selected.kind === "item" ? this.items : this.suggestions;
    return list[this.selected.index] || null;
  }

  select(kind, index) {
    this.selected = kind === null ? null : { kind, index };
    this.draw("select"); // only the selection changed: screens may restyle instead of rebuild
  }

  // Tab order: the regions, then the suggestions. Past either end it deselects and returns
  // false, so the key moves focus on as usual (the screen never traps the keyboard).
  cycle(step) {
    const all = [...this.items.map((_, i) => ["item", i]), ...this.suggestions.map((_, i) => ["suggestion", i])];
    const at = this.selected ? all.findIndex(([k, i]) => k === this.selected.kind && i === this.selected.index) : -1;
    const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : at + step;
    if (next < 0 || next >= all.length) {
      if (this.selected) this.select(null);
      return false;
    }
    this.select(...all[next]);
    return true;
  }

  add(region) {
    return this.change((m) => {
      m.items.push({ ...region });
      m.selected = { kind: "item", index: m.items.length - 1 };
    });
  }

  // Delete the selected region, or dismiss the selected suggestion.
  removeSelected() {
    if (!this.current()) return false;
    return this.change((m) => {
      const list = m.selected.kind === "item" ? m.items : m.suggestions;
      list.splice(m.selected.index, 1);
      m.selected = null;
    });
  }

  // A label for the selection: relabel the region, or accept the suggestion with this label.
  labelSelected(label) {
    const region = this.current();
    if (!region) return false;
    if (this.selected.kind === "suggestion") return this.acceptSelected(label);
    if (region.label === label) return true;
    return this.change(() => { region.label = label; });
  }

  acceptSelected(label) {
    return this.change((m) => {
      const [taken] = m.suggestions.splice(m.selected.index, 1);
      m.items.push({ ...taken, label: label || taken.label });
      m.selected = { kind: "item", index: m.items.length - 1 };
    });
  }

  // The accept key: the selected suggestion if one is selected, else every suggestion.
  accept() {
    if (this.selected && this.selected.kind === "suggestion") return this.acceptSelected();
    if (!this.suggestions.length) return false;
    return this.change((m) => {
      m.items.push(...m.suggestions);
      m.suggestions = [];
      m.selected = null;
    });
  }

  // Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y; true when the key was one of them.
  historyKey(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return false;
    const key = event.key.toLowerCase();
    if (key === "z") { if (event.shiftKey) this.redo(); else this.undo(); return true; }
    if (key === "y") { this.redo(); return true; }
    return false;
  }
}
