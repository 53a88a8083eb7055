// Offsets in a text: JavaScript strings count UTF-16 units, the stored values count Python
// str indices (code points), so an emoji is 2 here and 1 there. The screen works in UTF-16
// and converts at the edges (load and value). Words are runs of letters, digits and marks
// (an inner apostrophe kept: "O'Brien"), found once per text.

const WORD = /[\p{L}\p{N}\p{M}_]+(?:['\u2019][\p{L}\p{N}\p{M}_]+)*/gu;

export class TextIndex {
  constructor(text) {
    this.text = text;
    this.toPyAt = new Uint32Array(text.length + 1);
    this.toJsAt = [];
    let point = 0;
    for (let unit = 0; unit <= text.length; unit += 1) {
      this.toPyAt[unit] = point;
      if (unit < text.length && !this.isLowSurrogate(unit)) { this.toJsAt.push(unit); point += 1; }
    }
    this.toJsAt.push(text.length);
    this.starts = [];
    this.ends = [];
    for (const match of text.matchAll(WORD)) {
      this.starts.push(match.index);
      this.ends.push(match.index + match[0].length);
    }
  }

  isLowSurrogate(unit) {
    const code = this.text.charCodeAt(unit);
    return code >= 0xdc00 && code <= 0xdfff && unit > 0 && this.isHigh(unit - 1);
  }

  isHigh(unit) {
    const code = this.text.charCodeAt(unit);
    return code >= 0xd800 && code <= 0xdbff;
  }

  toPy(unit) { return this.toPyAt[unit]; }
  toJs(point) { return this.toJsAt[Math.min(point, this.toJsAt.length - 1)]; }

  // Never between the two halves of a surrogate pair.
  clamp(unit) {
    const at = Math.max(0, Math.min(this.text.length, unit));
    return at < this.text.length && this.isLowSurrogate(at) ? at - 1 : at;
  }

  nextChar(unit) { return unit >= this.text.length ? unit : unit + (this.isHigh(unit) ? 2 : 1); }
  prevChar(unit) { return unit <= 0 ? 0 : this.clamp(unit - 1); }

  // The index of the last word starting at or before unit (binary search), or -1.
  wordBefore(unit) {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid] <= unit) { found = mid; low = mid + 1; } else high = mid - 1;
    }
    return found;
  }

  // Caret moves by word: to the end of the next word, or the start of the previous one.
  nextWordEnd(unit) {
    const k = this.wordBefore(unit);
    if (k >= 0 && this.ends[k] > unit) return this.ends[k];
    return k + 1 < this.ends.length ? this.ends[k + 1] : this.text.length;
  }

  prevWordStart(unit) {
    const k = this.wordBefore(unit - 1);
    return k >= 0 ? this.starts[k] : 0;
  }

  // A selection [a, b) widened to whole words (when words is true), then trimmed of spaces.
  snap(a, b, words) {
    let start = this.clamp(Math.min(a, b));
    let end = this.clamp(Math.max(a, b));
    if (words) {
      const first = this.wordBefore(start);
      if (first >= 0 && this.ends[first] > start) start = this.starts[first];
      const last = this.wordBefore(end - 1);
      if (last >= 0 && this.ends[last] > end) end = this.ends[last];
    }
    while (start < end && /\s/.test(this.text[start])) start += 1;
    while (end > start && /\s/.test(this.text[end - 1])) end -= 1;
    return [start, end];
  }
}
