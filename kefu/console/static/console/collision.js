/* Kefu console: collision detection on a conversation page.
 *
 * Shows the other agents who have the conversation open (the server keeps that list in
 * the shared cache and sends it on every change), who of them is writing a reply or a
 * note, and who just replied. live.js owns the socket: it hands every event over as a
 * "kefu-live" DOM event and lends its sender as window.kefuLive.send. Nothing here
 * guards a send: the server refuses a reply written without seeing the latest one. */
(function () {
  "use strict";

  var bar = document.getElementById("collision-bar");
  if (!bar) return;
  var conversationId = Number(bar.getAttribute("data-conversation"));
  var me = Number(bar.getAttribute("data-me"));
  var viewersBox = bar.querySelector(".collision-viewers");
  var activityBox = bar.querySelector(".collision-activity");
  var names = {};        // agent id -> name, from the viewers list and composing events
  var others = [];       // the other viewers, as last told
  var composing = {};    // agent id -> {note, until}
  var replied = "";      // "X just replied", shown for a while
  var repliedTimer = null;
  var COMPOSING_MS = 6000;   // a writer's mark lapses without a fresh frame (they stopped)
  var THROTTLE_MS = 3000;

  function text(template, name) { return template.replace("{name}", name); }

  function initials(name) {
    var trimmed = (name || "?").trim();
    return trimmed ? trimmed.slice(0, 1).toUpperCase() : "?";
  }

  function render() {
    var now = Date.now();
    viewersBox.textContent = "";
    if (others.length) {
      var label = document.createElement("span");
      label.textContent = bar.getAttribute("data-viewing");
      viewersBox.appendChild(label);
      others.forEach(function (viewer) {
        var chip = document.createElement("span");
        chip.className = "collision-viewer";
        chip.setAttribute("data-agent", String(viewer.id));
        var avatar = document.createElement("span");
        avatar.className = "avatar agent";
        avatar.setAttribute("aria-hidden", "true");
        avatar.textContent = initials(viewer.name);
        chip.appendChild(avatar);
        chip.appendChild(document.createTextNode(" " + viewer.name));
        viewersBox.appendChild(chip);
      });
    }
    var lines = [];
    Object.keys(composing).forEach(function (id) {
      var mark = composing[id];
      if (mark.until < now) { delete composing[id]; return; }
      lines.push(text(bar.getAttribute(mark.note ? "data-noting" : "data-typing"), names[id] || "?"));
    });
    if (replied) lines.push(replied);
    activityBox.textContent = lines.join(" ");
    bar.hidden = !others.length && !lines.length;
  }

  function handle(event) {
    if (!event || event.conversation_id !== conversationId) return;
    if (event.kind === "conversation.viewers") {
      others = (event.viewers || []).filter(function (viewer) { return viewer.id !== me; });
      others.forEach(function (viewer) { names[viewer.id] = viewer.name; });
      // Someone who left is no longer writing.
      Object.keys(composing).forEach(function (id) {
        if (!others.some(function (viewer) { return String(viewer.id) === id; })) delete composing[id];
      });
      render();
    } else if (event.kind === "agent.composing" && event.agent_id !== me) {
      names[event.agent_id] = event.name;
      if (event.active) composing[event.agent_id] = { note: event.note, until: Date.now() + COMPOSING_MS };
      else delete composing[event.agent_id];
      render();
      setTimeout(render, COMPOSING_MS + 100);
    } else if (event.kind === "message_added" && event.message_kind === "outbound" &&
               event.author_agent_id !== me) {
      delete composing[event.author_agent_id];
      var name = names[event.author_agent_id];
      replied = name ? text(bar.getAttribute("data-replied"), name) : bar.getAttribute("data-replied-anonymous");
      clearTimeout(repliedTimer);
      repliedTimer = setTimeout(function () { replied = ""; render(); }, 60000);
      render();
    }
  }

  document.addEventListener("kefu-live", function (event) { handle(event.detail); });

  /* This agent's own writing, throttled: one frame every few seconds while keys are
   * pressed, and an explicit stop when they pause or send. */
  var sentAt = 0;
  var sentNote = false;
  var stopTimer = null;

  function send(frame) {
    if (window.kefuLive && window.kefuLive.send) window.kefuLive.send(frame);
  }

  function stop() {
    clearTimeout(stopTimer);
    if (sentAt) send({ composing: conversationId, active: false, note: sentNote });
    sentAt = 0;
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLTextAreaElement) || !target.closest(".composer")) return;
    var note = !!target.closest("#pane-note");
    if (Date.now() - sentAt > THROTTLE_MS || note !== sentNote) {
      sentAt = Date.now();
      sentNote = note;
      send({ composing: conversationId, active: true, note: note });
    }
    clearTimeout(stopTimer);
    stopTimer = setTimeout(stop, 4000);
  });
  document.addEventListener("submit", function (event) {
    if (event.target instanceof Element && event.target.closest(".composer")) stop();
  }, true);
})();
