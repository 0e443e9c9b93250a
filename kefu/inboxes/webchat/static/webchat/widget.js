/* Kefu live chat widget. One tag on any page:
 *
 *   <script src="https://support.example/static/webchat/widget.js" data-inbox="3" async></script>
 *
 * Optional: data-mode="app" (full page, for a mobile webview; also ?mode=app in the page
 * address), data-lang="zh-Hant", data-identity="<JWT signed by the host site>".
 *
 * No framework and no build step. The widget lives in a shadow root so the host page's
 * styles cannot break it (nor it the host's). Every message the customer sees has a
 * sequence number; on every (re)connect the widget says which one it saw last and the
 * server sends exactly what was missed. Messages typed while offline wait in an outbox
 * (kept in localStorage) and go out on reconnect; their client id makes a resend harmless. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.getAttribute("data-inbox")) return;
  var scriptUrl = new URL(script.src, location.href);
  var server = scriptUrl.origin;
  var inboxId = script.getAttribute("data-inbox");
  var appMode = script.getAttribute("data-mode") === "app" ||
    new URLSearchParams(location.search).get("mode") === "app";
  var identity = script.getAttribute("data-identity") || "";
  var wantedLanguage = script.getAttribute("data-lang") || document.documentElement.lang ||
    navigator.language || "";
  var storageKey = "kefu-chat:" + server + ":" + inboxId;

  var MAX_BACKOFF_MS = 30000;
  var RETRY_FIRST_MS = 3000;
  var SEARCH_PAUSE_MS = 250;
  var SEARCH_RESULTS = 5;
  var TYPING_REPEAT_MS = 3000;
  var TYPING_IDLE_MS = 4000;

  /* ---------- state kept across page loads ---------- */

  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}") || {}; } catch (e) { return {}; }
  }
  var saved = load();
  var state = {
    session: saved.session || "",
    conversation: saved.conversation || null,
    // What this page has rendered: a new page load starts empty, so it asks from 0.
    lastSeq: 0,
    topic: saved.topic || "",
    email: saved.email || "",
    // A guided flow's run token at its hand-off: the first chat message carries it.
    flow: saved.flow || "",
    outbox: saved.outbox || []
  };
  function save() {
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  var strings = {};
  var config = null;
  var socket = null;
  var ready = false;
  var backoff = 1000;
  var agentReadSeq = 0;
  var typingSentAt = 0;
  var typingTimer = null;
  var unread = 0;
  var reconnectTimer = null;
  var retryTimer = null;
  var retryWait = RETRY_FIRST_MS;
  // Only these mean "not now": every other refusal would come back the same on a resend.
  var RETRYABLE = { unavailable: true, rate_limited: true };
  // The flow run cannot hand off (finished meanwhile, or gone): send the message without it.
  var FLOW_REFUSED = { invalid_flow_input: true, invalid_status_transition: true, not_found: true };

  function t(key, values) {
    var text = strings[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // Drawn, not emoji: a webview without an emoji font would show empty boxes.
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    star: "M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5L2.5 9.4l6.6-.9z",
    clip: "M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L5.8 11.4a6 6 0 0 0 8.5 8.5l6.4-6.4",
    close: "M6 6l12 12M18 6L6 18"
  };

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function newClientId() {
    var random = (window.crypto && crypto.getRandomValues)
      ? Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(8)),
        function (b) { return ("0" + b.toString(16)).slice(-2); }).join("")
      : String(Math.random()).slice(2);
    return "c-" + Date.now().toString(36) + "-" + random;
  }

  /* ---------- building the interface ---------- */

  var ui = {};

  function build() {
    var host = el("div", { "class": "kefu-chat-host" });
    document.body.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    root.appendChild(el("link", {
      rel: "stylesheet", href: scriptUrl.href.replace(/widget\.js(\?.*)?$/, "widget.css")
    }));

    ui.launcher = el("button", {
      type: "button", "class": "launcher", "aria-expanded": "false",
      "aria-controls": "kefu-panel", "aria-label": t("open")
    }, [icon("chat"), el("span", { "class": "badge", hidden: "" })]);
    ui.badge = ui.launcher.querySelector(".badge");

    ui.status = el("p", { "class": "status", role: "status", "aria-live": "polite" });
    // The live region wraps the list, so its items stay list items; it is the part that
    // scrolls, so it takes focus for keyboard scrolling.
    ui.log = el("ol", { "class": "messages" });
    ui.logRegion = el("div", { "class": "log", role: "log", "aria-live": "polite",
                               "aria-label": t("title"), tabindex: "0" }, [ui.log]);
    // While the panel is closed its log is not rendered, so a screen reader would not hear
    // a new message; this region outside the panel says it instead.
    ui.announcer = el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite" });
    ui.typing = el("p", { "class": "typing", hidden: "", "aria-live": "polite", text: t("typing") });

    /* pre-chat: topic (triage intents) and an optional email */
    ui.topic = el("select", { id: "kefu-topic", required: "" });
    config.topics.forEach(function (topic) {
      ui.topic.appendChild(el("option", { value: topic.id, text: topic.label }));
    });
    if (state.topic) ui.topic.value = state.topic;
    ui.topic.addEventListener("change", offerFlow);
    ui.flowOffer = el("button", { type: "button", "class": "secondary", text: t("flow_offer") });
    ui.flowOffer.addEventListener("click", function () {
      if (rememberPrechat()) startFlow(ui.topic.value);
    });
    ui.email = el("input", { id: "kefu-email", type: "email", autocomplete: "email", value: state.email });
    ui.prechat = el("form", { "class": "prechat" }, [
      el("label", { "for": "kefu-topic", text: t("topic_prompt") }), ui.topic,
      el("label", { "for": "kefu-email", text: t("email_label") }), ui.email,
      ui.flowOffer,
      el("button", { type: "submit", "class": "primary", text: t("start") })
    ]);
    ui.prechat.addEventListener("submit", function (event) {
      event.preventDefault();
      if (rememberPrechat()) startChat();
    });
    buildHelpSearch();
    buildFlow();
    ui.start = el("div", { "class": "start" }, [ui.help, ui.prechat, ui.flow]);

    /* off-hours: message + email becomes a ticket */
    ui.offlineText = el("textarea", { id: "kefu-offline-text", rows: "4", required: "" });
    ui.offlineEmail = el("input", { id: "kefu-offline-email", type: "email", required: "", autocomplete: "email" });
    ui.offline = el("form", { "class": "offline", hidden: "" }, [
      el("h2", { text: t("offline_title") }),
      el("p", { text: t("offline_intro") }),
      el("p", { "class": "next-open" }),
      el("label", { "for": "kefu-offline-text", text: t("message_label") }), ui.offlineText,
      el("label", { "for": "kefu-offline-email", text: t("offline_email") }), ui.offlineEmail,
      el("button", { type: "submit", "class": "primary", text: t("offline_send") })
    ]);
    ui.offline.addEventListener("submit", sendOffline);

    /* the composer */
    ui.text = el("textarea", { id: "kefu-text", rows: "2", "aria-label": t("message_label"),
                               placeholder: t("message_label") });
    // The file input is never shown nor focused: the attach button, which shows its focus,
    // opens the file picker for it.
    ui.file = el("input", { id: "kefu-file", type: "file", accept: "image/*,application/pdf,.txt,.csv,.log,.json,.md",
                            hidden: "", tabindex: "-1" });
    ui.attach = el("button", { type: "button", "class": "attach", title: t("attach"), "aria-label": t("attach") },
                   [icon("clip")]);
    ui.attach.addEventListener("click", function () { ui.file.click(); });
    ui.composer = el("form", { "class": "composer", hidden: "" }, [
      ui.attach, ui.file, ui.text,
      el("button", { type: "submit", "class": "primary send", text: t("send") })
    ]);
    ui.composer.addEventListener("submit", function (event) { event.preventDefault(); sendText(); });
    ui.text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendText();
      }
    });
    ui.text.addEventListener("input", typing);
    ui.file.addEventListener("change", function () {
      if (ui.file.files && ui.file.files[0]) uploadFile(ui.file.files[0]);
      ui.file.value = "";
    });

    buildTranscript();

    ui.close = el("button", { type: "button", "class": "close", "aria-label": t("close") }, [icon("close")]);
    ui.panel = el("section", {
      id: "kefu-panel", "class": "panel" + (appMode ? " app" : ""), role: "dialog",
      "aria-label": t("title"), lang: config.language
    }, [
      el("header", {}, [el("h1", { text: t("title") }), appMode ? null : ui.close]),
      ui.status, ui.start, ui.offline, ui.logRegion, ui.typing, ui.composer, ui.transcript,
      el("p", { "class": "notice", text: t("safety_notice") })
    ]);
    if (!appMode) ui.panel.hidden = true;

    root.appendChild(ui.panel);
    root.appendChild(ui.announcer);
    if (!appMode) root.appendChild(ui.launcher);

    ui.launcher.addEventListener("click", function () { setOpen(ui.panel.hidden); });
    ui.close.addEventListener("click", function () { setOpen(false); });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !appMode) { setOpen(false); }
    });
    document.addEventListener("visibilitychange", sendRead);

    if (state.started || state.conversation) showChat(); else showPrechat();
  }

  /* The transcript goes only to an address the chat has verified: the host site's
   * verified address for its signed-in user, or one proved here with a mailed code. */
  function buildTranscript() {
    ui.transcriptEmail = el("input", { id: "kefu-transcript-email", type: "email", required: "",
                                       autocomplete: "email", value: state.email });
    ui.transcriptAsk = el("form", { "class": "transcript-step" }, [
      el("label", { "for": "kefu-transcript-email", text: t("transcript_email_label") }), ui.transcriptEmail,
      el("button", { type: "submit", text: t("transcript") })
    ]);
    ui.transcriptAsk.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!ui.transcriptEmail.checkValidity()) { showError("bad_email"); return; }
      if (!send({ type: "transcript", email: ui.transcriptEmail.value.trim() })) showError("network");
    });

    ui.transcriptCodeSent = el("p", { id: "kefu-transcript-code-sent", role: "status" });
    ui.transcriptCode = el("input", { id: "kefu-transcript-code", type: "text", required: "",
                                      inputmode: "numeric", autocomplete: "one-time-code", maxlength: "12",
                                      "aria-describedby": "kefu-transcript-code-sent" });
    ui.transcriptOther = el("button", { type: "button", text: t("transcript_other_address") });
    ui.transcriptOther.addEventListener("click", function () { showTranscriptStep("ask"); });
    ui.transcriptVerify = el("form", { "class": "transcript-step", hidden: "" }, [
      ui.transcriptCodeSent,
      el("label", { "for": "kefu-transcript-code", text: t("transcript_code_label") }), ui.transcriptCode,
      el("button", { type: "submit", text: t("transcript_confirm") }), ui.transcriptOther
    ]);
    ui.transcriptVerify.addEventListener("submit", function (event) {
      event.preventDefault();
      var sent = send({ type: "transcript_code", email: ui.transcriptVerify.getAttribute("data-email"),
                        code: ui.transcriptCode.value.trim() });
      if (!sent) showError("network");
    });

    ui.transcriptDone = el("p", { role: "status", hidden: "" });
    // The case's page on the help center: its state, the next answer, and "escalate".
    ui.caseLink = el("a", { "class": "case-link", target: "_blank", rel: "noopener", hidden: "" });
    ui.transcript = el("div", { "class": "transcript", hidden: "" },
                       [ui.caseLink, ui.transcriptAsk, ui.transcriptVerify, ui.transcriptDone]);
  }

  function showCaseLink(reference) {
    if (!reference || !config.case_url) return;
    ui.caseLink.href = server + config.case_url.replace("REFERENCE", encodeURIComponent(reference)) + "#escalate";
    ui.caseLink.textContent = t("case_link", { reference: reference });
    ui.caseLink.hidden = false;
  }

  function showTranscriptStep(step, email) {
    ui.transcriptAsk.hidden = step !== "ask";
    ui.transcriptVerify.hidden = step !== "code";
    ui.transcriptDone.hidden = step !== "done";
    if (step === "ask") {
      ui.transcriptEmail.focus();
    } else if (step === "code") {
      ui.transcriptVerify.setAttribute("data-email", email);
      ui.transcriptCodeSent.textContent = t("transcript_code_sent", { email: email });
      ui.transcriptCode.value = "";
      ui.transcriptCode.focus();
    } else {
      ui.transcriptDone.textContent = t("transcript_sent");
    }
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      unread = 0;
      ui.badge.hidden = true;
      ui.launcher.setAttribute("aria-label", t("open"));
      ui.announcer.textContent = "";
      var first = ui.start.hidden ? (ui.offline.hidden ? ui.text : ui.offlineText) : ui.helpQuery;
      first.focus();
      sendRead();
    } else {
      ui.launcher.focus();
    }
  }

  function showPrechat() {
    ui.start.hidden = false;
    ui.help.hidden = false;
    ui.prechat.hidden = false;
    ui.flow.hidden = true;
    ui.composer.hidden = true;
    offerFlow();
  }

  function rememberPrechat() {
    if (ui.email.value && !ui.email.checkValidity()) { showError("bad_email"); return false; }
    state.topic = ui.topic.value;
    state.email = ui.email.value.trim();
    save();
    return true;
  }

  function startChat() {
    state.started = true;
    ui.transcriptEmail.value = state.email;
    save();
    showChat();
  }

  function showChat() {
    ui.start.hidden = true;
    ui.offline.hidden = true;
    ui.composer.hidden = false;
    if (!ui.panel.hidden) ui.text.focus();
    renderOutbox();
  }

  function showOffline(nextOpen) {
    ui.start.hidden = true;
    ui.composer.hidden = true;
    ui.offline.hidden = false;
    ui.offlineEmail.value = state.email;
    var line = ui.offline.querySelector(".next-open");
    line.textContent = nextOpen ? t("next_open", { time: new Date(nextOpen).toLocaleString(config.language) }) : "";
  }

  function setStatus(text, kind) {
    ui.status.textContent = text || "";
    ui.status.setAttribute("data-kind", kind || "");
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? Math.round(bytes / 104857.6) / 10 + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  function showError(code) {
    var key = "error_" + code;
    setStatus(strings[key] ? t(key, { limit: sizeText(config.max_attachment_bytes) }) : t("error"));
  }

  /* ---------- before the chat: help search and guided flows ---------- */

  // The public help API, on the widget's server (it answers any site, without cookies).
  function helpApi(path, body, signal) {
    var options = { headers: { Accept: "application/json" }, credentials: "omit", signal: signal };
    if (body) {
      options.method = "POST";
      options.headers["Content-Type"] = "text/plain";  // a simple request: no CORS preflight
      options.body = JSON.stringify(body);
    }
    return fetch(server + "/api/v1/help/" + path, options).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, body: data }; });
    });
  }

  function buildHelpSearch() {
    ui.helpQuery = el("input", { id: "kefu-help-q", type: "search", autocomplete: "off",
                                 "aria-controls": "kefu-help-results" });
    ui.helpCount = el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite" });
    ui.helpResults = el("ul", { id: "kefu-help-results", "class": "results", role: "list", hidden: "" });
    ui.help = el("div", { "class": "help", role: "search" }, [
      el("label", { "for": "kefu-help-q", text: t("help_search") }), ui.helpQuery, ui.helpCount, ui.helpResults
    ]);
    var timer = null;
    ui.helpQuery.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { searchHelp(ui.helpQuery.value); }, SEARCH_PAUSE_MS);
    });
    ui.help.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(ui.helpResults.querySelectorAll("a"));
      var at = links.indexOf(event.target);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!links.length) return;
        event.preventDefault();
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) ui.helpQuery.focus(); else links[Math.min(next, links.length - 1)].focus();
      } else if (event.key === "Escape" && !ui.helpResults.hidden) {
        event.stopPropagation();  // closes the results, not the whole chat
        showResults(null);
        ui.helpQuery.focus();
      }
    });
  }

  // One Chinese character is a word; Latin needs two letters to be worth a search.
  function searchable(query) {
    return /[\u3400-\u9fff\uf900-\ufaff]/.test(query) || query.length >= 2;
  }

  var searchTicket = 0;
  var searchRequest = null;

  function searchHelp(raw) {
    var query = raw.trim();
    var ticket = ++searchTicket;
    // A newer query makes the older answer useless: cancel it rather than wait for it.
    if (searchRequest) searchRequest.abort();
    searchRequest = window.AbortController ? new AbortController() : null;
    if (!searchable(query)) { showResults(null); return; }
    helpApi("search?limit=" + SEARCH_RESULTS + "&language=" + encodeURIComponent(config.language) +
            "&q=" + encodeURIComponent(query), null, searchRequest && searchRequest.signal)
      .then(function (result) {
        if (ticket === searchTicket) showResults(result.ok ? result.body.results : null);
      })
      .catch(function () { if (ticket === searchTicket) showResults(null); });
  }

  function showResults(results) {
    ui.helpResults.replaceChildren();
    ui.helpResults.hidden = !results || !results.length;
    ui.helpCount.textContent = !results ? "" : results.length
      ? t("help_results", { count: results.length }) : t("help_none");
    (results || []).forEach(function (result) {
      ui.helpResults.appendChild(el("li", {}, [
        el("a", { href: new URL(result.url, server).href, target: "_blank", rel: "noopener" }, [
          el("strong", { text: result.title }), snippet(result.snippet)
        ])
      ]));
    });
  }

  /* The snippet is escaped HTML whose only markup is <mark>. It is parsed in an inert
   * document and rebuilt from its text: whatever else it might hold arrives as text. */
  function snippet(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html").body;
    var out = el("span", { "class": "snippet" });
    Array.prototype.forEach.call(parsed.childNodes, function (node) {
      out.appendChild(node.nodeName === "MARK" ? el("mark", { text: node.textContent })
        : document.createTextNode(node.textContent));
    });
    return out;
  }

  function topicHasFlow() {
    return config.topics.some(function (topic) { return topic.id === ui.topic.value && topic.flow; });
  }

  function offerFlow() { ui.flowOffer.hidden = !topicHasFlow(); }

  function buildFlow() {
    ui.flowTitle = el("h2", { id: "kefu-flow-title", tabindex: "-1" });
    ui.flowBody = el("div", { "class": "flow-step" });
    ui.flowAgent = el("button", { type: "button", "class": "secondary" });
    ui.flowAgent.addEventListener("click", startChat);
    ui.flow = el("section", { "class": "flow", "aria-labelledby": "kefu-flow-title", hidden: "" }, [
      ui.flowTitle, ui.flowBody, ui.flowAgent
    ]);
  }

  function startFlow(intent) {
    helpApi("flows/" + encodeURIComponent(intent) + "/runs", { language: config.language })
      .then(function (result) {
        if (!result.ok) { showError((result.body.error || {}).code); return; }
        ui.help.hidden = true;
        ui.prechat.hidden = true;
        ui.flow.hidden = false;
        renderRun(result.body);
        ui.flowTitle.focus();
      })
      .catch(function () { showError("network"); });
  }

  function answerFlow(run, value, problem) {
    helpApi("flows/runs/" + encodeURIComponent(run.token) + "/answer", { value: value })
      .then(function (result) {
        if (result.ok) { renderRun(result.body); return; }
        var error = result.body.error || {};
        // A refused answer leaves the run where it was; the server says what it expects.
        if (problem && error.code === "invalid_flow_input") problem.textContent = error.message;
        else showError(error.code);
      })
      .catch(function () { showError("network"); });
  }

  function renderRun(run) {
    var step = run.step;
    setStatus("");
    ui.flowTitle.textContent = run.title;
    ui.flowBody.replaceChildren();
    state.flow = run.needs_email ? run.token : "";
    save();
    ui.flowAgent.className = run.needs_email ? "primary" : "secondary";
    ui.flowAgent.textContent = run.outcome === "solved" ? t("still_need_help") : t("talk_to_agent");
    if (run.needs_email) {
      ui.flowBody.appendChild(el("p", { text: t("flow_handoff") }));
      ui.flowAgent.focus();
    } else if (step.kind === "ask") {
      var input = el("input", { id: "kefu-flow-input", type: "text", "aria-describedby": "kefu-flow-problem" });
      input.required = !step.optional;
      var problem = el("p", { id: "kefu-flow-problem", "class": "problem", role: "alert" });
      var form = el("form", {}, [
        el("label", { "for": "kefu-flow-input", text: step.text }), input, problem,
        el("button", { type: "submit", "class": "primary", text: t("flow_next") })
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        answerFlow(run, input.value, problem);
      });
      ui.flowBody.appendChild(form);
    } else {
      ui.flowBody.appendChild(el("p", { text: step.text }));
      var choices = el("div", { "class": "choices", role: "group", "aria-label": step.text });
      step.choices.forEach(function (choice) {
        var button = el("button", { type: "button", "class": "secondary", text: choice.label });
        button.addEventListener("click", function () { answerFlow(run, choice.value, null); });
        choices.appendChild(button);
      });
      ui.flowBody.appendChild(choices);
    }
  }

  /* ---------- the message log ---------- */

  function item(key) { return ui.log.querySelector('[data-key="' + key + '"]'); }

  function renderMessage(frame) {
    if (state.conversation && frame.conversation_id !== state.conversation) return;
    if (item("s" + frame.seq)) return;  // already shown: a resume can repeat one
    var pending = frame.client_id ? item("c" + frame.client_id) : null;
    var mine = frame.author === "customer";
    var who = mine ? t("you") : frame.agent
      ? frame.agent.name + " · " + frame.agent.public_id : t("support");
    var body = el("div", { "class": "bubble" }, [el("span", { "class": "who", text: who })]);
    if (frame.text) body.appendChild(el("p", { text: frame.text }));
    (frame.attachments || []).forEach(function (file) {
      var link = el("a", { href: server + file.url, target: "_blank", rel: "noopener", text: file.name });
      if (file.type.indexOf("image/") === 0) {
        link.textContent = "";
        link.appendChild(el("img", { src: server + file.url, alt: file.name }));
      }
      body.appendChild(link);
    });
    var receipt = mine ? el("span", { "class": "receipt", text: t("delivered") }) : null;
    var node = el("li", { "class": mine ? "mine" : "theirs", "data-key": "s" + frame.seq,
                          "data-seq": String(frame.seq) }, [body, receipt]);
    if (pending) ui.log.replaceChild(node, pending); else insertInOrder(node, frame.seq);
    if (frame.seq > state.lastSeq) { state.lastSeq = frame.seq; save(); }
    if (mine) updateReceipts();
    else {
      ui.typing.hidden = true;
      if (ui.status.getAttribute("data-kind") === "queue") setStatus("");
      if (ui.panel.hidden) {
        unread += 1;
        ui.badge.hidden = false;
        ui.badge.textContent = String(unread);
        ui.launcher.setAttribute("aria-label", t("open") + " — " + t("new_message"));
        ui.announcer.textContent = t("announce_message", {
          name: who, text: frame.text || (frame.attachments || []).map(function (f) { return f.name; }).join(", ")
        });
      }
      sendRead();
    }
    ui.logRegion.scrollTop = ui.logRegion.scrollHeight;
  }

  function insertInOrder(node, seq) {
    var after = null;
    Array.prototype.some.call(ui.log.querySelectorAll("[data-seq]"), function (other) {
      if (Number(other.getAttribute("data-seq")) > seq) { after = other; return true; }
      return false;
    });
    var firstPending = ui.log.querySelector("[data-pending]");
    ui.log.insertBefore(node, after || firstPending);
  }

  function renderOutbox() {
    state.outbox.forEach(function (queued) {
      if (item("c" + queued.client_id)) return;
      var node = el("li", { "class": "mine", "data-key": "c" + queued.client_id, "data-pending": "" }, [
        el("div", { "class": "bubble" }, [el("span", { "class": "who", text: t("you") }),
          el("p", { text: queued.text || (queued.file_name || "") })]),
        el("span", { "class": "receipt", text: ready ? t("sending") : t("waiting_network") })
      ]);
      ui.log.appendChild(node);
    });
    ui.logRegion.scrollTop = ui.logRegion.scrollHeight;
  }

  function updateReceipts() {
    Array.prototype.forEach.call(ui.log.querySelectorAll("li.mine[data-seq]"), function (node) {
      var receipt = node.querySelector(".receipt");
      if (receipt) {
        receipt.textContent = Number(node.getAttribute("data-seq")) <= agentReadSeq ? t("read") : t("delivered");
      }
    });
  }

  /* ---------- the satisfaction survey, inline once the case is resolved ---------- */

  // Surveys belong to the feedback app: read by the chat's session, answered by the
  // survey's token, both over HTTP on the widget's server.
  function loadSurvey() {
    if (!state.conversation || !state.session) return;
    var url = server + "/feedback/widget/survey/?inbox=" + encodeURIComponent(inboxId) +
      "&session=" + encodeURIComponent(state.session) +
      "&conversation=" + encodeURIComponent(state.conversation) +
      "&lang=" + encodeURIComponent(config.language);
    fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) { if (body && body.survey) renderSurvey(body.survey); })
      .catch(function () { /* the next state frame or survey event asks again */ });
  }

  function removeSurvey() {
    var card = item("survey");
    if (card) card.remove();
  }

  function renderSurvey(survey) {
    if (survey.conversation_id !== state.conversation) return;
    if (!survey.open && !survey.answered) { removeSurvey(); return; }
    var card = item("survey");
    if (card && card.getAttribute("data-token") === survey.token) {
      // Never redraw under the customer's fingers: a form being filled in stays as it is.
      if (survey.answered && !card.hasAttribute("data-editing")) showSurveyThanks(card, survey);
      return;
    }
    if (card) card.remove();
    card = buildSurvey(survey);
    ui.log.appendChild(card);
    if (survey.answered) showSurveyThanks(card, survey); else showSurveyForm(card, survey);
    ui.logRegion.scrollTop = ui.logRegion.scrollHeight;
  }

  function radio(name, value, id, label, extra) {
    var input = el("input", { type: "radio", name: name, value: value, id: id, "class": "visually-hidden" });
    var text = el("label", { "for": id }, extra ? [extra, el("span", { "class": "visually-hidden", text: label })]
                                              : [el("span", { text: label })]);
    return [input, text];
  }

  function buildSurvey(survey) {
    // Native radio groups: arrow keys move between the stars and between yes and no,
    // and each star's label says "4 of 5 stars" to a screen reader.
    var stars = el("div", { "class": "stars" });
    for (var n = 1; n <= 5; n++) {
      radio("kefu-rating", String(n), "kefu-survey-r" + n, t("survey_star", { count: n }), icon("star"))
        .forEach(function (node) { stars.appendChild(node); });
    }
    var choices = el("div", { "class": "yes-no" });
    radio("kefu-outside", "yes", "kefu-survey-yes", t("survey_yes")).concat(
      radio("kefu-outside", "no", "kefu-survey-no", t("survey_no"))
    ).forEach(function (node) { choices.appendChild(node); });
    var form = el("form", { "class": "survey-form" }, [
      el("fieldset", {}, [el("legend", { text: t("survey_rating") }), stars]),
      el("label", { "for": "kefu-survey-comment", text: t("survey_comment") }),
      el("textarea", { id: "kefu-survey-comment", rows: "2" }),
      el("fieldset", {}, [el("legend", { text: t("survey_outside") }), choices]),
      el("p", { "class": "problem", role: "alert" }),
      el("button", { type: "submit", "class": "primary", text: t("survey_send") })
    ]);
    var card = el("li", { "class": "survey", "data-key": "survey", "data-token": survey.token,
                          "aria-labelledby": "kefu-survey-title" }, [
      el("h2", { id: "kefu-survey-title", text: t("survey_title") }), form,
      el("div", { "class": "survey-thanks", role: "status", hidden: "" })
    ]);
    stars.addEventListener("change", function () { paintStars(card); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendSurvey(card);
    });
    return card;
  }

  function paintStars(card) {
    var checked = card.querySelector('input[name="kefu-rating"]:checked');
    var rating = checked ? Number(checked.value) : 0;
    Array.prototype.forEach.call(card.querySelectorAll(".stars label"), function (label, index) {
      label.classList.toggle("on", index < rating);
    });
  }

  function showSurveyForm(card, survey) {
    var form = card.querySelector("form");
    card.setAttribute("data-editing", "");
    form.hidden = false;
    card.querySelector(".survey-thanks").hidden = true;
    if (survey.rating) form.querySelector("#kefu-survey-r" + survey.rating).checked = true;
    form.querySelector("#kefu-survey-comment").value = survey.comment || "";
    if (survey.contacted_outside !== null && survey.contacted_outside !== undefined) {
      form.querySelector(survey.contacted_outside ? "#kefu-survey-yes" : "#kefu-survey-no").checked = true;
    }
    paintStars(card);
  }

  function showSurveyThanks(card, survey) {
    card.removeAttribute("data-editing");
    card.querySelector("form").hidden = true;
    var thanks = card.querySelector(".survey-thanks");
    thanks.replaceChildren(el("p", { text: t("survey_thanks") }));
    if (survey.contacted_outside) {
      thanks.appendChild(el("p", { "class": "warning", text: t("survey_outside_warning") }));
      thanks.appendChild(el("a", { href: server + config.report_url, target: "_blank", rel: "noopener",
                                   "class": "report", text: t("survey_report") }));
    }
    if (survey.open) {
      var change = el("button", { type: "button", "class": "secondary", text: t("survey_change") });
      change.addEventListener("click", function () {
        showSurveyForm(card, survey);
        card.querySelector('input[name="kefu-rating"]:checked').focus();
      });
      thanks.appendChild(change);
    }
    thanks.hidden = false;
  }

  function sendSurvey(card) {
    var form = card.querySelector("form");
    var problem = form.querySelector(".problem");
    var checked = form.querySelector('input[name="kefu-rating"]:checked');
    problem.textContent = "";
    if (!checked) {
      problem.textContent = t("error_rating_out_of_range");
      form.querySelector("#kefu-survey-r1").focus();
      return;
    }
    var outside = form.querySelector('input[name="kefu-outside"]:checked');
    fetch(server + "/feedback/widget/answer/", {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "text/plain" },  // a simple request: no CORS preflight
      body: JSON.stringify({
        token: card.getAttribute("data-token"), rating: Number(checked.value),
        comment: form.querySelector("#kefu-survey-comment").value,
        contacted_outside: outside ? outside.value === "yes" : null, language: config.language
      })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) { showSurveyThanks(card, result.body); return; }
      var key = "error_" + result.body.code;
      problem.textContent = strings[key] ? t(key) : (result.body.message || t("error"));
    }).catch(function () { problem.textContent = t("error"); });
  }

  /* ---------- talking to the server ---------- */

  function send(frame) {
    if (socket && ready && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function queueMessage(message) {
    state.outbox.push(message);
    save();
    renderOutbox();
    flush();
  }

  function flush() {
    state.outbox.forEach(function (queued) {
      var frame = { type: "message", client_id: queued.client_id, text: queued.text || "",
                    uploads: queued.uploads || [] };
      if (!state.conversation) {
        frame.topic = state.topic;
        frame.email = state.email;
        if (state.flow) frame.flow = state.flow;
      }
      send(frame);
    });
  }

  function sendText() {
    var text = ui.text.value;
    if (!text.trim()) return;
    ui.text.value = "";
    stopTyping();
    queueMessage({ client_id: newClientId(), text: text });
    ui.text.focus();
  }

  function uploadFile(file) {
    if (file.size > config.max_attachment_bytes) { showError("attachment_rejected"); return; }
    var form = new FormData();
    form.append("inbox", inboxId);
    form.append("session", state.session);
    form.append("file", file);
    fetch(server + "/chat/upload/", { method: "POST", body: form })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) { showError(result.body.code); return; }
        queueMessage({ client_id: newClientId(), text: "", uploads: [result.body.id], file_name: result.body.name });
      })
      .catch(function () { showError("network"); });
  }

  function sendOffline(event) {
    event.preventDefault();
    fetch(server + "/chat/offline/", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },  // a simple request: no CORS preflight
      body: JSON.stringify({ inbox: inboxId, email: ui.offlineEmail.value.trim(),
                             text: ui.offlineText.value, topic: state.topic, language: config.language })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) { showError(result.body.code); return; }
      ui.offline.replaceChildren(el("p", { role: "status", text: t("offline_sent", { reference: result.body.reference }) }));
    }).catch(function () { showError("network"); });
  }

  function typing() {
    var now = Date.now();
    if (now - typingSentAt > TYPING_REPEAT_MS) {
      typingSentAt = now;
      send({ type: "typing", active: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSentAt) send({ type: "typing", active: false });
    typingSentAt = 0;
  }

  function sendRead() {
    if (ui.panel.hidden || document.visibilityState !== "visible") return;
    var last = 0;
    Array.prototype.forEach.call(ui.log.querySelectorAll("li.theirs[data-seq]"), function (node) {
      last = Math.max(last, Number(node.getAttribute("data-seq")));
    });
    if (last > (state.readSent || 0) && send({ type: "read", seq: last })) state.readSent = last;
  }

  var handlers = {
    welcome: function (frame) {
      state.session = frame.session;
      save();
      ready = true;
      backoff = 1000;
      setStatus("");
      if (!frame.service_open && !state.conversation && !state.outbox.length) showOffline(config.service.next_open);
      flush();
      renderOutboxStatus();
    },
    conversation: function (frame) {
      if (frame.id !== state.conversation) {
        // A new conversation (the old one was closed): numbering starts again.
        state.conversation = frame.id;
        state.lastSeq = 0;
        state.readSent = 0;
        Array.prototype.forEach.call(ui.log.querySelectorAll("[data-seq]"), function (node) { node.remove(); });
        save();
      }
      ui.transcript.hidden = false;
      showCaseLink(frame.reference);
      agentReadSeq = Math.max(agentReadSeq, frame.agent_read_seq || 0);
      updateReceipts();
      if (frame.status === "closed" || frame.status === "resolved") setStatus(t("closed"));
      else if (frame.agent) setStatus(t("agent_joined", { name: frame.agent.name, agent_id: frame.agent.public_id }));
      // A resolved chat may have its survey waiting (sent while this page was away); a
      // reopened one asks again when it is resolved again.
      if (frame.status === "resolved") loadSurvey();
      else removeSurvey();
    },
    survey: function () { loadSurvey(); },
    queue: function (frame) {
      if (frame.position === null) return;
      // Always an estimate or the reason there is none (the server names it).
      var parts = [t("queue_position", { position: frame.position })];
      var seconds = frame.estimated_wait_seconds;
      if (seconds === null) {
        if (frame.reason === "closed" && frame.opens_at) {
          parts.push(t("wait_closed_until", { time: new Date(frame.opens_at).toLocaleString(config.language) }));
        } else parts.push(t(frame.reason === "closed" ? "wait_closed" : "no_agents"));
      } else {
        if (frame.reason === "manual") parts.push(t("wait_manual"));
        parts.push(seconds > 0 ? t("estimated_wait", { minutes: Math.max(1, Math.round(seconds / 60)) }) : t("wait_soon"));
      }
      setStatus(parts.join(" "), "queue");
    },
    message: renderMessage,
    ack: function (frame) {
      retryWait = RETRY_FIRST_MS;
      state.outbox = state.outbox.filter(function (queued) { return queued.client_id !== frame.client_id; });
      if (!state.conversation) state.conversation = frame.conversation_id;
      state.flow = "";
      save();
      var pending = item("c" + frame.client_id);
      if (pending) {
        pending.removeAttribute("data-pending");
        pending.setAttribute("data-seq", String(frame.seq));
        pending.setAttribute("data-key", "s" + frame.seq);
        updateReceipts();
      }
    },
    resumed: function (frame) {
      if (frame.last_seq > state.lastSeq) { state.lastSeq = frame.last_seq; save(); }
      sendRead();
    },
    typing: function (frame) { ui.typing.hidden = !frame.active; },
    read: function (frame) { agentReadSeq = Math.max(agentReadSeq, frame.seq); updateReceipts(); },
    transcript_code_sent: function (frame) { setStatus(""); showTranscriptStep("code", frame.email); },
    transcript_queued: function () { setStatus(""); showTranscriptStep("done"); },
    error: function (frame) {
      if (frame.client_id && state.flow && FLOW_REFUSED[frame.code]) {
        state.flow = "";
        save();
        flush();
        return;
      }
      if (frame.code === "code_expired") showTranscriptStep("ask");
      if (frame.client_id && RETRYABLE[frame.code]) {
        // Nothing was stored: the message stays in the outbox and goes again, each time
        // a little later, so a struggling server is not hammered by every open widget.
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, retryWait * (1 + Math.random() * 0.5));
        retryWait = Math.min(retryWait * 2, MAX_BACKOFF_MS);
      } else if (frame.client_id) {
        // Refused for good (a character that cannot be stored, too long, a bad file):
        // resending would fail the same way. It leaves the outbox but stays on screen,
        // marked as not sent, so the customer still has the text.
        state.outbox = state.outbox.filter(function (queued) { return queued.client_id !== frame.client_id; });
        save();
        markRefused(frame.client_id);
      }
      showError(frame.code);
    },
    pong: function () {}
  };

  function markRefused(clientId) {
    var pending = item("c" + clientId);
    if (!pending) return;
    pending.removeAttribute("data-pending");
    pending.setAttribute("data-refused", "");
    pending.querySelector(".receipt").textContent = t("not_sent");
  }

  function renderOutboxStatus() {
    Array.prototype.forEach.call(ui.log.querySelectorAll("[data-pending] .receipt"), function (receipt) {
      receipt.textContent = ready ? t("sending") : t("waiting_network");
    });
  }

  function connect() {
    var url = server.replace(/^http/, "ws") + "/ws/chat/?inbox=" + encodeURIComponent(inboxId);
    socket = new WebSocket(url);
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "hello", session: state.session, identity: identity,
                                   conversation: state.conversation, after: state.lastSeq }));
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      var handler = handlers[frame.type];
      if (handler) handler(frame);
    };
    socket.onclose = function () {
      ready = false;
      renderOutboxStatus();
      setStatus(t("reconnecting"));
      // Back off with jitter so a restarted server is not hit by every widget at once.
      var wait = backoff * (0.5 + Math.random());
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      reconnectTimer = setTimeout(connect, wait);
    };
  }

  // Back on the network: try now rather than at the end of a long back-off.
  window.addEventListener("online", function () {
    if (ready) return;
    clearTimeout(reconnectTimer);
    backoff = 1000;
    if (!socket || socket.readyState === WebSocket.CLOSED) connect();
  });

  function start() {
    var url = server + "/chat/config/?inbox=" + encodeURIComponent(inboxId) +
      "&lang=" + encodeURIComponent(wantedLanguage);
    fetch(url).then(function (response) { return response.json(); }).then(function (data) {
      config = data;
      strings = data.strings;
      build();
      connect();
    });
  }

  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
