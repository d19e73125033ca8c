// Every moderator page: the queue counts in the navigation, kept fresh without a reload, and
// times as people read them ("4 min ago", the full time in this browser's time zone on hover).
// A static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  const refresh = document.querySelector('meta[name="counts-refresh"]');
  const everySeconds = Math.max(1, Number(refresh && refresh.content) || 15);

  async function refreshCounts() {
    const badges = document.querySelectorAll("[data-count]");
    if (!badges.length) {
      return;
    }
    let counts;
    try {
      const response = await fetch("/queue/api/counts", {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        return; // logged out or the server is busy: keep the last counts
      }
      counts = await response.json();
    } catch (_) {
      return;
    }
    badges.forEach((badge) => {
      const value = counts[badge.dataset.count];
      if (typeof value === "number" && badge.textContent !== String(value)) {
        badge.textContent = String(value);
      }
    });
  }

  const full = new Intl.DateTimeFormat(undefined, {
    dateStyle: "full",
    timeStyle: "long",
  });
  const day = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

  // "4 min", "3 hours", "2 days"
  function span(seconds) {
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) {
      return minutes + " min";
    }
    const hours = Math.round(minutes / 60);
    if (hours < 24) {
      return hours + (hours === 1 ? " hour" : " hours");
    }
    const days = Math.round(hours / 24);
    return days + (days === 1 ? " day" : " days");
  }

  function ago(when, now) {
    const seconds = Math.round((now - when) / 1000);
    if (seconds < -45) {
      return "in " + span(-seconds); // an expiry: "in 7 days"
    }
    if (seconds < 45) {
      return "just now";
    }
    return seconds < 7 * 86400 ? span(seconds) + " ago" : day.format(when);
  }

  function readableTimes() {
    const now = Date.now();
    document.querySelectorAll("time[datetime]").forEach((el) => {
      const when = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(when.getTime())) {
        return; // the server's rendering stays
      }
      el.textContent = ago(when, now);
      el.title = full.format(when);
    });
  }

  readableTimes();
  setInterval(readableTimes, 30000);
  setInterval(refreshCounts, everySeconds * 1000);
  // Back to this tab, or a decision here: the counts are probably out of date.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      refreshCounts();
    }
  });
  document.addEventListener("moderation:changed", refreshCounts);
  window.moderationTimes = readableTimes; // for parts of a page added later (the author panel)
})();
