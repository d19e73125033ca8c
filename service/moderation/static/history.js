// The history page: undo one's own recent decision over fetch (CSRF header, no inline script).
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const statusLine = document.getElementById("status");
  document.querySelectorAll("button.undo").forEach((button) => {
    button.addEventListener("click", async () => {
      let response;
      try {
        response = await fetch("/queue/api/undo/" + encodeURIComponent(button.dataset.log), {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
        });
      } catch (error) {
        statusLine.textContent = "Not undone: the server did not answer (" + error.message + ").";
        return;
      }
      let data = {};
      try {
        data = await response.json();
      } catch (_) {
        data = {};
      }
      if (response.ok) {
        const row = button.closest("tr");
        row.cells[5].textContent = data.status;
        button.remove();
        statusLine.textContent = "undone: the comment is " + data.status + " again";
      } else {
        statusLine.textContent = data.detail || response.statusText;
      }
    });
  });
})();
