/* Kefu console: the browser phone, for agents who answer hotline calls in the console.
 *
 * Loaded only on their pages (with the vendored Twilio Voice SDK, vendor/twilio.min.js).
 * It fetches an access token from the URL in #browser-phone's data-token-url, registers a
 * Twilio.Device, and shows accept / decline in the call's screen pop (live.js fetches the
 * pop when the server says the call rings for this agent). No framework, no build step. */
(function () {
  "use strict";

  var holder = document.getElementById("browser-phone");
  var tokenUrl = holder && holder.getAttribute("data-token-url");
  if (!tokenUrl || !window.Twilio || !window.Twilio.Device || !window.fetch) return;

  var device = null;
  var incoming = null;

  function token() {
    return fetch(tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("token " + response.status);
        return response.json();
      })
      .then(function (data) { return data.token; });
  }

  // The pop is (re)loaded by htmx: its buttons show while a call is offered here.
  function showControls() {
    document.querySelectorAll("[data-phone-controls]").forEach(function (controls) {
      controls.hidden = !incoming;
    });
  }

  function forget() {
    incoming = null;
    showControls();
  }

  document.addEventListener("htmx:afterSettle", showControls);

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || !incoming) return;
    if (target.closest("[data-phone-accept]")) {
      incoming.accept();
      document.querySelectorAll("[data-phone-controls]").forEach(function (c) { c.hidden = true; });
    } else if (target.closest("[data-phone-decline]")) {
      incoming.reject();
      forget();
    }
  });

  token().then(function (value) {
    device = new window.Twilio.Device(value, { closeProtection: true });
    device.on("incoming", function (call) {
      incoming = call;
      showControls();
      call.on("cancel", forget);
      call.on("disconnect", forget);
      call.on("reject", forget);
    });
    device.on("tokenWillExpire", function () {
      token().then(function (fresh) { device.updateToken(fresh); });
    });
    device.on("error", function (error) {
      if (window.console) window.console.warn("browser phone:", error && error.message);
    });
    return device.register();
  }).catch(function (error) {
    if (window.console) window.console.warn("browser phone unavailable:", error && error.message);
  });
})();
