// Session expiry on the labeling screen: say so, and offer a login that comes back here (the
// lease keeps the same item). The guideline panel (htmx) never swaps in the login page.
export function sessionGuard({ banner, link, loginPath, onExpired }) {
  let shown = false;

  function expired() {
    if (!shown) {
      shown = true;
      const back = window.location.pathname + window.location.search;
      link.href = `${loginPath}?next=${encodeURIComponent(back)}`;
      banner.hidden = false;
      link.focus();
      onExpired();
    }
  }

  // htmx follows the redirect to the login page and would put that page into the panel.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    const url = xhr && xhr.responseURL ? new URL(xhr.responseURL) : null;
    if ((url && url.pathname === loginPath) || (xhr && xhr.status === 401)) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      expired();
    }
  });
  return expired;
}
