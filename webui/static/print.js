// The "In" button of a printout (no inline script: the app's CSP forbids it).
(function () {
  var b = document.getElementById('print-button');
  if (b) { b.addEventListener('click', function () { window.print(); }); }
})();
