// A check-in page marks the check-in seen once it is shown: it sends the page's own
// "Mark seen" form in the background, then says so. Opening a page changes nothing by
// itself (a GET records nothing); without JavaScript the button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form.mark-seen");
  if (!form || !window.fetch) {
    return;
  }
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  }).then(function (response) {
    if (response.status !== 204) {
      return; // the button is still there
    }
    var said = document.createElement("p");
    said.className = "quiet";
    said.setAttribute("role", "status");
    said.textContent = form.getAttribute("data-done");
    form.replaceWith(said);
  });
})();
