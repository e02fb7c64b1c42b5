// Small behaviours of every page, declared in the templates with data- attributes (the
// Content-Security-Policy allows no inline script and no on…= handler):
//   <form data-confirm="…"> or <button data-confirm="…">   asks before submitting;
//     data-confirm-when="CSS selector": asks only when the selector matches (e.g. rows ticked for deletion)
//   <button data-busy-text="…">   disabled, with a spinner and that text, once its form is sent (no double submit)
//   <a data-busy-text="…">   the same for a link to a long download (a PDF), given back after 20 s
//   <select data-autosubmit>   submits its form when changed
//   <input data-select-on-focus>   selects its whole text when focused (a token to copy)
(function () {
  function busy(element) {
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    element.dataset.idleHtml = element.innerHTML;
    element.replaceChildren(spinner, document.createTextNode(element.dataset.busyText));
    element.setAttribute("aria-busy", "true");
  }
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
    // A submission that opens in another tab (the document's "Xem trước", formtarget=_blank)
    // leaves this page as it was: its buttons stay usable.
    var submitter = event.submitter;
    var target = (submitter && submitter.getAttribute("formtarget")) || form.getAttribute("target") || "";
    if (target && target !== "_self") return;
    form.querySelectorAll("button[data-busy-text]").forEach(function (button) {
      // after the browser has taken the form's data: a disabled button is not sent
      window.setTimeout(function () {
        button.disabled = true;
        busy(button);
      }, 0);
    });
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-busy-text]");
    if (!link || event.defaultPrevented) return;
    if (link.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    busy(link);
    link.classList.add("disabled");
    window.setTimeout(function () {
      link.innerHTML = link.dataset.idleHtml;
      link.classList.remove("disabled");
      link.removeAttribute("aria-busy");
    }, 20000);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input[data-select-on-focus]")) event.target.select();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
})();
