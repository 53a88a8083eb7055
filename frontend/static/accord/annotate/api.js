// The labeling screen's JSON requests: one at a time, and a lapsed session told apart from an
// error. A 401, a CSRF refusal (the session changed in another tab) or a redirect to the login
// page all mean "log in again"; `onExpired` shows that once and the request rejects.
export class SessionExpired extends Error {}

export function makeApi({ csrf, loginPath, onExpired }) {
  // One request at a time: the order stays simple, and the embedded SQLite never sees a
  // progress read racing a claim from the same screen.
  let queue = Promise.resolve();

  async function request(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const toLogin = response.redirected && new URL(response.url).pathname === loginPath;
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = undefined; }
    const csrfRefused = response.status === 403 && parsed && /CSRF/.test(String(parsed.detail || ""));
    if (response.status === 401 || toLogin || csrfRefused) {
      onExpired();
      throw new SessionExpired("session expired");
    }
    if (parsed === undefined) return { status: response.status, body: { detail: `Unexpected answer (${response.status}).` } };
    return { status: response.status, body: parsed };
  }

  return function api(method, url, body) {
    const run = queue.then(() => request(method, url, body));
    queue = run.catch(() => undefined);
    return run;
  };
}
