// dmn-js viewer: a DMN decision table shown read-only (process drafts and versions, #19 item 3).
(function () {
  var el = document.getElementById('dmn-viewer');
  if (!el || !window.DmnJS) { return; }
  var viewer = new window.DmnJS({ container: el });
  fetch(el.dataset.src, { credentials: 'same-origin' })
    .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () { el.dataset.rendered = 'true'; })
    .catch(function (err) {
      el.textContent = (el.dataset.error || 'Không hiển thị được bảng quyết định') + ': ' + err.message;
      el.dataset.rendered = 'error';
    });
})();
