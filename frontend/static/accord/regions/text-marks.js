// The caret and the keyboard selection over the span text, drawn without touching the text's
// segments: the selection as a CSS custom highlight (the native selection where the browser
// has none), the caret as one absolutely placed element. Offsets are UTF-16, as in the view.

const HIGHLIGHT = "accord-span-range";

export class TextMarks {
  constructor(textBox) {
    this.textBox = textBox;
    this.caret = document.createElement("span");
    this.caret.className = "text-caret";
    this.caret.setAttribute("aria-hidden", "true");
  }

  // The text node and offset inside it holding UTF-16 offset `unit` (segments carry data-start).
  locate(unit) {
    const pieces = this.textBox.children;
    let low = 0;
    let high = pieces.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (Number(pieces[mid].dataset.start) <= unit) low = mid; else high = mid - 1;
    }
    const piece = pieces[low];
    if (!piece || !piece.firstChild) return [this.textBox, 0];
    return [piece.firstChild, Math.min(unit - Number(piece.dataset.start), piece.firstChild.length)];
  }

  rangeOf(a, b) {
    const range = document.createRange();
    range.setStart(...this.locate(a));
    range.setEnd(...this.locate(b));
    return range;
  }

  // Draw the selection [a, b) and the caret at `caret` (scrolled into view with `reveal`);
  // call after every redraw of the text.
  draw([a, b], caret, reveal = false) {
    if (typeof Highlight === "function" && CSS.highlights) {
      if (a < b) CSS.highlights.set(HIGHLIGHT, new Highlight(this.rangeOf(a, b)));
      else CSS.highlights.delete(HIGHLIGHT);
    } else if (a < b && document.activeElement === this.textBox) {
      const range = this.rangeOf(a, b);
      window.getSelection().setBaseAndExtent(range.startContainer, range.startOffset, range.endContainer, range.endOffset);
    }
    this.placeCaret(caret, reveal);
  }

  placeCaret(unit, reveal = false) {
    const rects = this.rangeOf(unit, unit).getClientRects();
    const box = this.textBox.getBoundingClientRect();
    const rect = rects[rects.length - 1] || box;
    if (reveal && (rect.top < box.top || rect.bottom > box.bottom)) {
      // Keep a moving caret in view; the scroll event places it again.
      this.textBox.scrollTop += rect.top < box.top ? rect.top - box.top - 8 : rect.bottom - box.bottom + 8;
      return;
    }
    if (this.caret.parentNode !== this.textBox.parentNode) this.textBox.after(this.caret);
    const host = this.caret.offsetParent ? this.caret.offsetParent.getBoundingClientRect() : box;
    this.caret.style.setProperty("left", `${rect.left - host.left}px`);
    this.caret.style.setProperty("top", `${rect.top - host.top}px`);
    this.caret.style.setProperty("height", `${rect.height || 20}px`);
    this.caret.hidden = rect.top < box.top || rect.bottom > box.bottom; // scrolled out of view
  }
}
