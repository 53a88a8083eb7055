// The history edit page for spans and boxes: the labeling component, loaded with my stored
// value; on save its value goes into the form's hidden field as JSON (validated server-side).

import { mountRegions } from "./mount.js";

const config = JSON.parse(document.getElementById("annotate-config").textContent);
const initial = JSON.parse(document.getElementById("region-initial").textContent);
const form = document.getElementById("edit-form");
const component = mountRegions(document.getElementById("region-host"), config);
component.model.readOnly = !form;
component.load(config.item, initial, null);

document.addEventListener("keydown", (event) => {
  if (!form || event.target.closest("textarea, input[type=text], select")) return;
  if (event.key === "Enter" && !event.target.closest("button, a")) {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  if (component.handleKey(event)) event.preventDefault();
});
if (form) {
  form.addEventListener("submit", () => {
    document.getElementById("region-value").value = JSON.stringify(component.value());
  });
}
