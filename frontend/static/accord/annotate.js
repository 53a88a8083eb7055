// The labeling screen: fetch an item from the JSON API, render it with textContent (never
// innerHTML for item data), take the label from keys or clicks, submit, and show the next one.
// Spans and boxes are drawn by the regions component (regions/), which owns their keys first;
// the flow (unsure, comment, skip, timing, suggestion, prefetch) is the same for every kind.
// Helpers live in annotate/: requests and session expiry, label buttons, image zoom, the
// empty-selection question, the previous-item key and the sent-back note.
import { REGION_KINDS, mountRegions } from "./regions/mount.js";
import { SessionExpired, makeApi } from "./annotate/api.js";
import { ask } from "./annotate/confirm.js";
import { mountZoom } from "./annotate/image-zoom.js";
import { activeClock } from "./annotate/clock.js";
import { buildOptions, optionsOf, selectionOf } from "./annotate/options.js";
import { previousItem } from "./annotate/previous.js";
import { showSentBack } from "./annotate/sent-back.js";
import { sessionGuard } from "./annotate/session.js";

(function () {
  const root = document.getElementById("annotate");
  if (!root) return;
  const config = JSON.parse(document.getElementById("annotate-config").textContent);
  const csrf = root.dataset.csrf;
  const $ = (id) => document.getElementById(id);
  const component = REGION_KINDS.includes(config.kind) ? mountRegions($("region-host"), config) : null;

  const state = { current: null, ahead: null, selected: new Set(), busy: false };

  const clock = activeClock();

  const expired = sessionGuard({
    banner: $("session-expired"), link: $("login-again"), loginPath: config.urls.login,
    onExpired: () => { state.expired = true; $("label-form").hidden = true; },
  });
  const api = makeApi({ csrf, loginPath: config.urls.login, onExpired: expired });
  const zoom = mountZoom($("item-zoom"), $("item-image"), $("zoom-note"));
  const previous = previousItem(config, $("previous"));

  function say(message) { $("status").textContent = message; }
  function fail(message) { $("error").textContent = message || ""; }

  function paint() {
    for (const button of document.querySelectorAll(".label-option")) {
      button.setAttribute("aria-pressed", state.selected.has(button.dataset.value) ? "true" : "false");
    }
  }

  function pick(value) {
    if (config.kind === "multi") {
      if (state.selected.has(value)) state.selected.delete(value); else state.selected.add(value);
    } else {
      state.selected = new Set([value]);
    }
    paint();
  }

  function valueOf(selected) {
    const values = Array.from(selected);
    if (config.kind === "multi") return { labels: values };
    if (config.kind === "rating") return { rating: Number(values[0]) };
    return { label: values[0] };
  }

  function render(payload) {
    state.current = payload;
    state.selected = new Set();
    paint();
    $("unsure").checked = false;
    $("comment").value = "";
    fail("");
    const item = payload.item;
    $("item-external-id").textContent = item.external_id;
    const text = item.data && typeof item.data.text === "string" ? item.data.text : "";
    $("item-text").textContent = component ? "" : text;
    $("item-text").hidden = !text || Boolean(component);
    const image = $("item-image");
    $("item-figure").hidden = !item.image_url || Boolean(component);
    if (item.image_url && !component) image.src = item.image_url; else image.removeAttribute("src");
    showSentBack($("sent-back"), item.sent_back);
    if (component) component.load(item, null, item.suggestion);
    const suggestion = item.suggestion;
    $("suggestion").hidden = !suggestion;
    if (suggestion) {
      $("suggestion-value").textContent = suggestion.text;
      $("suggestion-score").textContent = suggestion.score == null ? "" : `(score ${Number(suggestion.score).toFixed(2)})`;
      for (const button of document.querySelectorAll(".label-option")) {
        button.classList.toggle("suggested", selectionOf(suggestion.value).includes(button.dataset.value));
      }
    } else {
      for (const button of document.querySelectorAll(".label-option")) button.classList.remove("suggested");
    }
    $("item-card").hidden = false;
    $("label-form").hidden = false;
    $("done").hidden = true;
    say("");
    clock.start();
    if (component) component.focus(); else $("item-text").focus({ preventScroll: true });
  }

  function showDone() {
    state.current = null;
    $("item-card").hidden = true;
    $("label-form").hidden = true;
    $("suggestion").hidden = true;
    $("done").hidden = false;
    $("done-title").focus();
  }

  // Prefetch: hold a second lease and its image, so the next item shows as soon as a
  // submit or skip is stored, with no second round trip.
  async function prefetch() {
    state.ahead = null;
    // A failed prefetch only costs the head start (an expired session is shown by the api).
    const { status, body } = await api("POST", config.urls.next, { ahead: true }).catch(() => ({ status: 0 }));
    if (status !== 200 || !state.current || body.assignment.id === state.current.assignment.id) return;
    state.ahead = body;
    if (body.item.image_url) new Image().src = body.item.image_url;
  }

  async function loadNext() {
    const { status, body } = await api("POST", config.urls.next);
    if (status === 200) { render(body); prefetch(); return; }
    if (status === 204) { showDone(); return; }
    if (status === 409 && body && body.code === "guideline_ack_required") {
      window.location.assign(config.urls.ack);
      return;
    }
    fail((body && body.detail) || `Could not load the next item (${status}).`);
  }

  async function refreshProgress() {
    const { status, body } = await api("GET", config.urls.progress);
    if (status !== 200) return;
    const total = body.done + body.remaining;
    const percent = total ? Math.round((100 * body.done) / total) : 100;
    $("progress-done").textContent = body.done;
    $("progress-remaining").textContent = body.remaining_more ? `${body.remaining}+` : body.remaining;
    $("progress-bar").setAttribute("aria-valuenow", percent);
    $("progress-bar").firstElementChild.style.width = `${percent}%`;
  }

  async function act(path, payload) {
    if (!state.current || state.busy || state.expired) return;
    state.busy = true;
    const id = state.current.assignment.id;
    try {
      const { status, body } = await api("POST", `${config.urls.assignment}${id}/${path}`, payload);
      if (status !== 200) {
        fail((body && body.detail) || `That did not work (${status}).`);
        if (status === 409) await loadNext();
        return;
      }
      if (body && body.annotation) previous.remember(body.annotation.id, state.current.item.external_id);
      if (state.ahead) {
        const ahead = state.ahead;
        state.ahead = null;
        render(ahead);
        prefetch();
      } else {
        await loadNext();
      }
    } catch (error) {
      if (!(error instanceof SessionExpired)) throw error;
      return;
    } finally {
      state.busy = false;
    }
    refreshProgress().catch(() => undefined);
  }

  async function submit() {
    if (!component && state.selected.size === 0 && config.kind !== "multi") {
      fail("Pick a label first.");
      return;
    }
    // Multi-label: "none of these" is a real answer, but an empty Enter is more often a slip.
    if (config.kind === "multi" && state.selected.size === 0 && !(await ask($("confirm-empty")))) {
      $("item-text").focus({ preventScroll: true });
      return;
    }
    act("submit", {
      value: component ? component.value() : valueOf(state.selected),
      lead_time_ms: clock.elapsed(),
      unsure: $("unsure").checked,
      comment: $("comment").value,
    });
  }

  function acceptSuggestion() {
    const suggestion = state.current && state.current.item.suggestion;
    if (!suggestion) return;
    if (component) { component.accept(); return; }
    const values = selectionOf(suggestion.value);
    state.selected = new Set(config.kind === "multi" ? values : values.slice(0, 1));
    paint();
  }

  function toggleHelp() {
    const dialog = $("keys-help");
    if (dialog.open) dialog.close(); else dialog.showModal();
    $("keys-button").setAttribute("aria-expanded", dialog.open ? "true" : "false");
  }

  const hotkeys = new Map(component ? [] : optionsOf(config).filter((o) => o.hotkey).map((o) => [o.hotkey.toLowerCase(), o.value]));

  // Single-key shortcuts (WCAG 2.1.4): the user can turn them off in their account, and they
  // act only while focus is in the item, its suggestion or its form (or on nothing at all).
  const shortcutsOn = document.body.dataset.shortcuts !== "off";
  function inItemScope(target) {
    return target === document.body || Boolean(target.closest("#item-card, #suggestion, #label-form"));
  }

  // Enter activates the focused control (the browser's default for buttons and links: a label
  // button picks its own label); on the item itself it submits the current selection.
  function onEnter(event) {
    const target = event.target;
    if (target.closest("input[type=checkbox]")) { event.preventDefault(); return; }
    if (target.closest("button, a, input, summary, dialog")) return;
    event.preventDefault();
    submit();
  }

  // The previous-item key: Backspace (not a character, so never a label hotkey); on spans and
  // boxes, whose Backspace deletes a region, Shift+Backspace.
  function previousKey(event, typing) {
    if (event.key !== "Backspace" || typing || event.ctrlKey || event.metaKey || event.altKey) return false;
    if (component && !event.shiftKey) return false;
    if (!inItemScope(event.target) || $("keys-help").open) return false;
    event.preventDefault();
    if (!previous.open()) say("Nothing submitted yet on this screen: there is no previous item.");
    return true;
  }

  function onKey(event) {
    const target = event.target;
    const typing = target.closest("textarea, input[type=text], select");
    if (previousKey(event, typing)) return;
    // The span and box component takes its keys first, in the item's scope; with shortcuts off
    // it still gets arrows, Tab, Delete and Ctrl/Cmd combinations, never single characters.
    const componentKey = shortcutsOn || event.key.length > 1 || event.ctrlKey || event.metaKey;
    if (component && state.current && !typing && !$("keys-help").open && inItemScope(target)
        && componentKey && component.handleKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if ($("keys-help").open) {
      if (event.key === "?" && shortcutsOn) { event.preventDefault(); toggleHelp(); }
      return;
    }
    if (!inItemScope(target)) return;
    if (event.key === "Enter") { onEnter(event); return; }
    if (!shortcutsOn) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (state.current && hotkeys.has(key)) { pick(hotkeys.get(key)); event.preventDefault(); return; }
    const actions = {
      s: () => act("skip"),
      u: () => { $("unsure").checked = !$("unsure").checked; },
      a: acceptSuggestion,
      z: () => zoom.toggle(),
      c: () => $("comment").focus(),
      "?": toggleHelp,
    };
    if (!actions[key]) return;
    event.preventDefault();
    actions[key]();
  }

  buildOptions(config, {
    box: $("label-options"), legend: $("label-legend"), keysList: $("keys-list"), onPick: pick,
    withButtons: !component,
  });
  previous.show();
  if (component) [$("label-form").querySelector("fieldset").hidden, $("region-host").hidden] = [true, false];
  document.addEventListener("keydown", onKey);
  $("label-form").addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  $("skip").addEventListener("click", () => act("skip"));
  $("accept-suggestion").addEventListener("click", acceptSuggestion);
  $("keys-button").addEventListener("click", toggleHelp);
  // The guideline panel is optional: a 404 (not built yet) or an error leaves the slot empty.
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.elt && event.detail.elt.id === "guideline-panel") event.detail.elt.hidden = true;
  });
  // The guideline panel loads after the first item, so the item never waits for it.
  loadNext()
    .then(refreshProgress)
    .catch((error) => { if (!(error instanceof SessionExpired)) throw error; })
    .finally(() => document.body.dispatchEvent(new Event("accord:ready")));
})();
