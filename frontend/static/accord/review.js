// Keyboard for the review pages. Queue: J/K move, Enter opens. Item: 1-9 pick the final label,
// F/Enter set it, G/M/S/X pick the cause, A/R accept/reject the focused annotation,
// B send back, D dismiss, C comment, E example, J/K next/previous item (spans and boxes add
// O overlay and V next version, in regions/settle.js).
// Single keys stay off while focus is on a link, button or field (other than the final form's
// own pickers), and entirely when the user turned shortcuts off (WCAG 2.1.4).
(function () {
  "use strict";

  var shortcutsOn = document.body.dataset.shortcuts !== "off";

  function typing(event) {
    var el = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return true;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|SUMMARY|A)$/.test(el.tagName));
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link) window.location.href = link.href;
  }

  function openAndFocus(detailsId, selector) {
    var box = document.getElementById(detailsId);
    if (!box) return;
    box.open = true;
    var target = box.querySelector(selector);
    if (target) target.focus();
  }

  function focusedAnnotation() {
    var active = document.activeElement;
    var card = active && active.closest ? active.closest(".annotation") : null;
    return card || document.querySelector(".annotation");
  }

  function verdict(kind) {
    var card = focusedAnnotation();
    var button = card && card.querySelector('button[data-verdict="' + kind + '"]');
    if (button) button.click();
  }

  function pickLabel(key) {
    var input = document.querySelector('#final-form input[name="label"][data-key="' + key + '"]');
    if (!input) return false;
    input.checked = input.type === "checkbox" ? !input.checked : true;
    input.focus();
    return true;
  }

  function pickCause(key) {
    var input = document.querySelector('#final-form input[data-cause-key="' + key + '"]');
    if (input) input.checked = true;
    return Boolean(input);
  }

  function setFinal() {
    var form = document.getElementById("final-form");
    if (form) form.requestSubmit(document.getElementById("set-final"));
  }

  var itemKeys = {
    f: setFinal, enter: setFinal,
    a: function () { verdict("accepted"); }, r: function () { verdict("rejected"); },
    b: function () { openAndFocus("send-back", "button[type=submit]"); },
    d: function () { openAndFocus("dismiss", "input[name=reason]"); },
    e: function () { openAndFocus("example", "input[name=note], button[type=submit]"); },
    c: function () { var box = document.getElementById("comment-body"); if (box) box.focus(); },
    j: function () { go("next-item"); }, k: function () { go("prev-item"); },
  };

  function onItemKey(event) {
    // Keys inside a label/cause radio still count (number keys, F, Enter on the final form).
    var inFinal = event.target.closest && event.target.closest("#final-form fieldset");
    // Spans/boxes drawings (regions/settle.js) take their own keys first; from there only F and
    // Enter on the drawing itself (not on its buttons) reach the page.
    var inRegions = event.target.closest && event.target.closest(".region-host");
    if (inRegions && (typing(event) || !/^(f|enter)$/i.test(event.key))) return;
    if (typing(event) && !(inFinal && event.target.type !== "text")) return;
    var key = event.key.toLowerCase();
    if (!shortcutsOn && key !== "enter") return;
    if (key === "enter" && !inFinal) return;
    if (/^[1-9]$/.test(key) && pickLabel(key)) { event.preventDefault(); return; }
    if ("gmsx".indexOf(key) >= 0 && key.length === 1 && pickCause(key)) { event.preventDefault(); return; }
    if (itemKeys[key]) { event.preventDefault(); itemKeys[key](); }
  }

  function onQueueKey(event) {
    // Links (a row's own, "Clear", the counts) open themselves on Enter; J/K and Enter here
    // act only when focus is on nothing in particular.
    if (typing(event) || !shortcutsOn) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
    if (!rows.length) return;
    var index = rows.findIndex(function (row) { return row.classList.contains("current"); });
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      event.preventDefault();
      index = key === "j" ? Math.min(rows.length - 1, index + 1) : Math.max(0, index - 1);
      rows.forEach(function (row) { row.classList.remove("current"); });
      rows[index].classList.add("current");
      rows[index].querySelector(".item-link").focus();
    } else if (key === "enter" && index >= 0) {
      event.preventDefault();
      window.location.href = rows[index].querySelector(".item-link").href;
    }
  }

  // After a review action the page reloads: focus goes back to where the action was taken
  // and the flash message is read out (it is put into the role=status list after load).
  var RETURN_KEY = "accord.review.focus";

  function returnTarget(form, submitter) {
    var card = form.closest(".annotation");
    if (card) return '.annotation[data-annotation="' + card.dataset.annotation + '"]';
    var box = form.closest("details[id]");
    if (box) return "#" + box.id + " > summary";
    if (submitter && submitter.id) return "#" + submitter.id;
    var field = form.querySelector("textarea[id], input[id]:not([type=hidden])");
    return field ? "#" + field.id : null;
  }

  function rememberFocus(event) {
    var target = returnTarget(event.target, event.submitter);
    if (target) sessionStorage.setItem(RETURN_KEY, JSON.stringify({ path: location.pathname, target: target }));
  }

  function restoreFocus() {
    var saved = JSON.parse(sessionStorage.getItem(RETURN_KEY) || "null");
    sessionStorage.removeItem(RETURN_KEY);
    if (!saved || saved.path !== location.pathname) return;
    var element = document.querySelector(saved.target);
    if (element) element.focus();
  }

  function announceMessages() {
    var list = document.querySelector(".messages");
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    items.forEach(function (item) { list.removeChild(item); });
    setTimeout(function () { items.forEach(function (item) { list.appendChild(item); }); }, 150);
  }

  if (document.body.classList.contains("review-item-page")) {
    document.addEventListener("keydown", onItemKey);
    document.addEventListener("submit", rememberFocus);
    restoreFocus();
    announceMessages();
  } else if (document.body.classList.contains("review-queue-page")) {
    document.addEventListener("keydown", onQueueKey);
    var done = document.getElementById("queue-done");
    if (done) done.focus();
  }
})();
