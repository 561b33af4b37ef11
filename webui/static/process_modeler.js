// bpmn-js modeller for a process draft: marks the elements validation complained about, saves as draft.
(function () {
  var el = document.getElementById('modeler');
  if (!el || !window.BpmnJS) { return; }
  var modeler = new window.BpmnJS({ container: el });
  var status = document.getElementById('save-status');
  function mark(ids) {
    var registry = modeler.get('elementRegistry'), canvas = modeler.get('canvas');
    registry.getAll().forEach(function (e) { canvas.removeMarker(e.id, 'bvte-problem'); });
    ids.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'bvte-problem'); } });
  }
  fetch(el.dataset.src, { credentials: 'same-origin' })
    .then(function (r) { return r.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      modeler.get('canvas').zoom('fit-viewport');
      mark(JSON.parse(el.dataset.problems || '[]'));
      el.dataset.rendered = 'true';
    })
    .catch(function (err) { el.textContent = 'Không mở được sơ đồ: ' + err.message; el.dataset.rendered = 'error'; });
  document.getElementById('save-draft').addEventListener('click', function () {
    modeler.saveXML({ format: true }).then(function (out) {
      return fetch(el.dataset.save, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': el.dataset.csrf },
        body: JSON.stringify({ xml: out.xml })
      });
    }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        var problems = (res.body.problems || []).concat(res.body.guards || []);
        mark(problems.map(function (p) { return p[0]; }));
        var list = document.getElementById('problems');
        list.innerHTML = '';
        problems.forEach(function (p) {
          var li = document.createElement('li');
          li.textContent = p[0] + ': ' + p[1];
          list.appendChild(li);
        });
        status.textContent = res.ok ? (problems.length ? 'Đã lưu; còn ' + problems.length + ' vấn đề.' : 'Đã lưu; hợp lệ.') : 'Không lưu được.';
      }).catch(function (err) { status.textContent = 'Lỗi: ' + err.message; });
  });
})();
