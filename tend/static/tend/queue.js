// Needs you now keeps itself current: every half minute it fetches the list again
// (the queue_part view) and swaps it in. It waits while you are in the list (a reply being
// written, a reply box open, the keyboard on a link), and while the tab is hidden.
// Without JavaScript the page works as before: a reload shows the latest.
(function () {
  "use strict";
  var region = document.getElementById("queue");
  if (!region || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-refresh");
  var every = 30000;

  function busy() {
    if (region.contains(document.activeElement)) {
      return true;
    }
    if (region.querySelector("details[open]")) {
      return true;
    }
    var boxes = region.querySelectorAll("textarea");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function later() {
    window.setTimeout(refresh, every);
  }

  function refresh() {
    if (document.hidden || busy()) {
      later();
      return;
    }
    // Marked as the page's own doing: a refresh is not the practitioner using Tend.
    var headers = { Accept: "text/html", "X-Requested-With": "fetch" };
    fetch(url, { credentials: "same-origin", headers: headers })
      .then(function (response) {
        // Signed out meanwhile (a redirect to sign in) or a hiccup: keep what is shown.
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && !busy()) {
          region.innerHTML = html;
          region.setAttribute("data-refreshed", String(Date.now()));
        }
      })
      .catch(function () {})
      .then(later);
  }

  later();
})();
