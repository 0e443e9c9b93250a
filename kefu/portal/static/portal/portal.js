/* Kefu portal: the pages work without this script. It adds two things:
 * 1. the browser's time zone in the kefu_tz cookie, so the server shows times in it;
 * 2. live updates: on a /ws/portal/ event the changing part of the page is fetched again
 *    (events carry ids only; the content comes through the normal, authorized page). */
(function () {
  "use strict";

  function syncTimeZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    // IANA names ("Asia/Shanghai") are cookie-safe as they are; the server reads the
    // cookie verbatim, so it is not URL-encoded.
    if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return;
    var current = document.cookie.match(/(?:^|;\s*)kefu_tz=([^;]*)/);
    if (current && current[1] === zone) return;
    document.cookie = "kefu_tz=" + zone +
      ";path=/;max-age=31536000;samesite=lax" + (location.protocol === "https:" ? ";secure" : "");
    // The first page was drawn in the server's zone; draw it again in the viewer's.
    // Only pages that show times, fetched with GET: reloading a form's answer would
    // post it again.
    var stuck = document.cookie.indexOf("kefu_tz=" + zone) !== -1;
    var again = false;
    try {
      again = sessionStorage.getItem("kefu_tz_reloaded") === zone;
      sessionStorage.setItem("kefu_tz_reloaded", zone);
    } catch (e) { again = true; }
    if (stuck && !again && document.body.hasAttribute("data-tz-reload") && document.querySelector("time")) {
      location.reload();
    }
  }

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
    syncTimeZone();
    var regions = liveRegions();
    if (regions.length) connect(regions);
  });
})();
