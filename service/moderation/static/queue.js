// The queue page: keyboard moderation, claims and decisions over fetch (JSON, CSRF header).
// Loaded as a static file: the Content-Security-Policy allows no inline script at all.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("queue");
  const statusLine = document.getElementById("status");
  const help = document.getElementById("help");
  let current = null;

  function items() {
    return Array.from(list.querySelectorAll("li.comment"));
  }

  function say(text) {
    statusLine.textContent = text;
  }

  async function call(method, url, body) {
    const options = {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = {};
    try {
      data = await response.json();
    } catch (_) {
      data = {};
    }
    if (!response.ok) {
      throw new Error(data.detail || data.title || response.statusText);
    }
    return data;
  }

  // Opening a comment claims it, so a second moderator sees who is on it.
  async function open(li) {
    if (!li) {
      return;
    }
    if (current) {
      current.classList.remove("current");
    }
    current = li;
    li.classList.add("current");
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
    try {
      const answer = await call("POST", "/queue/api/claims/" + encodeURIComponent(li.dataset.id));
      const badge = li.querySelector(".claim");
      if (answer.claimed) {
        badge.hidden = true;
        badge.textContent = "";
        li.classList.remove("taken");
      } else {
        badge.textContent = answer.by + " has it";
        badge.hidden = false;
        li.classList.add("taken");
      }
    } catch (error) {
      say(error.message);
    }
  }

  function leave(li) {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    if (current === li) {
      current = null;
      open(next);
    }
    if (!items().length) {
      const empty = document.createElement("p");
      empty.id = "empty";
      empty.className = "empty";
      empty.textContent = "Nothing left here. Well done.";
      list.after(empty);
    }
  }

  async function decide(lis, action) {
    if (!lis.length) {
      return;
    }
    const body = { ids: lis.map((li) => li.dataset.id), action: action };
    // One comment is rejected with the reason chosen on it; bulk rejects each with its strongest.
    if (action === "reject" && lis.length === 1) {
      body.guideline = lis[0].querySelector("select.reason").value;
    }
    try {
      const answer = await call("POST", "/queue/api/decisions", body);
      answer.decided.forEach((d) => {
        const li = document.getElementById("c-" + d.id);
        if (li) {
          leave(li);
        }
      });
      let text = answer.decided.length + (action === "approve" ? " approved" : " rejected");
      if (answer.refused.length) {
        text += "; not decided: " + answer.refused.map((r) => r.why).join("; ");
      }
      say(text);
    } catch (error) {
      say(error.message);
    }
  }

  async function skip(li) {
    if (!li) {
      return;
    }
    call("DELETE", "/queue/api/claims/" + encodeURIComponent(li.dataset.id)).catch(() => {});
    leave(li);
    say("skipped");
  }

  function move(step) {
    const all = items();
    if (!all.length) {
      return;
    }
    const at = current ? all.indexOf(current) : -1;
    const next = all[Math.min(all.length - 1, Math.max(0, at + step))];
    if (next !== current) {
      open(next);
    }
  }

  function picked() {
    return items().filter((li) => li.querySelector("input.pick").checked);
  }

  list.addEventListener("click", (event) => {
    const li = event.target.closest("li.comment");
    if (!li) {
      return;
    }
    if (event.target.closest("button.approve")) {
      decide([li], "approve");
    } else if (event.target.closest("button.reject")) {
      decide([li], "reject");
    } else if (event.target.closest("button.skip")) {
      skip(li);
    } else if (li !== current && !event.target.closest("select, input, a")) {
      open(li);
    }
  });

  document.getElementById("bulk-approve").addEventListener("click", () => decide(picked(), "approve"));
  document.getElementById("bulk-reject").addEventListener("click", () => decide(picked(), "reject"));
  document.getElementById("select-all").addEventListener("change", (event) => {
    items().forEach((li) => {
      li.querySelector("input.pick").checked = event.target.checked;
    });
  });
  document.getElementById("help-toggle").addEventListener("click", () => {
    help.hidden = !help.hidden;
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const tag = event.target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && event.target.type !== "checkbox")) {
      return;
    }
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => current && decide([current], "approve"),
      r: () => current && decide([current], "reject"),
      s: () => skip(current),
      x: () => {
        if (current) {
          const box = current.querySelector("input.pick");
          box.checked = !box.checked;
        }
      },
      "?": () => {
        help.hidden = !help.hidden;
      },
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  open(items()[0]);
})();
