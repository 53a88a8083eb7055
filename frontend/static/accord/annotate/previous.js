// The previous-item key: the last item this annotator submitted on this screen can be
// reopened and changed on the history edit page, which comes back here after saving.
// Remembered per project in sessionStorage (this tab), so a reload keeps it.
export function previousItem(config, link) {
  const key = `accord.previous.${config.project}`;

  function url(saved) {
    return `${config.urls.history}${saved.annotation}/?from=annotate`;
  }

  function show() {
    const saved = JSON.parse(sessionStorage.getItem(key) || "null");
    link.hidden = !saved;
    if (saved) {
      link.href = url(saved);
      link.title = `Go back to item ${saved.external_id} and change my label`;
    }
    return saved;
  }

  return {
    remember(annotationId, externalId) {
      sessionStorage.setItem(key, JSON.stringify({ annotation: annotationId, external_id: externalId }));
      show();
    },
    show,
    open() {
      const saved = show();
      if (saved) window.location.assign(url(saved));
      return Boolean(saved);
    },
  };
}
