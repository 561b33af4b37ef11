// Renders the case's BPMN diagram with bpmn-js and highlights where the case is.
(function () {
  var el = document.getElementById('diagram');
  if (!el || !window.BpmnJS) { return; }
  fetch(el.dataset.src, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
    .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
    .then(function (d) {
      showDecisions(d.decisions || {});   // shown even when the diagram has no layout to draw
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

// The decision tables (DMN) the case's business-rule tasks call, read only in dmn-js (#19 item 3).
function showDecisions(decisions) {
  var box = document.getElementById('decisions');
  var names = Object.keys(decisions);
  if (!box || !names.length || !window.DmnJS) { return; }
  box.hidden = false;
  names.forEach(function (name) {
    var holder = document.createElement('div');
    holder.className = 'decision';
    holder.dataset.file = name;
    box.appendChild(holder);
    new window.DmnJS({ container: holder }).importXML(decisions[name])
      .then(function () { holder.dataset.rendered = 'true'; })
      .catch(function (err) { holder.textContent = name + ': ' + err.message; holder.dataset.rendered = 'error'; });
  });
}
