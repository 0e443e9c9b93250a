/* Kefu portal: the pages work without this script. It adds live updates (the browser's
 * time zone is kefu/timezone.js's job): on a /ws/portal/ event the changing part of the
 * page is fetched again (events carry ids only; the content comes through the normal,
 * authorized page). */
(function () {
  "use strict";

  function liveRegions() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-live-url]"));
  }

  function refresh(region) {
    if (region._kefuPending) return;
    region._kefuPending = true;
    // A burst of events (a reply and its status change) becomes one request.
    setTimeout(function () {
      fetch(region.getAttribute("data-live-url"), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (response.redirected || !response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          region.innerHTML = html;
        })
        .catch(function () { /* keep what is shown; the next event or reload catches up */ })
        .then(function () { region._kefuPending = false; });
    }, 250);
  }

  function connect(regions) {
    if (!("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 1000;
    var opened = false;

    function open() {
      var socket = new WebSocket(scheme + location.host + "/ws/portal/");
      socket.onopen = function () {
        // Something may have happened while we were disconnected.
        if (opened) regions.forEach(refresh);
        opened = true;
        delay = 1000;
      };
      socket.onmessage = function (frame) {
        var event;
        try { event = JSON.parse(frame.data); } catch (e) { return; }
        if (!event || !event.conversation_id) return;
        regions.forEach(function (region) {
          var only = region.getAttribute("data-conversation-id");
          if (!only || only === String(event.conversation_id)) refresh(region);
        });
      };
      socket.onclose = function (close) {
        if (close.code === 4401) return; // signed out: nothing to listen to
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var regions = liveRegions();
    if (regions.length) connect(regions);
  });
})();
