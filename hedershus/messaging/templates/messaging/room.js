/* The room's live thread (issue 9, item 2; docs/messaging.md, "Conversations and real time").
 * Included inline in messaging/thread.html with the CSP nonce, like the shell's scripts: a
 * script file would leave its address in the browser's compiled-code cache.
 * Progressive enhancement: without it, or when the socket cannot open, the form posts as usual.
 * Uses no storage of any kind (no localStorage, sessionStorage, IndexedDB, cookies): what is
 * not yet acknowledged lives in this page's memory and in the list the visitor sees.
 *
 * - Sends over /ws/room/ with a client id (crypto.randomUUID); shows "Sending…", and "Sent"
 *   only on the server's ack, which comes after the commit.
 * - Reconnects with backoff; after each (re)connect asks for everything after the last
 *   sequence number it has and sends again, with the same client ids, what was not acknowledged
 *   (the server stores a client id once).
 * - New replies are announced in an aria-live region.
 * - Above the room's send rate the server answers "rate_limited" with retry_after seconds:
 *   the message stays pending (in the list, marked as waiting) and everything pending is sent
 *   again, in order, once that time has passed. The text is never dropped.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-thread]");
  if (!root || !window.WebSocket || !window.crypto || !window.crypto.randomUUID) {
    return;
  }
  var list = root.querySelector("[data-messages]");
  var announce = root.querySelector("[data-announce]");
  var connection = root.querySelector("[data-connection]");
  var form = document.querySelector("[data-message-form]");
  var acuteBox = document.getElementById("acute-help");
  var standInNotice = document.querySelector("[data-stand-in-notice]");
  var labels = root.dataset;
  var lastSeq = parseInt(root.dataset.lastSeq, 10) || 0;
  var conversation = root.dataset.conversation ? parseInt(root.dataset.conversation, 10) : null;
  var pending = {}; // client id -> {text, acute}: sent, not yet acknowledged
  var socket = null;
  var opened = false; // the socket has opened at least once
  var stopped = false;
  var delay = 1000;
  // The page is being left (a form sent other than over the socket, a link followed): the
  // server may end the room session and close the socket (4401) before the next page arrives,
  // and a reload then would replace that page, e.g. "You have left the room" (issue 9).
  var leaving = false;
  var sentOverSocket = null; // the submit event this script handled itself
  var retryTimer = null; // the resend after a "rate_limited" answer

  function attached() {
    // The shell may replace the page's body in place (single_entry.js): then stop.
    if (!document.body.contains(root)) {
      stopped = true;
      if (socket) {
        socket.close();
      }
      return false;
    }
    return true;
  }

  // The room has left this browser (left, quick exit or deleted, in this tab or another):
  // the conversation goes off the screen at once, before any reload, so that a tab left
  // open does not show it to whoever picks up the phone next (a tester's finding).
  function forget(text) {
    stopped = true;
    var main = root.closest("main") || document.body;
    var notice = document.createElement("p");
    notice.setAttribute("role", "status");
    notice.textContent = text || "";
    main.replaceChildren(notice);
  }

  function status(text) {
    connection.textContent = text || "";
    connection.hidden = !text;
  }

  function senderLabel(message) {
    if (message.sender === "visitor") {
      return labels.labelYou;
    }
    if (message.sender === "system") {
      return labels.labelSystem;
    }
    return message.name || labels.labelCentre;
  }

  // Times as the server writes them (views.message_time_text): "30 nov 02:59", day, the
  // month's abbreviation in the page's language and the time, in the centre's zone (the page
  // says so), not the phone's: a reply must not look older than the message it answers.
  // Intl converts to the zone; the month's name is the server's (data-months), as Intl's
  // differ in some languages, and the calendar Gregorian (Intl's Persian default is not).
  var months = (labels.months || "").split("|");
  var timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat("en", {
      timeZone: labels.timeZone || undefined, calendar: "gregory", numberingSystem: "latn",
      day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  } catch (error) {
    timeFormat = null; // an unknown zone: the time is left out rather than told wrong
  }

  function timeText(iso) {
    var when = new Date(iso);
    if (isNaN(when) || !timeFormat || !timeFormat.formatToParts) {
      return "";
    }
    var parts = {};
    timeFormat.formatToParts(when).forEach(function (part) {
      parts[part.type] = part.value;
    });
    var month = months.length === 12 ? months[parseInt(parts.month, 10) - 1] : parts.month;
    return parts.day + " " + month + " " + parts.hour + ":" + parts.minute;
  }

  function item(clientId) {
    return list.querySelector('li[data-client-id="' + clientId + '"]');
  }

  function render(message, li) {
    li = li || document.createElement("li");
    li.textContent = "";
    li.className = "message message-" + message.sender + (message.acute ? " message-acute" : "");
    li.dataset.clientId = message.client_id;
    if (message.seq) {
      li.dataset.seq = String(message.seq);
      li.id = "m" + message.seq;
    }
    var meta = document.createElement("p");
    meta.className = "message-meta";
    var who = document.createElement("span");
    who.className = "message-sender";
    who.textContent = senderLabel(message);
    meta.appendChild(who);
    if (message.created_at) {
      var time = document.createElement("time");
      time.dateTime = message.created_at;
      time.textContent = " " + timeText(message.created_at);
      meta.appendChild(time);
    }
    li.appendChild(meta);
    if (message.text) {
      var text = document.createElement("p");
      text.className = "message-text";
      text.dir = "auto"; // a message in Arabic on a Swedish page reads right to left
      text.textContent = message.text; // CSS keeps the line breaks (white-space: pre-line)
      li.appendChild(text);
    }
    if (message.attachment) {
      var file = document.createElement("p");
      file.className = "message-file";
      var link = document.createElement("a");
      link.href = form.action.replace(/send\/$/, "files/" + message.attachment.id + "/");
      link.setAttribute("download", "");
      link.textContent = labels.labelFile;
      file.appendChild(link);
      li.appendChild(file);
    }
    if (message.state) {
      var state = document.createElement("p");
      state.className = "message-state";
      state.textContent = message.state;
      li.appendChild(state);
    }
    return li;
  }

  function removeEmptyNote() {
    var empty = root.querySelector("[data-empty]");
    if (empty) {
      empty.remove();
    }
  }

  // A live reply from someone other than the room's contact person: the visitor is told
  // someone else is answering, as the page says after a reload (first names only).
  function standInShow(message) {
    if (!standInNotice || message.sender !== "staff" || !message.name || !labels.contactName ||
        message.name === labels.contactName) {
      return;
    }
    standInNotice.textContent = labels.labelStandIn.replace("{name}", message.name);
    standInNotice.hidden = false;
  }

  // The conversation this page showed was closed and a new one started (the visitor wrote
  // again): its messages move, read-only, under "Earlier conversations", as the server shows
  // them after a reload; what was written to the visitor must not vanish (issue 9).
  function keepAsEarlier(items) {
    var earlier = document.querySelector("[data-earlier]");
    if (!earlier || !items.length) {
      items.forEach(function (li) {
        li.remove();
      });
      return;
    }
    var past = document.createElement("ol");
    past.className = "messages messages-earlier";
    items.forEach(function (li) {
      // Sequence numbers start again in the new conversation: the old ones lose theirs.
      li.removeAttribute("id");
      delete li.dataset.seq;
      delete li.dataset.clientId;
      Array.prototype.forEach.call(li.querySelectorAll(".message-state"), function (state) {
        state.remove();
      });
      past.appendChild(li);
    });
    earlier.appendChild(past);
    earlier.hidden = false;
  }

  function reset(frame) {
    // Messages the frame carries stay where they are and are updated below: among them the
    // ones this page sent, whose "Sent" (their ack may have come before this frame) must
    // stay. Unacknowledged ones stay too. The rest belong to the conversation before.
    var carried = {};
    frame.messages.forEach(function (message) {
      carried[message.client_id] = true;
    });
    var old = Array.prototype.filter.call(list.querySelectorAll("li[data-seq]"), function (li) {
      return !carried[li.dataset.clientId] && !pending[li.dataset.clientId];
    });
    if (conversation !== null && frame.conversation !== conversation) {
      keepAsEarlier(old);
    } else {
      old.forEach(function (li) {
        li.remove();
      });
    }
    lastSeq = 0;
  }

  function received(frame) {
    if (!frame.reset && frame.conversation !== null && conversation !== null && frame.conversation !== conversation) {
      // A new conversation was opened since this page: ask for all of it.
      send({ type: "sync", after: 0, conversation: null });
      return;
    }
    if (frame.reset) {
      reset(frame);
    }
    conversation = frame.conversation;
    var news = [];
    frame.messages.forEach(function (message) {
      var li = item(message.client_id);
      if (!li) {
        li = render(message);
        list.appendChild(li);
        if (message.sender !== "visitor") {
          news.push(senderLabel(message) + ": " + message.text);
        }
        standInShow(message);
      } else {
        // Stored on the server: a message this page sent now reads "Sent".
        if (li.querySelector(".message-state")) {
          message = Object.assign({}, message, { state: labels.labelSent });
        }
        render(message, li);
      }
      delete pending[message.client_id];
      lastSeq = Math.max(lastSeq, message.seq);
    });
    if (frame.reset) {
      // What is still on its way goes after what the server has (an appendChild moves it).
      Object.keys(pending).forEach(function (clientId) {
        var li = item(clientId);
        if (li) {
          list.appendChild(li);
        }
      });
    }
    if (frame.messages.length) {
      removeEmptyNote();
    }
    if (news.length) {
      announce.textContent = labels.labelNewReply + " " + news.join(" ");
    }
  }

  function acked(frame) {
    var entry = pending[frame.client_id];
    delete pending[frame.client_id];
    var li = item(frame.client_id);
    if (li) {
      li.dataset.seq = String(frame.seq);
      li.id = "m" + frame.seq;
      var state = li.querySelector(".message-state");
      if (state) {
        state.textContent = labels.labelSent;
        state.removeAttribute("role");
      }
    }
    if (entry && entry.acute && acuteBox) {
      acuteBox.hidden = false;
    }
  }

  function waitAndResend(frame) {
    var li = item(frame.client_id);
    var state = li && li.querySelector(".message-state");
    if (state) {
      state.textContent = labels.labelWaiting;
      state.setAttribute("role", "status");
    }
    if (retryTimer === null) {
      var seconds = Math.min(Math.max(parseInt(frame.retry_after, 10) || 5, 1), 60);
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        sendPending();
      }, seconds * 1000 + Math.floor(Math.random() * 500));
    }
  }

  function refused(frame) {
    if (frame.error === "rate_limited" && frame.client_id && pending[frame.client_id]) {
      waitAndResend(frame); // kept in pending: sent again, not lost
      return;
    }
    if (frame.client_id && pending[frame.client_id]) {
      delete pending[frame.client_id];
      var li = item(frame.client_id);
      if (li) {
        var state = li.querySelector(".message-state");
        state.textContent = frame.message;
        state.setAttribute("role", "alert");
      }
    } else if (frame.message) {
      status(frame.message);
    }
  }

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(payload));
      return true;
    }
    return false;
  }

  function sendPending() {
    Object.keys(pending).forEach(function (clientId) {
      var entry = pending[clientId];
      send({ type: "send", client_id: clientId, text: entry.text, acute: entry.acute });
    });
  }

  function connect() {
    if (stopped || !attached()) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.dataset.socketPath);
    socket.addEventListener("open", function () {
      opened = true;
      delay = 1000;
      root.dataset.live = "on"; // for tests and styles: the live connection is up
      status("");
      send({ type: "sync", after: lastSeq, conversation: conversation });
      sendPending();
    });
    socket.addEventListener("message", function (event) {
      if (!attached()) {
        return;
      }
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (frame.type === "messages") {
        received(frame);
      } else if (frame.type === "ack") {
        acked(frame);
      } else if (frame.type === "error") {
        refused(frame);
      } else if (frame.kind === "room.deleted") {
        forget(labels.labelDeleted);
      }
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      root.dataset.live = "off";
      if (stopped || !attached()) {
        return;
      }
      if (event.code === 4401 || event.code === 4403) {
        // The room session ended (left, idle, quick exit, here or in another tab): a reload
        // leads to the entry. Not while another page is on its way (this tab's own leave,
        // whose answer says "You have left the room"); only if it never comes.
        if (leaving) {
          stopped = true;
          window.setTimeout(function () {
            if (document.body.contains(root)) {
              forget(labels.labelEnded);
              window.location.reload();
            }
          }, 15000);
          return;
        }
        forget(labels.labelEnded);
        window.location.reload();
        return;
      }
      if (opened) {
        status(labels.labelOffline);
      }
      Object.keys(pending).forEach(function (clientId) {
        var state = item(clientId) && item(clientId).querySelector(".message-state");
        if (state) {
          state.textContent = labels.labelFailed;
        }
      });
      window.setTimeout(connect, delay + Math.floor(Math.random() * 500));
      delay = Math.min(delay * 2, 30000);
    });
  }

  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    // Files, and any message while the socket is not open, go by the plain form post.
    if ((file && file.files.length) || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    var textarea = form.querySelector("textarea");
    var acute = form.querySelector("input[name=acute]");
    var text = textarea.value.trim();
    if (!text) {
      return; // the server's answer explains
    }
    event.preventDefault();
    sentOverSocket = event;
    var clientId = window.crypto.randomUUID();
    pending[clientId] = { text: text, acute: !!(acute && acute.checked) };
    if (acute && acute.checked && acuteBox) {
      // Show 112 at once, before the server answers (issue 9, item 4).
      acuteBox.hidden = false;
    }
    removeEmptyNote();
    list.appendChild(render({
      client_id: clientId, sender: "visitor", text: text, acute: pending[clientId].acute,
      state: retryTimer === null ? labels.labelSending : labels.labelWaiting
    }));
    if (retryTimer === null) {
      send({ type: "send", client_id: clientId, text: text, acute: pending[clientId].acute });
    } // else it goes with the waiting ones, after them, when the wait is over
    textarea.value = "";
    if (acute) {
      acute.checked = false;
    }
    textarea.focus();
  });

  // Any other submit leads to another page: the ordinary way, or in discreet mode with fetch,
  // the answer shown in place (single_entry.js), which detaches this thread.
  window.addEventListener("submit", function (event) {
    if (event !== sentOverSocket) {
      leaving = true;
    }
  });
  window.addEventListener("beforeunload", function () {
    leaving = true;
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      leaving = false; // back from the back/forward cache: still here after all
    }
  });

  connect();
})();
