/* Quick exit (R11). Included inline (with the CSP nonce) by portal/base.html: a script file
 * would leave its address in the browser's compiled-code cache. Uses no storage of any kind.
 *
 * - A click on any [data-quick-exit] link hides the page at once and replaces the current
 *   history entry with the site's /exit (location.replace), which ends the session, clears
 *   the site's data and redirects to a neutral site. Without JavaScript the same links
 *   simply lead to /exit.
 * - Pressing Shift three times does the same: each press within 5 s of the last; Shift
 *   used as a modifier (Shift+A, Shift+click) does not count; any other key starts over.
 *   The presses still needed are announced in a live region for screen readers.
 */
(function () {
  "use strict";

  var PRESSES_NEEDED = 3;
  var WINDOW_MS = 5000;

  var exitLink = document.querySelector("a[data-quick-exit]");
  if (!exitLink) {
    return;
  }
  var exitUrl = exitLink.getAttribute("href");

  // Looked up each time: single_entry.js may swap the page's body after a form is sent.
  function statusText(name) {
    var status = document.getElementById("quick-exit-status");
    return status ? status.getAttribute(name) : "";
  }

  function announce(message) {
    var status = document.getElementById("quick-exit-status");
    if (status) {
      status.textContent = message || "";
    }
  }

  function leave() {
    document.body.hidden = true;
    announce(statusText("data-leaving"));
    window.location.replace(exitUrl);
  }

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      var link = target && target.closest ? target.closest("a[data-quick-exit]") : null;
      if (link) {
        event.preventDefault();
        leave();
      }
    },
    true
  );

  var count = 0;
  var lastPressAt = 0;
  var shiftDown = false;
  var shiftUsedAsModifier = false;
  var resetTimer = null;

  function reset() {
    count = 0;
    lastPressAt = 0;
    if (resetTimer !== null) {
      window.clearTimeout(resetTimer);
      resetTimer = null;
    }
    announce("");
  }

  window.addEventListener(
    "keydown",
    function (event) {
      if (event.key === "Shift") {
        if (!event.repeat) {
          shiftDown = true;
          shiftUsedAsModifier = false;
        }
        return;
      }
      if (shiftDown) {
        shiftUsedAsModifier = true;
      }
      if (count > 0) {
        reset();
      }
    },
    true
  );

  window.addEventListener(
    "mousedown",
    function () {
      if (shiftDown) {
        shiftUsedAsModifier = true;
      }
    },
    true
  );

  window.addEventListener(
    "keyup",
    function (event) {
      if (event.key !== "Shift") {
        return;
      }
      var usedAsModifier = shiftUsedAsModifier;
      shiftDown = false;
      shiftUsedAsModifier = false;
      if (usedAsModifier) {
        return;
      }
      var now = Date.now();
      count = count > 0 && now - lastPressAt <= WINDOW_MS ? count + 1 : 1;
      lastPressAt = now;
      if (count >= PRESSES_NEEDED) {
        leave();
        return;
      }
      announce(statusText("data-remaining-" + (PRESSES_NEEDED - count)));
      if (resetTimer !== null) {
        window.clearTimeout(resetTimer);
      }
      resetTimer = window.setTimeout(reset, WINDOW_MS + 50);
    },
    true
  );

  // Losing focus (switching apps) loses track of Shift: start over.
  window.addEventListener("blur", function () {
    shiftDown = false;
    shiftUsedAsModifier = false;
    reset();
  });

  // A page restored from the back/forward cache after leaving stays hidden and leaves again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.body.hidden) {
      leave();
    } else {
      reset();
    }
  });
})();
