// An in-page question with two buttons (a modal <dialog>: focus moves into it, Tab stays in
// it, Esc answers "no"); resolves true for the confirming button. Never window.confirm.
export function ask(dialog) {
  return new Promise((resolve) => {
    const yes = dialog.querySelector("[data-answer=yes]");
    const no = dialog.querySelector("[data-answer=no]");
    function answer(value) {
      yes.removeEventListener("click", onYes);
      no.removeEventListener("click", onNo);
      dialog.removeEventListener("cancel", onNo);
      if (dialog.open) dialog.close();
      resolve(value);
    }
    function onYes() { answer(true); }
    function onNo(event) { if (event) event.preventDefault(); answer(false); }
    yes.addEventListener("click", onYes);
    no.addEventListener("click", onNo);
    dialog.addEventListener("cancel", onNo);
    dialog.showModal();
    no.focus();
  });
}
