// AdWarden console: CSRF header for htmx, keyboard shortcuts, the help overlay, media reveal/re-blur.
// Loaded from the console's own origin (CSP: script-src 'self'); no inline script anywhere.
(function () {
  "use strict";
  var token = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  // Every htmx request carries the session's CSRF token.
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = token();
  });

  var typing = function (el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  };

  var visible = function (el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length); };

  var fillHelp = function () {
    var body = document.querySelector("#help-keys tbody");
    if (!body) return;
    body.textContent = "";
    var add = function (key, label) {
      var tr = document.createElement("tr");
      var k = document.createElement("td");
      var kbd = document.createElement("kbd");
      kbd.textContent = key;
      k.appendChild(kbd);
      var l = document.createElement("td");
      l.textContent = label;
      tr.appendChild(k);
      tr.appendChild(l);
      body.appendChild(tr);
    };
    add("?", "Show this list");
    document.querySelectorAll("[data-key]").forEach(function (el) {
      if (visible(el)) add(el.getAttribute("data-key"), el.getAttribute("data-label") || el.textContent.trim());
    });
    document.querySelectorAll("[data-focus-key]").forEach(function (el) {
      if (visible(el)) add(el.getAttribute("data-focus-key"), el.getAttribute("data-label") || "Focus field");
    });
    add("Esc", "Leave a text field / close this list");
  };

  var openHelp = function () {
    var d = document.getElementById("help");
    if (!d) return;
    fillHelp();
    if (!d.open) d.showModal();
  };

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    var help = document.getElementById("help");
    if (help && help.open) return;  // the dialog handles Esc itself
    if (e.key === "?") { e.preventDefault(); openHelp(); return; }
    var key = e.key;
    var target = null;
    document.querySelectorAll("[data-key]").forEach(function (el) {
      if (!target && el.getAttribute("data-key") === key && visible(el) && !el.disabled) target = el;
    });
    if (target) { e.preventDefault(); target.click(); return; }
    document.querySelectorAll("[data-focus-key]").forEach(function (el) {
      if (!target && el.getAttribute("data-focus-key") === key && visible(el)) target = el;
    });
    if (target) { e.preventDefault(); target.focus(); }
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.closest && t.closest("[data-help='open']")) { openHelp(); return; }
    var img = null;
    if (t.matches && t.matches("img.media")) img = t;
    var btn = t.closest ? t.closest("button.reveal") : null;
    if (btn) img = btn.closest("figure").querySelector("img.media");
    if (!img || !img.classList.contains("blurred")) return;
    e.preventDefault();
    reveal(img);
  });

  var reveal = function (img) {
    var form = new FormData();
    form.append("case_id", img.getAttribute("data-case"));
    form.append("version", img.getAttribute("data-version"));
    form.append("position", img.closest("figure").getAttribute("data-position"));
    fetch(img.getAttribute("data-reveal-url"), {
      method: "POST", body: form, credentials: "same-origin", headers: {"X-CSRF-Token": token()}
    }).then(function (r) {
      if (!r.ok) throw new Error("reveal refused: " + r.status);
      return r.json();
    }).then(function (out) {
      var grey = img.classList.contains("grey");
      img.classList.remove("blurred", "grey");
      img.classList.add("revealed");
      var count = document.getElementById("exposure-count");
      if (count) count.textContent = String(out.exposures);
      window.setTimeout(function () {
        img.classList.add("blurred");
        if (grey) img.classList.add("grey");
        img.classList.remove("revealed");
      }, out.reblur_seconds * 1000);
    }).catch(function (err) {
      img.closest("figure").setAttribute("data-error", String(err));
    });
  };

  // Tests (and curious humans) can see that the shortcuts are live.
  document.documentElement.setAttribute("data-console-ready", "1");

  // Leaving the tab re-blurs everything at once.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      document.querySelectorAll("img.media.revealed").forEach(function (img) {
        img.classList.add("blurred");
        img.classList.remove("revealed");
      });
    }
  });
})();
