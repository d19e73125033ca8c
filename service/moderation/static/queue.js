// The queue page: keyboard moderation, claims and decisions over fetch (JSON, CSRF header).
// Loaded as a static file: the Content-Security-Policy allows no inline script at all.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("queue");
  const statusLine = document.getElementById("status");
  const help = document.getElementById("help");
  let current = null;
  // The last decision's comments, to put back on "u" or the Undo button: {logId, li, before}.
  let lastDecided = [];

  function items() {
    return Array.from(list.querySelectorAll("li.comment"));
  }

  function say(text) {
    statusLine.textContent = text;
  }

  // An error in the status line; logged out, it links to the login page.
  function fail(error) {
    say(error.message);
    if (error.status === 401) {
      const link = document.createElement("a");
      link.href = "/login";
      link.textContent = " Log in";
      statusLine.append(link);
    }
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
    let response;
    try {
      response = await fetch(url, options);
    } catch (_) {
      throw new Error("The server did not answer; check the connection and try again.");
    }
    let data = {};
    try {
      data = await response.json();
    } catch (_) {
      data = {};
    }
    if (!response.ok) {
      const error = new Error(data.detail || data.title || response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function claimUrl(li) {
    return "/queue/api/claims/" + encodeURIComponent(li.dataset.id);
  }

  // Moving on from a comment gives its claim back, so passing through the queue with j/k does
  // not lock a run of comments away from the other moderators for minutes.
  function release(li) {
    if (li && li.dataset.mine) {
      delete li.dataset.mine;
      call("DELETE", claimUrl(li)).catch((error) => say("could not release a claim: " + error.message));
    }
  }

  // Opening a comment claims it, so a second moderator sees who is on it. `focus`: false when
  // the moderator moved focus there themselves (Tab), which must stay where it is.
  async function open(li, focus = true) {
    if (!li) {
      return;
    }
    if (current) {
      current.classList.remove("current");
      release(current);
    }
    current = li;
    li.classList.add("current");
    if (focus) {
      li.focus({ preventScroll: true });
    }
    li.scrollIntoView({ block: "nearest" });
    try {
      const answer = await call("POST", claimUrl(li));
      const badge = li.querySelector(".claim");
      if (answer.claimed) {
        if (current === li) {
          li.dataset.mine = "1";
        } else {
          call("DELETE", claimUrl(li)).catch(() => {}); // moved on before the claim came back
        }
        badge.hidden = true;
        badge.textContent = "";
        li.classList.remove("taken");
      } else {
        badge.textContent = answer.by + " has it";
        badge.hidden = false;
        li.classList.add("taken");
      }
    } catch (error) {
      fail(error);
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
    // A second key press while the first decision is on its way would only earn a false 409.
    lis = lis.filter((li) => !li.dataset.busy);
    if (!lis.length) {
      return;
    }
    lis.forEach((li) => {
      li.dataset.busy = "1";
    });
    const body = { ids: lis.map((li) => li.dataset.id), action: action };
    let reason = "";
    // One comment is rejected with the reason chosen on it; bulk rejects each with its strongest.
    if (action === "reject" && lis.length === 1) {
      const select = lis[0].querySelector("select.reason");
      body.guideline = select.value;
      reason = " (" + select.options[select.selectedIndex].text + ")";
    }
    try {
      const answer = await call("POST", "/queue/api/decisions", body);
      lastDecided = [];
      answer.decided.forEach((d) => {
        const li = document.getElementById("c-" + d.id);
        if (li) {
          delete li.dataset.mine; // deciding ends the claim
          lastDecided.push({ logId: d.log_id, li: li, before: li.nextElementSibling });
          leave(li);
        }
      });
      let text = answer.decided.length + (action === "approve" ? " approved" : " rejected") + reason;
      if (answer.refused.length) {
        text += "; not decided: " + answer.refused.length + " (" + refusals(answer.refused) + ")";
      }
      say(text);
      document.dispatchEvent(new CustomEvent("moderation:changed"));
      if (lastDecided.length) {
        const button = document.createElement("button");
        button.type = "button";
        button.id = "undo-last";
        button.textContent = "Undo (u)";
        button.addEventListener("click", undoLast);
        statusLine.append(" ", button);
      }
    } catch (error) {
      // A single refused decision answers with its status: "already …" means someone else
      // decided it, so it leaves this page too.
      if (lis.length === 1 && /^already /.test(error.message)) {
        leave(lis[0]);
        say("Someone else decided this comment: " + error.message);
      } else {
        fail(error);
      }
    } finally {
      lis.forEach((li) => {
        delete li.dataset.busy;
      });
    }
  }

  // Put the last decided comments back where they were, held again.
  async function undoLast() {
    const entries = lastDecided;
    lastDecided = [];
    if (!entries.length) {
      return;
    }
    let back = 0;
    try {
      for (const entry of entries) {
        await call("POST", "/queue/api/undo/" + encodeURIComponent(entry.logId));
        const empty = document.getElementById("empty");
        if (empty) {
          empty.remove();
        }
        list.insertBefore(entry.li, entry.before && entry.before.isConnected ? entry.before : null);
        back += 1;
      }
      say(back + " undone: back in the queue");
      document.dispatchEvent(new CustomEvent("moderation:changed"));
      open(entries[0].li);
    } catch (error) {
      fail(error);
    }
  }

  // Refused comments: those someone else already decided leave the page; the others stay,
  // marked with the reason (hover), and the summary counts each reason once.
  function refusals(refused) {
    const counts = {};
    refused.forEach((r) => {
      const li = document.getElementById("c-" + r.id);
      if (li && /^already /.test(r.why)) {
        leave(li);
      } else if (li) {
        li.classList.add("refused");
        li.title = r.why;
        li.querySelector("input.pick").checked = false;
      }
      const key = r.why.replace(/ by .*$/, " by another moderator");
      counts[key] = (counts[key] || 0) + 1;
    });
    return Object.entries(counts)
      .map(([why, n]) => n + " " + why)
      .join("; ");
  }

  async function skip(li) {
    if (!li) {
      return;
    }
    if (current === li) {
      current = null; // leave() opens the next one; this claim is released here
    }
    delete li.dataset.mine;
    const next = li.nextElementSibling || li.previousElementSibling;
    leave(li);
    open(next);
    try {
      await call("DELETE", claimUrl(li));
      say("skipped");
    } catch (error) {
      say("skipped, but its claim stays until it expires: " + error.message);
    }
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

  // Tabbing into another comment's controls makes that comment the current one, so the keys
  // act on the comment that has the focus.
  list.addEventListener("focusin", (event) => {
    const li = event.target.closest("li.comment");
    if (li && li !== current) {
      open(li, false);
    }
  });

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
    if (event.target.closest && event.target.closest("#author-panel")) {
      return; // the author panel has its own controls; Escape closes it (author.js)
    }
    const tag = event.target.tagName;
    if (tag === "TEXTAREA" || (tag === "INPUT" && event.target.type !== "checkbox")) {
      return;
    }
    // In a comment's reason list, arrows and Enter choose a reason; letters stay our keys
    // (the list's type-ahead would otherwise switch the reason on "r" without a word).
    if (tag === "SELECT" && !(event.target.classList.contains("reason") && /^[a-z?]$/.test(event.key))) {
      return;
    }
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => current && decide([current], "approve"),
      r: () => current && decide([current], "reject"),
      s: () => skip(current),
      u: () => undoLast(),
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

  // Start on the first comment nobody else is working on.
  open(items().find((li) => li.querySelector(".claim").hidden) || items()[0]);
})();
