// Small behaviours of every page, declared in the templates with data- attributes (the
// Content-Security-Policy allows no inline script and no on…= handler):
//   <form data-confirm="…"> or <button data-confirm="…">   asks before submitting;
//     data-confirm-when="CSS selector": asks only when the selector matches (e.g. rows ticked for deletion)
//   <button data-busy-text="…">   disabled, with that text, once its form is sent (no double submit)
//   <select data-autosubmit>   submits its form when changed
//   <input data-select-on-focus>   selects its whole text when focused (a token to copy)
(function () {
  function ask(element, event) {
    var when = element.dataset.confirmWhen;
    if (when && !document.querySelector(when)) return;
    if (!window.confirm(element.dataset.confirm)) event.preventDefault();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (button) ask(button, event);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm) ask(form, event);
    if (event.defaultPrevented) return;
    form.querySelectorAll("button[data-busy-text]").forEach(function (button) {
      // after the browser has taken the form's data: a disabled button is not sent
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = button.dataset.busyText;
      }, 0);
    });
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input[data-select-on-focus]")) event.target.select();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
})();
