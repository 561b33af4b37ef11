// The values a case already holds for this form's fields (entered at earlier steps) are offered above the
// form; «Dùng các giá trị này» copies them into the fields, which stay editable (issue #22: data entered at
// earlier steps is offered at later ones). No inline script: the CSP stays on.
(function () {
  var button = document.getElementById('use-offered');
  if (!button) { return; }
  var form = document.querySelector('section.task-form form');
  button.addEventListener('click', function () {
    document.querySelectorAll('[data-offer-name]').forEach(function (el) {
      var name = el.getAttribute('data-offer-name');
      var value = JSON.parse(el.getAttribute('data-offer-value'));
      form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.type === 'checkbox') {
          input.checked = Array.isArray(value) ? value.indexOf(input.value) >= 0 : !!value;
        } else if (!input.value) {
          input.value = value;
        }
      });
    });
    button.disabled = true;
    button.textContent = button.getAttribute('data-done');
  });
})();
