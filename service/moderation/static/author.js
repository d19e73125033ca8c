// The author panel: opens an author's record beside the queue, and saves standings and notes
// over fetch (the forms post normally without this script). Static file: the CSP forbids inline.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const panel = document.getElementById("author-panel");
  const body = document.getElementById("author-body");
  let opener = null;

  async function load(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) {
      throw new Error(response.status === 401 ? "You are logged out: reload and log in." : response.statusText);
    }
    return response.text();
  }

  // Parsed from our own server-rendered (autoescaped) HTML; no script in it can run under the CSP.
  function show(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    body.replaceChildren(...doc.body.childNodes);
    if (window.moderationTimes) {
      window.moderationTimes();
    }
  }

  async function open(link) {
    opener = link;
    panel.hidden = false;
    body.textContent = "Loading…";
    try {
      show(await load(link.dataset.panel));
      const title = document.getElementById("author-title");
      if (title) {
        title.tabIndex = -1;
        title.focus();
      }
    } catch (error) {
      body.textContent = error.message;
    }
  }

  function close() {
    if (!panel || panel.hidden) {
      return;
    }
    panel.hidden = true;
    if (opener) {
      opener.focus();
    }
  }

  async function submit(form) {
    const record = form.closest(".author-record");
    const status = form.querySelector("button[type=submit]");
    status.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf },
        body: new FormData(form),
      });
      if (!response.ok) {
        let detail = response.statusText;
        try {
          detail = (await response.json()).detail || detail;
        } catch (_) {}
        throw new Error(detail);
      }
      const html = await load(record.dataset.panel);
      if (panel && panel.contains(record)) {
        show(html);
      } else {
        const doc = new DOMParser().parseFromString(html, "text/html");
        record.replaceWith(doc.querySelector(".author-record"));
        if (window.moderationTimes) {
          window.moderationTimes();
        }
      }
    } catch (error) {
      status.disabled = false;
      const line = document.createElement("p");
      line.className = "error";
      line.setAttribute("role", "alert");
      line.textContent = "Not saved: " + error.message;
      form.append(line);
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.author-link");
    if (link && panel && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      open(link);
    }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest(".author-record form");
    if (form) {
      event.preventDefault();
      submit(form);
    }
  });
  if (panel) {
    document.getElementById("author-close").addEventListener("click", close);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        close();
      }
    });
  }
})();
