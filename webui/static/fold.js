// On a phone the case summary starts folded, so the task form is the first thing on the screen.
(function () {
  if (!window.matchMedia || !window.matchMedia('(max-width: 40rem)').matches) { return; }
  document.querySelectorAll('details[data-fold-on-phone]').forEach(function (d) { d.open = false; });
})();
