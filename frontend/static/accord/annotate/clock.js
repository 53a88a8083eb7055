// Active time on an item: it counts only while the tab is visible.
export function activeClock() {
  let activeMs = 0;
  let since = null;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && since !== null) {
      activeMs += performance.now() - since;
      since = null;
    } else if (!document.hidden && since === null) {
      since = performance.now();
    }
  });
  return {
    start() { activeMs = 0; since = document.hidden ? null : performance.now(); },
    elapsed() { return Math.round(activeMs + (since === null ? 0 : performance.now() - since)); },
  };
}
