/* The room's idle warning (issue 9, item 7; hedershus/rooms/session.py).
 * A room session ends after ROOM_IDLE_MINUTES without a request. This script shows the
 * warning #room-idle (role=alert) ROOM_IDLE_WARNING_MINUTES before the end; its button
 * ("Stay in the room") posts to rooms:stay, which counts as activity. At the end the page
 * goes to the entry form, so the room's content does not stay on the screen.
 * - Included inline (CSP nonce) on every room page; runs once per page load and works on
 *   whatever body is there now: the shell's single-entry script may swap in the answer to a
 *   form, which is itself a request to the server, so a new body restarts the count.
 * - Another script (the conversation's) can report activity it made without a page load
 *   (a message sent over the socket) with: document.dispatchEvent(new Event("hedershus:room-activity")).
 * - Uses no storage and no timers beyond one interval; does nothing without #room-idle.
 */
(function () {
  "use strict";

  if (window.hedershusRoomIdle || !window.fetch) {
    return;
  }
  window.hedershusRoomIdle = true;

  var body = document.body;
  var lastActivity = Date.now();

  function panel() {
    return document.getElementById("room-idle");
  }

  function seconds(element, name) {
    var value = parseInt(element.getAttribute(name), 10);
    return isNaN(value) ? 0 : value;
  }

  function activity() {
    lastActivity = Date.now();
    var element = panel();
    if (element) {
      element.hidden = true;
    }
  }

  function tick() {
    if (document.body !== body) {
      body = document.body; // a new page from the server: the session was used
      activity();
    }
    var element = panel();
    if (!element) {
      return;
    }
    var idle = seconds(element, "data-idle-seconds");
    var warning = seconds(element, "data-warning-seconds");
    var elapsed = (Date.now() - lastActivity) / 1000;
    if (elapsed >= idle) {
      window.location.replace(element.getAttribute("data-enter-url"));
    } else if (elapsed >= idle - warning && element.hidden) {
      element.hidden = false;
      var button = element.querySelector("[data-room-stay]");
      if (button) {
        button.focus();
      }
    }
  }

  // Capture phase, before the single-entry script sees a submit: the button is answered here.
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target && event.target.closest ? event.target.closest("[data-room-stay]") : null;
      if (!button) {
        return;
      }
      event.preventDefault();
      var form = button.form;
      window
        .fetch(form.action, {
          method: "POST",
          body: new URLSearchParams(new FormData(form)),
          credentials: "same-origin",
          cache: "no-store",
        })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          if (answer && answer.in_room) {
            activity();
          } else {
            window.location.replace(panel().getAttribute("data-enter-url"));
          }
        })
        .catch(function () {
          HTMLFormElement.prototype.submit.call(form);
        });
    },
    true
  );

  document.addEventListener("hedershus:room-activity", activity);
  window.setInterval(tick, 5000);
})();
