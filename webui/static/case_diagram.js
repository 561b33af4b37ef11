// Renders the case's BPMN diagram with bpmn-js and highlights where the case is.
(function () {
  var el = document.getElementById('diagram');
  if (!el || !window.BpmnJS) { return; }
  fetch(el.dataset.src, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
    .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
    .then(function (d) {
      var viewer = new window.BpmnJS({ container: el });
      return viewer.importXML(d.xml).then(function () {
        var canvas = viewer.get('canvas');
        canvas.zoom('fit-viewport', 'auto');
        el.dataset.zoom = String(canvas.zoom());
        d.done.forEach(function (id) { try { canvas.addMarker(id, 'bvte-done'); } catch (e) {} });
        d.active.forEach(function (id) { try { canvas.addMarker(id, 'bvte-active'); } catch (e) {} });
        el.dataset.rendered = 'true';
      });
    })
    .catch(function (err) {
      el.textContent = (el.dataset.error || 'Không hiển thị được sơ đồ') + ': ' + err.message;
      el.dataset.rendered = 'error';
    });
})();
