/* Kefu help center: results while the reader types. The search form works without this
 * script (it submits to /help/search/); this only shows the first results under the box,
 * from the public JSON endpoint, after a short pause in typing. */
(function () {
  "use strict";

  var PAUSE_MS = 200;

  function languageOfPage() {
    var lang = document.documentElement.getAttribute("lang") || "";
    if (/^zh-hant/i.test(lang)) return "zh-Hant";
    if (/^zh/i.test(lang)) return "zh-Hans";
    return "en";
  }

  function enhance(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector(".help-suggestions");
    var endpoint = form.getAttribute("data-help-search");
    var count = form.querySelector("[data-help-count]");
    if (!input || !list || !endpoint || !window.fetch) return;
    var timer = null;
    var latest = 0;

    function hide() {
      list.hidden = true;
      list.textContent = "";
      if (count) count.textContent = "";
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title;
        var snippet = document.createElement("span");
        snippet.className = "help-snippet";
        // The server escapes the article text; the only markup is its <mark> highlight.
        snippet.innerHTML = result.snippet;
        link.appendChild(snippet);
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      if (count) {
        count.textContent = count.getAttribute("data-help-count").split("%(count)s").join(String(results.length));
      }
    }

    // Down arrow from the box goes into the suggestions, up and down move between them,
    // Escape goes back to the box; Tab works as everywhere else.
    function move(event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      if (list.hidden || !links.length) return;
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        if (at === 0) input.focus(); else links[at - 1].focus();
      } else if (event.key === "Escape" && at >= 0) {
        input.focus();
        hide();
      }
    }
    list.addEventListener("keydown", move);

    function lookUp() {
      var query = input.value;
      if (!query.trim()) { hide(); return; }
      var ticket = ++latest;
      var url = endpoint + "?limit=5&language=" + languageOfPage() + "&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (ticket === latest) show(body.results || []); })
        .catch(hide);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, PAUSE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide(); else move(event);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-help-search]"), enhance);
  });
})();
