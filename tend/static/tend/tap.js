// A one-tap answer's page sends itself at once in a browser, so the person taps only once;
// without JavaScript it shows its one button. (A mail scanner that only fetches the link
// sends nothing.)
(function () {
  "use strict";
  var form = document.getElementById("tap");
  if (form) {
    form.submit();
  }
})();
