// Undo/redo within one item: snapshots of the component's state, taken before each change.

const LIMIT = 200;

export class History {
  constructor() { this.reset(); }

  reset() { this.past = []; this.future = []; }

  // Record the state as it was before a change; a new change drops the redo branch.
  push(snapshot) {
    this.past.push(snapshot);
    if (this.past.length > LIMIT) this.past.shift();
    this.future = [];
  }

  // The state to go back to (current goes on the redo stack), or null.
  undo(current) {
    if (!this.past.length) return null;
    this.future.push(current);
    return this.past.pop();
  }

  redo(current) {
    if (!this.future.length) return null;
    this.past.push(current);
    return this.future.pop();
  }
}
