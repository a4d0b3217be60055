// selfmfa enhancement script: "Copy" and "Print" buttons. Every page works without it; the
// buttons are rendered hidden and only shown here. Same-origin, no inline code, no network.
(function () {
  "use strict";

  function status(id, text) {
    var el = document.querySelector('[data-mfa-copy-status="' + id + '"]');
    if (!el) { return; }
    el.textContent = text;
    window.setTimeout(function () {
      if (el.textContent === text) { el.textContent = ""; }
    }, 4000);
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function fallbackCopy(el) {
    selectText(el);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var id = button.getAttribute("data-mfa-copy");
    var target = document.getElementById(id);
    if (!target) { return; }
    var value = target.getAttribute("data-mfa-value") || target.textContent.replace(/\s+/g, "");
    var done = function () { status(id, "Copied"); };
    var failed = function () {
      if (fallbackCopy(target)) {
        done();
      } else {
        selectText(target);
        status(id, "Selected: press Ctrl+C or \u2318C to copy");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, failed);
    } else {
      failed();
    }
  }

  function init() {
    var i;
    var copyButtons = document.querySelectorAll("[data-mfa-copy]");
    for (i = 0; i < copyButtons.length; i++) {
      copyButtons[i].hidden = false;
      copyButtons[i].addEventListener("click", function (ev) { copy(ev.currentTarget); });
    }
    autoRefresh();
    var printButtons = document.querySelectorAll("[data-mfa-print]");
    for (i = 0; i < printButtons.length; i++) {
      if (typeof window.print !== "function") { continue; }
      printButtons[i].hidden = false;
      printButtons[i].addEventListener("click", function () { window.print(); });
    }
  }

  // The push page's self-refresh: with scripting on, the page's <noscript> meta refresh is inert,
  // so the "Check now" link is followed after its data-mfa-refresh seconds, and a button stops it.
  function autoRefresh() {
    var link = document.querySelector("a[data-mfa-refresh]");
    if (!link) { return; }
    var seconds = parseInt(link.getAttribute("data-mfa-refresh"), 10);
    if (!(seconds > 0)) { return; }
    var timer = window.setTimeout(function () { window.location.replace(link.href); }, seconds * 1000);
    var stop = document.querySelector("[data-mfa-refresh-stop]");
    if (!stop) { return; }
    stop.hidden = false;
    stop.addEventListener("click", function () {
      window.clearTimeout(timer);
      stop.hidden = true;
      var note = document.createElement("p");
      note.setAttribute("role", "status");
      note.textContent = "Automatic checking stopped. Use \u201cCheck now\u201d when you have approved in the app.";
      stop.parentNode.appendChild(note);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
