/* One history entry per visit, in discreet mode (issue 7, item 21; docs/safety.md).
 * Included inline after quick_exit.js, for the same reason (no script file in the code cache).
 * Uses no storage of any kind; does nothing unless <body> has data-single-entry.
 *
 * - A click on a link to this site replaces the current history entry (location.replace)
 *   instead of adding one. After a quick exit, which replaces that one entry with /exit,
 *   Back leads to where the visitor was before the site.
 * - A form of this site is sent with fetch (a search is a POST: its terms never go in an
 *   address); the answer replaces the page's body and title in place, and the address
 *   becomes the answer's (history.replaceState). If that fails, the form is sent the
 *   ordinary way, which adds one history entry: a form is never lost.
 * - The page's own Back link ([data-back]) leads to the page of this site the visitor came
 *   from (document.referrer), instead of one level up.
 * Without JavaScript, links and forms add history entries as usual.
 */
(function () {
  "use strict";

  if (!window.fetch || !window.DOMParser || !window.URL || !window.history.replaceState) {
    return;
  }

  // This page's CSP nonce: scripts of a page shown in place (below) run with it.
  var nonce = document.currentScript ? document.currentScript.nonce : "";

  function active() {
    return document.body !== null && document.body.hasAttribute("data-single-entry");
  }

  function sameSite(url) {
    return url.origin === window.location.origin && (url.protocol === "http:" || url.protocol === "https:");
  }

  function focusMain() {
    window.scrollTo(0, 0);
    var main = document.getElementById("main");
    if (main) {
      main.focus({ preventScroll: true });
    }
  }

  function pointBackLink() {
    var link = document.querySelector("a[data-back]");
    if (!link || !document.referrer) {
      return;
    }
    var from = new URL(document.referrer);
    var here = new URL(window.location.href);
    var sameLanguage = from.pathname.split("/")[1] === here.pathname.split("/")[1];
    if (sameSite(from) && sameLanguage && from.pathname !== here.pathname) {
      link.href = from.pathname + from.hash;
    }
  }

  // The answer to a form, shown in place of the current page without a new history entry.
  function show(html, url) {
    var next = new DOMParser().parseFromString(html, "text/html");
    if (!next.body || !next.body.classList.contains("portal")) {
      throw new Error("not a page of this site");
    }
    var have = {};
    Array.prototype.forEach.call(document.head.querySelectorAll("link[rel=stylesheet]"), function (link) {
      have[link.getAttribute("href")] = link;
    });
    Array.prototype.forEach.call(next.head.querySelectorAll("link[rel=stylesheet]"), function (link) {
      var href = link.getAttribute("href");
      if (have[href]) {
        delete have[href];
      } else {
        document.head.appendChild(document.importNode(link, true));
      }
    });
    Object.keys(have).forEach(function (href) {
      have[href].remove();
    });
    document.title = next.title;
    document.documentElement.lang = next.documentElement.lang;
    document.documentElement.dir = next.documentElement.dir;
    // Scripts parsed by DOMParser never run: this script and the quick exit's keep working
    // through their listeners on document and window.
    document.body.replaceWith(document.adoptNode(next.body));
    // A page's own inline script marked data-page-script (the room's chat) runs again here,
    // under this page's nonce; the shell's scripts are not marked, their listeners live on.
    Array.prototype.forEach.call(document.body.querySelectorAll("script[data-page-script]"), function (old) {
      var script = document.createElement("script");
      script.nonce = nonce;
      script.textContent = old.textContent;
      old.replaceWith(script);
    });
    window.history.replaceState(null, "", url);
    pointBackLink();
    focusMain();
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    if (!active()) {
      return;
    }
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("data-quick-exit") || link.hasAttribute("download")) {
      return;
    }
    var target = link.getAttribute("target");
    if (target && target !== "_self") {
      return;
    }
    var url = new URL(link.href, window.location.href);
    if (!sameSite(url)) {
      return;
    }
    event.preventDefault();
    window.location.replace(url.href);
    // A link within the page (the skip link) moves focus as a followed link would.
    if (url.hash && url.pathname === window.location.pathname) {
      var anchor = document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (anchor && anchor.hasAttribute("tabindex")) {
        anchor.focus();
      }
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented || !active()) {
      return;
    }
    var form = event.target;
    var submitter = event.submitter || null;
    var method = ((submitter && submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get").toLowerCase();
    var action = new URL((submitter && submitter.getAttribute("formaction")) || form.action, window.location.href);
    if (!sameSite(action) || action.pathname === "/exit") {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    if (method !== "post") {
      action.search = new URLSearchParams(data).toString();
      window.location.replace(action.href);
      return;
    }
    var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
    window
      .fetch(action.href, { method: "POST", body: body, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("text/html") !== 0 || !sameSite(new URL(response.url))) {
          throw new Error("not a page of this site");
        }
        return response.text().then(function (html) {
          show(html, response.url);
        });
      })
      .catch(function () {
        HTMLFormElement.prototype.submit.call(form); // no submit event: no loop
      });
  });

  if (active()) {
    pointBackLink();
  }
})();
