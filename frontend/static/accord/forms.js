// Every page: after a failed submit, focus the first field marked invalid, so the keyboard
// and screen reader user lands on the problem (its message is linked by aria-describedby).
(function () {
  "use strict";
  var invalid = document.querySelector('main [aria-invalid="true"]');
  if (invalid && (document.activeElement === document.body || !document.activeElement)) {
    invalid.focus();
  }
})();
