// A sent-back item arrives marked: the round, who asked (a reviewer, or a newer guideline),
// the reviewer's note and the annotator's own earlier label. Text only (textContent).
export function showSentBack(box, info) {
  box.hidden = !info;
  if (!info) return;
  const title = box.querySelector(".sent-back-title");
  const note = box.querySelector(".sent-back-note");
  const earlier = box.querySelector(".sent-back-earlier");
  title.textContent = info.reason === "guideline"
    ? `Sent back · round ${info.round}: the guideline changed since you labeled this item.`
    : `Sent back · round ${info.round}: a reviewer asks you to label this item again.`;
  note.hidden = !info.note;
  note.textContent = info.note ? `Reviewer's note: ${info.note}` : "";
  earlier.hidden = !info.earlier;
  earlier.textContent = info.earlier ? `Your earlier label: ${info.earlier}` : "";
}
