/* Kefu console: live updates over WebSocket and a few small page behaviours.
 *
 * Events carry ids only; on each one the page asks the server for fresh HTML
 * fragments (htmx), so nothing here knows how a conversation is rendered and a
 * missed event only means a later refresh. No framework, no build step. */
(function () {
  "use strict";

  var body = document.body;

  /* ---------- small behaviours ---------- */

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest("[data-print]")) { window.print(); return; }
    // A whole inbox row opens its conversation, unless a link or control was clicked.
    var row = target.closest("tr[data-href]");
    if (row && !target.closest("a, button, input, select, label")) {
      if (event.metaKey || event.ctrlKey) window.open(row.getAttribute("data-href"), "_blank");
      else location.href = row.getAttribute("data-href");
    }
    // Close an open menu when clicking elsewhere.
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) &&
        target instanceof HTMLTextAreaElement && target.hasAttribute("data-submit-on-ctrl-enter")) {
      event.preventDefault();
      if (target.form) target.form.requestSubmit();
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    var label = input.closest(".file-pick");
    if (!label) return;
    var text = label.querySelector("span");
    if (!label.dataset.original) label.dataset.original = text.textContent;
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    text.textContent = names.length ? names.join(", ") : label.dataset.original;
    label.classList.toggle("has-files", names.length > 0);
  });

  /* Tabs (WAI-ARIA Authoring Practices, automatic activation): a click or an arrow key
   * selects a tab and shows its panel; only the selected tab is in the Tab order. */
  function selectTab(tab) {
    var list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      if (selected) other.removeAttribute("tabindex"); else other.setAttribute("tabindex", "-1");
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
  }

  document.addEventListener("click", function (event) {
    var tab = event.target instanceof Element && event.target.closest("[role=tab]");
    if (tab) selectTab(tab);
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target instanceof Element && event.target.closest("[role=tab]");
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var at = tabs.indexOf(tab);
    var next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    var target = tabs[(next + tabs.length) % tabs.length];
    selectTab(target);
    target.focus();
  });

  /* Filter forms send only the filters in use, so the address bar stays readable. */
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var data = event.detail && event.detail.formData;
    if (!(elt instanceof Element) || !elt.hasAttribute("data-drop-empty") || !data) return;
    var empty = [];
    data.forEach(function (value, key) {
      if (value === "" || (key === "view" && value === "all")) empty.push(key);
    });
    empty.forEach(function (key) { data.delete(key); });
  });

  /* ---------- the timeline stays at the bottom while the agent is there ---------- */

  var stickToBottom = true;

  function timeline() { return document.getElementById("timeline"); }

  function scrollTimelineToEnd() {
    var el = timeline();
    if (el) el.scrollTop = el.scrollHeight;
  }

  document.addEventListener("scroll", function (event) {
    var el = event.target;
    if (el instanceof Element && el.id === "timeline") {
      stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    }
  }, true);

  document.addEventListener("submit", function (event) {
    if (event.target instanceof Element && event.target.closest(".composer")) stickToBottom = true;
  }, true);

  document.addEventListener("htmx:afterSettle", function () {
    if (stickToBottom) scrollTimelineToEnd();
  });

  document.addEventListener("DOMContentLoaded", scrollTimelineToEnd);
  if (document.readyState !== "loading") scrollTimelineToEnd();

  /* A live refresh must not wipe out what the agent is typing into a panel: it waits
     until the focus leaves the panel. */
  var LIVE_EVENTS = /kefu-(inbox|conversation)-changed/;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!(elt instanceof Element) || !LIVE_EVENTS.test(elt.getAttribute("hx-trigger") || "")) return;
    if (elt.id === "timeline") return;
    var active = document.activeElement;
    if (active && active !== body && elt.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) {
      event.preventDefault();
      elt.setAttribute("data-stale", "1");
    }
  });

  document.addEventListener("focusout", function (event) {
    var stale = event.target instanceof Element && event.target.closest("[data-stale]");
    if (!stale) return;
    setTimeout(function () {
      if (stale.contains(document.activeElement) || !window.htmx) return;
      stale.removeAttribute("data-stale");
      htmx.ajax("GET", stale.getAttribute("hx-get"), { source: stale, target: stale, swap: "outerHTML" });
    }, 150);
  });

  /* ---------- WebSocket ---------- */

  var consoleRoot = body.getAttribute("data-live");
  if (!consoleRoot || !("WebSocket" in window)) return;

  var strings = {};
  try {
    strings = JSON.parse(document.getElementById("kefu-live-strings").textContent);
  } catch (e) { /* toasts fall back to English below */ }

  var conversationId = parseInt(body.getAttribute("data-conversation-id") || "", 10);
  var isSupervisor = body.getAttribute("data-supervisor") === "1";
  var connected = null;

  // The dot is looked up each time: filter changes swap the navigation it sits in.
  function showStatus() {
    var dot = document.querySelector("[data-live-status]");
    if (!dot || connected === null) return;
    dot.classList.toggle("is-live", connected);
    dot.classList.toggle("is-down", !connected);
    dot.title = connected ? (strings.live || "Live") : (strings.reconnecting || "Reconnecting…");
  }

  function setStatus(live) {
    connected = live;
    showStatus();
  }

  document.addEventListener("htmx:afterSettle", showStatus);

  // Several events often arrive together (a reply is "message_added" plus
  // "conversation_updated", on two groups): one refresh answers them all.
  var pending = {};
  function refreshSoon(eventName) {
    if (pending[eventName]) return;
    pending[eventName] = setTimeout(function () {
      delete pending[eventName];
      if (window.htmx) htmx.trigger(body, eventName);
    }, 250);
  }

  function reference(id) {
    var digits = String(id);
    while (digits.length < 6) digits = "0" + digits;
    return "K-" + digits;
  }

  function toastText(event, ref) {
    if (event.kind === "sla_alert") {
      var targets = strings.sla_targets || {};
      var target = targets[event.target] || String(event.target || "");
      var template = event.level === "breach"
        ? (strings.sla_breach || "{target} in {reference} is overdue.")
        : (strings.sla_warning || "{target} in {reference} is due soon.");
      return template.replace("{target}", target).replace("{reference}", ref);
    }
    var safety = event.kind === "secret_exposed"
      ? (strings.exposed || "A customer in {reference} sent a secret.")
      : (strings.blocked || "A reply in {reference} was blocked by the safety guard.");
    return safety.replace("{reference}", ref);
  }

  function toast(event) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var ref = reference(event.conversation_id);
    var item = document.createElement("div");
    item.className = event.kind === "sla_alert" && event.level !== "breach" ? "toast toast-sla-warning" : "toast";
    item.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = toastText(event, ref) + " ";
    var link = document.createElement("a");
    link.href = consoleRoot + "c/" + ref + "/";
    link.textContent = strings.open || "Open";
    text.appendChild(link);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", strings.dismiss || "Dismiss");
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(text);
    item.appendChild(close);
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 30000);
  }

  function handle(event) {
    if (!event || typeof event !== "object") return;
    switch (event.kind) {
      case "message_added":
        if (event.conversation_id === conversationId && event.message_kind === "inbound") {
          chatActivity({ kind: "chat.typing", active: false });
          markRead();
        }
        refreshSoon("kefu-inbox-changed");
        if (event.conversation_id === conversationId) refreshSoon("kefu-conversation-changed");
        break;
      case "conversation_updated":
        refreshSoon("kefu-inbox-changed");
        if (event.conversation_id === conversationId) refreshSoon("kefu-conversation-changed");
        break;
      case "delivery_updated":
        if (event.conversation_id === conversationId) refreshSoon("kefu-conversation-changed");
        break;
      case "chat.typing":
      case "chat.read":
        if (event.conversation_id === conversationId && event.who === "customer") chatActivity(event);
        break;
      case "sla_alert":
        // A warning or a breach, published on the agents group by the SLA sweep: the
        // badges move, and a notice says which conversation.
        toast(event);
        refreshSoon("kefu-inbox-changed");
        if (event.conversation_id === conversationId) refreshSoon("kefu-conversation-changed");
        break;
      case "call.ringing":
      case "call.answered":
      case "call.ended":
        // Sent to this agent's group only; the pop's HTML is fetched, and the server
        // checks again that the call is theirs.
        showCall(event);
        if (event.conversation === conversationId) refreshSoon("kefu-conversation-changed");
        break;
      case "outbound_blocked":
      case "secret_exposed":
        // Safety alerts go to the supervisors' group only; the check is a second guard.
        // One without a conversation (a community post) waits on the alerts page.
        if (isSupervisor && event.conversation_id) toast(event);
        break;
      default:
        break;
    }
  }

  /* ---------- the screen pop of a call ringing for, or with, this agent ---------- */

  function showCall(event) {
    var box = document.getElementById("call-pop");
    if (!box || !window.htmx || typeof event.call !== "number") return;
    box.hidden = false;
    htmx.ajax("GET", consoleRoot + "calls/" + event.call + "/pop/", { target: box, swap: "innerHTML" })
      .then(function () {
        // Ended after someone else took it: the call is no longer this agent's, so the
        // server answered with a refusal, and the pop just closes.
        if (event.kind === "call.ended" && !box.querySelector("[data-call]")) {
          box.hidden = true;
          box.textContent = "";
        }
      });
  }

  document.addEventListener("click", function (event) {
    var close = event.target instanceof Element && event.target.closest("[data-call-pop-close]");
    var box = document.getElementById("call-pop");
    if (close && box) {
      box.hidden = true;
      box.textContent = "";
    }
  });

  /* ---------- live chat: typing indicator and read receipts, both ways ---------- */

  var liveSocket = null;
  var typingSentAt = 0;
  var typingTimer = null;

  function sendFrame(frame) {
    if (liveSocket && liveSocket.readyState === WebSocket.OPEN) liveSocket.send(JSON.stringify(frame));
  }
  // Page scripts that add to the live page (collision.js) send and hear through this socket.
  window.kefuLive = { send: sendFrame };

  function chatActivity(event) {
    var line = document.getElementById("chat-activity");
    if (!line) return;
    if (event.kind === "chat.typing") {
      line.hidden = !event.active;
      line.textContent = event.active ? line.getAttribute("data-typing") : "";
    } else {
      line.hidden = false;
      line.textContent = line.getAttribute("data-read");
    }
  }

  // The open, visible conversation page is what "read" means for an agent.
  function markRead() {
    if (document.getElementById("chat-activity") && document.visibilityState === "visible") {
      sendFrame({ read: conversationId });
    }
  }
  document.addEventListener("visibilitychange", markRead);

  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSentAt) sendFrame({ typing: conversationId, active: false });
    typingSentAt = 0;
  }

  document.addEventListener("input", function (event) {
    if (!(event.target instanceof Element) || event.target.id !== "reply-text") return;
    if (!document.getElementById("chat-activity")) return;
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      sendFrame({ typing: conversationId, active: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 4000);
  });
  document.addEventListener("submit", function (event) {
    if (event.target instanceof Element && event.target.closest(".composer")) stopTyping();
  }, true);

  var attempt = 0;
  var everOpened = false;

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + location.host + "/ws/console/");
    liveSocket = socket;
    socket.addEventListener("open", function () {
      attempt = 0;
      setStatus(true);
      if (conversationId) {
        socket.send(JSON.stringify({ subscribe: conversationId }));
        markRead();
      }
      // Whatever happened while disconnected is fetched once now.
      if (everOpened) {
        refreshSoon("kefu-inbox-changed");
        if (conversationId) refreshSoon("kefu-conversation-changed");
      }
      everOpened = true;
    });
    socket.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; /* not an event */ }
      try { handle(event); } catch (e) { /* a page part missing: the others still hear */ }
      document.dispatchEvent(new CustomEvent("kefu-live", { detail: event }));
    });
    socket.addEventListener("close", function (closed) {
      setStatus(false);
      attempt += 1;
      // Exponential back-off with jitter, so a restarted server is not hit by every
      // console at the same instant; 4401 means the session ended, so wait longest.
      var delay = closed.code === 4401 ? 30000 : Math.min(30000, 1000 * Math.pow(2, attempt - 1));
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    });
  }

  connect();
})();
