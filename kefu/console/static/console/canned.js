/* Kefu console: the reply box's "/" shortcut for canned replies.
 *
 * Typing "/" at the start of a word in #reply-text opens a list of canned replies,
 * filtered by shortcut or title as the agent keeps typing. The server sends them
 * already written for this conversation (the customer's language, placeholders
 * filled), so this script only inserts text. The list follows the WAI-ARIA
 * listbox-popup pattern: focus stays in the textarea, aria-activedescendant names
 * the highlighted option, arrows move, Enter or Tab inserts, Escape closes.
 * The reply form is swapped by htmx after each send, so everything is delegated
 * from the document and the textarea is looked up on each event. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return;
  var suggestUrl = script.getAttribute("data-suggest-url");
  var cannedBase = script.getAttribute("data-canned-url");
  var emptyText = script.getAttribute("data-empty") || "";
  var listLabel = script.getAttribute("data-label") || "";
  var TEXTAREA_ID = "reply-text";
  var LIST_ID = "canned-listbox";

  var list = null;       // the <ul role="listbox">, created on first use
  var items = [];        // the replies shown, as the server sent them
  var active = -1;       // index of the highlighted option
  var trigger = null;    // {start, end}: the "/word" being replaced in the textarea
  var requestNumber = 0; // answers to superseded requests are dropped
  var timer = 0;

  function textarea() {
    var element = document.getElementById(TEXTAREA_ID);
    return element instanceof HTMLTextAreaElement ? element : null;
  }

  function ensureList(box) {
    if (!list) {
      list = document.createElement("ul");
      list.id = LIST_ID;
      list.className = "canned-listbox";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", listLabel);
      list.hidden = true;
      list.addEventListener("mousedown", function (event) {
        // Keep the focus (and the caret) in the textarea while choosing with the mouse.
        event.preventDefault();
      });
      list.addEventListener("click", function (event) {
        var option = event.target instanceof Element ? event.target.closest("[role=option]") : null;
        if (option) choose(Number(option.getAttribute("data-index")));
      });
    }
    // The textarea may be a new one after an htmx swap: the list lives just after it.
    if (list.previousElementSibling !== box) box.insertAdjacentElement("afterend", list);
    box.setAttribute("aria-controls", LIST_ID);
    box.setAttribute("aria-autocomplete", "list");
    return list;
  }

  /* The "/word" that ends at the caret, when the slash starts a word. */
  function findTrigger(box) {
    var caret = box.selectionStart;
    if (caret !== box.selectionEnd) return null;
    var before = box.value.slice(0, caret);
    var match = /(^|\s)\/([^\s\/]{0,40})$/.exec(before);
    if (!match) return null;
    return { start: caret - match[2].length - 1, end: caret, query: match[2] };
  }

  function close() {
    var box = textarea();
    trigger = null;
    items = [];
    active = -1;
    window.clearTimeout(timer);
    requestNumber += 1;
    if (list) { list.hidden = true; list.textContent = ""; }
    if (box) {
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }
  }

  function highlight(index) {
    var box = textarea();
    if (!list || !box) return;
    active = index;
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0 && options[index]) {
      box.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function show(box, replies) {
    var listbox = ensureList(box);
    items = replies;
    listbox.textContent = "";
    if (!replies.length) {
      var none = document.createElement("li");
      none.className = "canned-empty";
      none.setAttribute("role", "presentation");
      none.textContent = emptyText;
      listbox.appendChild(none);
    }
    replies.forEach(function (reply, index) {
      var option = document.createElement("li");
      option.id = LIST_ID + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("data-index", String(index));
      option.setAttribute("lang", reply.language);
      var head = document.createElement("span");
      head.className = "canned-title";
      head.textContent = reply.title;
      var shortcut = document.createElement("code");
      shortcut.textContent = "/" + reply.shortcut;
      var preview = document.createElement("span");
      preview.className = "canned-preview";
      preview.textContent = reply.text.length > 90 ? reply.text.slice(0, 90) + "…" : reply.text;
      option.append(head, " ", shortcut, preview);
      listbox.appendChild(option);
    });
    listbox.hidden = false;
    box.setAttribute("aria-expanded", "true");
    highlight(replies.length ? 0 : -1);
  }

  function fetchMatches(box, query) {
    var number = ++requestNumber;
    var url = suggestUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) {
        if (number !== requestNumber || !trigger) return;
        show(box, data.items || []);
      })
      .catch(function () { if (number === requestNumber) close(); });
  }

  function csrfToken(box) {
    var field = box.form ? box.form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    return field instanceof HTMLInputElement ? field.value : "";
  }

  function choose(index) {
    var box = textarea();
    var reply = items[index];
    if (!box || !reply || !trigger) return;
    var value = box.value;
    box.value = value.slice(0, trigger.start) + reply.text + value.slice(trigger.end);
    var caret = trigger.start + reply.text.length;
    box.setSelectionRange(caret, caret);
    close();
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
    // Counted when inserted (see kefu.canned.actions.record_use for why).
    fetch(cannedBase + reply.id + "/used/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(box) },
    }).catch(function () { /* a lost count is not worth bothering the agent */ });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || box.id !== TEXTAREA_ID) return;
    var found = findTrigger(box);
    if (!found) { if (trigger) close(); return; }
    trigger = found;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { fetchMatches(box, found.query); }, 120);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || box.id !== TEXTAREA_ID) return;
    if (!list || list.hidden || !trigger) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var count = items.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight((active - 1 + count) % count);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target instanceof HTMLTextAreaElement && event.target.id === TEXTAREA_ID) close();
  });
})();
