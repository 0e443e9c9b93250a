/* Kefu community: questions like the one being asked, listed under the ask form's title
 * field while the customer types. The form works without this script; this only fills
 * <ul id="similar-questions"> from the JSON endpoint (/community/similar/, or the list's
 * data-similar-endpoint) after a short pause in typing. Titles are set as text, never
 * as HTML. */
(function () {
  "use strict";

  var PAUSE_MS = 300;
  var MIN_LENGTH = 2;

  function enhance(list) {
    var form = list.closest("form");
    var input = form && form.querySelector("input[name=title]");
    var endpoint = list.getAttribute("data-similar-endpoint") || "/community/similar/";
    if (!input || !endpoint || !window.fetch) return;
    var timer = null;
    var latest = 0;

    function hide() {
      list.hidden = true;
      list.textContent = "";
    }

    function show(body) {
      var results = body.results || [];
      list.textContent = "";
      if (body.heading) list.setAttribute("aria-label", body.heading);
      results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title;
        if (result.language) link.setAttribute("lang", result.language);
        // Opens beside the form so what was typed is not lost.
        link.target = "_blank";
        link.rel = "noopener";
        item.appendChild(link);
        if (result.label) {
          var label = document.createElement("span");
          label.className = "badge";
          label.textContent = result.label;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(label);
        }
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
    }

    function lookUp() {
      var title = input.value;
      if (title.trim().length < MIN_LENGTH) { hide(); return; }
      var ticket = ++latest;
      fetch(endpoint + "?q=" + encodeURIComponent(title), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (ticket === latest) show(body); })
        .catch(hide);
    }

    list.hidden = true;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, PAUSE_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("similar-questions");
    if (list) enhance(list);
  });
})();
