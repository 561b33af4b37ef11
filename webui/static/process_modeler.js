// Vietnamese labels for the bpmn-js modeller's palette, context pad, replace menu and popups
// Loaded with the bpmn-js modeller (webui/static/process_modeler.js), before it creates the modeller.
(function () {
  var VI = {
    'Activate hand tool': 'Công cụ kéo', 'Activate lasso tool': 'Công cụ chọn vùng',
    'Activate create/remove space tool': 'Công cụ thêm/bớt khoảng trống', 'Activate global connect tool': 'Công cụ nối',
    'Create start event': 'Tạo sự kiện bắt đầu', 'Create intermediate/boundary event': 'Tạo sự kiện trung gian/biên',
    'Create end event': 'Tạo sự kiện kết thúc', 'Create gateway': 'Tạo cổng rẽ nhánh', 'Create task': 'Tạo nhiệm vụ',
    'Create data object reference': 'Tạo đối tượng dữ liệu', 'Create data store reference': 'Tạo kho dữ liệu',
    'Create expanded sub-process': 'Tạo quy trình con', 'Create pool/participant': 'Tạo bể/bên tham gia',
    'Create group': 'Tạo nhóm', 'Append end event': 'Nối sự kiện kết thúc', 'Append gateway': 'Nối cổng rẽ nhánh',
    'Append task': 'Nối nhiệm vụ', 'Append intermediate/boundary event': 'Nối sự kiện trung gian/biên',
    'Append text annotation': 'Nối ghi chú', 'Connect using association': 'Nối bằng liên kết',
    'Connect using sequence/message flow or association': 'Nối bằng luồng tuần tự/thông điệp hoặc liên kết',
    'Connect using data input association': 'Nối bằng liên kết dữ liệu vào', 'Connect to other element': 'Nối tới phần tử khác',
    'Change type': 'Đổi loại', 'Change element': 'Đổi phần tử', 'Delete': 'Xóa', 'Remove': 'Xóa',
    'Add lane above': 'Thêm làn phía trên', 'Add lane below': 'Thêm làn phía dưới',
    'Divide into two lanes': 'Chia thành hai làn', 'Divide into three lanes': 'Chia thành ba làn',
    'Search in diagram': 'Tìm trong sơ đồ', 'Search': 'Tìm', 'Task': 'Nhiệm vụ', 'User task': 'Nhiệm vụ người dùng',
    'Service task': 'Nhiệm vụ dịch vụ', 'Script task': 'Nhiệm vụ kịch bản', 'Manual task': 'Nhiệm vụ thủ công',
    'Send task': 'Nhiệm vụ gửi', 'Receive task': 'Nhiệm vụ nhận', 'Business rule task': 'Nhiệm vụ quy tắc nghiệp vụ',
    'Call activity': 'Gọi quy trình', 'Sub-process (collapsed)': 'Quy trình con (thu gọn)',
    'Sub-process (expanded)': 'Quy trình con (mở rộng)', 'Transaction': 'Giao dịch', 'Event sub-process': 'Quy trình con sự kiện',
    'Exclusive gateway': 'Cổng loại trừ', 'Parallel gateway': 'Cổng song song', 'Inclusive gateway': 'Cổng bao hàm',
    'Complex gateway': 'Cổng phức hợp', 'Event-based gateway': 'Cổng theo sự kiện', 'Start event': 'Sự kiện bắt đầu',
    'End event': 'Sự kiện kết thúc', 'Intermediate throw event': 'Sự kiện trung gian phát',
    'Message start event': 'Bắt đầu bằng thông điệp', 'Timer start event': 'Bắt đầu theo hẹn giờ',
    'Conditional start event': 'Bắt đầu theo điều kiện', 'Signal start event': 'Bắt đầu bằng tín hiệu',
    'Timer intermediate catch event': 'Hẹn giờ trung gian', 'Message intermediate catch event': 'Chờ thông điệp',
    'Timer boundary event': 'Hẹn giờ biên', 'Timer boundary event (non-interrupting)': 'Hẹn giờ biên (không ngắt)',
    'Message boundary event': 'Thông điệp biên', 'Error boundary event': 'Lỗi biên', 'Escalation boundary event': 'Báo cáo cấp trên (biên)',
    'Terminate end event': 'Kết thúc toàn bộ', 'Message end event': 'Kết thúc bằng thông điệp', 'Error end event': 'Kết thúc bằng lỗi',
    'Sequence flow': 'Luồng tuần tự', 'Default flow': 'Luồng mặc định', 'Conditional flow': 'Luồng có điều kiện',
    'Loop': 'Lặp', 'Parallel multi-instance': 'Nhiều lần song song', 'Sequential multi-instance': 'Nhiều lần tuần tự',
    'Data object reference': 'Đối tượng dữ liệu', 'Data store reference': 'Kho dữ liệu', 'Empty pool/participant': 'Bể trống',
    'Expanded pool/participant': 'Bể mở rộng', 'Text annotation': 'Ghi chú', 'Group': 'Nhóm', 'Lane': 'Làn',
    'no parent for {element} in {parent}': 'không có phần tử cha cho {element} trong {parent}',
    'element {element} referenced by {referenced}#{property} not yet drawn': 'phần tử {element} được {referenced}#{property} tham chiếu chưa được vẽ',
    'unparsable content {content} detected; this may indicate an invalid BPMN 2.0 diagram file': 'nội dung không đọc được {content}; tệp BPMN 2.0 có thể không hợp lệ',
    'unrecognized flowElement {element} in context {context}': 'flowElement không nhận ra {element} trong {context}'
  };
  window.bvteTranslate = function (template, replacements) {
    var vi = (document.documentElement.lang || 'vi') === 'vi';
    var text = vi && VI[template] ? VI[template] : template;
    replacements = replacements || {};
    return text.replace(/{([^}]+)}/g, function (_, key) { return replacements[key] || '{' + key + '}'; });
  };
})();
// bpmn-js modeller for a process draft: marks the elements validation complained about, saves as draft.
(function () {
  var el = document.getElementById('modeler');
  if (!el || !window.BpmnJS) { return; }
  var modeler = new window.BpmnJS({ container: el, additionalModules: window.bvteTranslate ?
    [{ translate: ['value', window.bvteTranslate] }] : [] });
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
