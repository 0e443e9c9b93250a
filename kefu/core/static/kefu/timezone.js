/* The browser's time zone in the kefu_tz cookie, so the server shows times in it, for the
 * portal and for agents who have not chosen a zone in their preferences. Kept in step
 * with the browser on every page, so a laptop that travels is followed.
 * Pages that carry data-tz-reload are drawn again once when the zone changes. */
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

  syncTimeZone();
})();
