/* The counsellors' queue and conversation pages, live (issue 9, item 3; docs/messaging.md,
 * "Counsellors' side"). Progressive enhancement: without it the pages work on reload.
 *
 * One socket to /ws/staff/conversations/. Its events are hints without text: on
 * {"kind": "queue"} or {"kind": "acute"} the queue page fetches its lists again (visitors
 * arriving and leaving send one too), at most once every QUEUE_SPACING_MS however many
 * hints come; on a hint about the open conversation the conversation page fetches its
 * thread again. The queue page also fetches every QUEUE_REFETCH_MS while the tab is shown
 * (and at once when it is shown again), so waiting times advance and a visitor whose
 * presence aged out (no hint comes for that) stops showing as active. Acute conversations
 * are announced, with their number, in an aria-live region. Reconnects with backoff and then
 * fetches again, so nothing missed while disconnected stays hidden; the conversation page
 * fetches once the server confirms the subscription, so nothing falls between the two.
 * Uses no storage.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var socketPath = script ? script.dataset.socketPath : "/ws/staff/conversations/";
  var acuteText = script ? script.dataset.acuteText : "";
  var live = document.querySelector("[data-live]");
  var announcer = document.getElementById("acute-announcer");
  var conversation = live && live.dataset.conversation ? parseInt(live.dataset.conversation, 10) : null;
  var socket = null;
  var delay = 1000;
  var fetching = false;
  var again = false;
  var QUEUE_REFETCH_MS = 30000;
  var QUEUE_SPACING_MS = 2000;
  var lastQueueFetch = 0;
  var queueTimer = null;

  // Queue hints come with every visitor arriving or leaving: with many visitors each open
  // queue page would fetch back to back. The first hint fetches at once, later ones within
  // QUEUE_SPACING_MS share one fetch at its end.
  function refreshQueueSoon() {
    if (queueTimer !== null) {
      return;
    }
    var wait = Math.max(0, lastQueueFetch + QUEUE_SPACING_MS - Date.now());
    queueTimer = window.setTimeout(function () {
      queueTimer = null;
      lastQueueFetch = Date.now();
      refresh();
    }, wait);
  }

  function refresh() {
    if (!live) {
      return;
    }
    if (fetching) {
      again = true; // one more fetch after this one, so the last change is never missed
      return;
    }
    fetching = true;
    fetch(live.dataset.fragmentUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          throw new Error("refresh failed");
        }
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        live.replaceChildren.apply(live, Array.prototype.slice.call(parsed.body.childNodes));
      })
      .catch(function () { /* the next hint or a reload catches up */ })
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function announce(text) {
    if (!announcer || !text) {
      return;
    }
    announcer.textContent = "";
    // A fresh text node after clearing, so screen readers announce it again.
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + socketPath);
    socket.addEventListener("open", function () {
      delay = 1000;
      if (conversation !== null) {
        // Fetch only once subscribed: a message posted between a fetch and the
        // subscription would otherwise be missed until the next one.
        socket.send(JSON.stringify({ type: "subscribe", conversation: conversation }));
      } else {
        live.setAttribute("data-socket", "open"); // for tests and styles: updates arrive live
        refresh(); // what changed while the socket was closed
      }
    });
    socket.addEventListener("message", function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (data.type === "subscribed" && data.conversation === conversation) {
        live.setAttribute("data-socket", "open");
        refresh(); // what changed before the subscription and while the socket was closed
        return;
      }
      if (data.kind === "acute") {
        announce(acuteText.replace("{number}", String(data.conversation)));
      }
      if (data.kind === "queue" || data.kind === "acute") {
        if (conversation === null) {
          refreshQueueSoon();
        }
        return;
      }
      if (conversation !== null && data.conversation === conversation && data.kind) {
        refresh();
      }
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      live.setAttribute("data-socket", "closed");
      if (event.code === 4401 || event.code === 4403) {
        return; // signed out or no longer allowed: a reload shows the sign-in page
      }
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  // Standard replies: insert the chosen text at the cursor instead of posting the form
  // (without JavaScript the button posts the draft and the page comes back with both).
  var picker = document.querySelector(".standard-replies");
  var insertButton = picker ? picker.querySelector("button[data-insert]") : null;
  var textBox = document.getElementById("id_text");
  if (picker && insertButton && textBox) {
    insertButton.addEventListener("click", function (event) {
      var option = picker.querySelector("select").selectedOptions[0];
      if (!option) {
        return;
      }
      event.preventDefault();
      var start = textBox.selectionStart || 0;
      var end = textBox.selectionEnd || 0;
      textBox.value = textBox.value.slice(0, start) + option.dataset.body + textBox.value.slice(end);
      textBox.focus();
    });
  }

  if (live && window.WebSocket && window.fetch && window.DOMParser) {
    connect();
    if (conversation === null) {
      window.setInterval(function () {
        if (!document.hidden) {
          refreshQueueSoon();
        }
      }, QUEUE_REFETCH_MS);
      document.addEventListener("visibilitychange", function () {
        if (!document.hidden) {
          refreshQueueSoon();
        }
      });
    }
  }
})();
