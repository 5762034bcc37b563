// The tag form: suggestion chips, then POST /search streaming NDJSON progress events,
// a stage-by-stage progress bar, and on success the run's own page.
(function () {
  const form = document.getElementById("search-form");
  if (!form) return;
  const tagsInput = document.getElementById("tags");
  const errorBox = document.getElementById("error");
  const panel = document.getElementById("progress");
  const fill = document.getElementById("bar-fill");
  const bar = panel.querySelector(".bar");
  const button = document.getElementById("go");
  const queueLine = document.getElementById("queue-line");

  document.querySelectorAll(".chip[data-tag]").forEach((chip) => {
    chip.addEventListener("click", () => {
      const tags = tagsInput.value.split(/[\s,]+/).filter(Boolean);
      if (!tags.some((t) => t.replace(/^#/, "").toLowerCase() === chip.dataset.tag.toLowerCase())) {
        tags.push(chip.dataset.tag);
      }
      tagsInput.value = tags.join(" ");
    });
  });

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    panel.hidden = true;
    button.disabled = false;
  }

  // "3rd in line, about 40 s" while the job waits; "" (once it runs) hides the line.
  function showQueue(text) {
    queueLine.textContent = text;
    queueLine.hidden = !text;
  }

  function showProgress(event) {
    showQueue("");
    const percent = Math.round(event.fraction * 100);
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    let seen = false;
    panel.querySelectorAll(".stages li").forEach((li) => {
      const count = li.querySelector(".count");
      if (li.dataset.stage === event.stage) {
        seen = true;
        li.className = event.done >= event.total && event.total > 0 ? "done" : "active";
        // "4/9" only where a stage has several steps (videos read, soundtrack steps); 0/1 says nothing.
        if (count) count.textContent = event.total > 1 ? event.done + "/" + event.total : "";
      } else {
        li.className = seen ? "" : "done";
      }
    });
  }
  window.trendtokProgress = { show: showProgress, queue: showQueue, panel: panel };

  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    panel.hidden = false;
    fill.style.width = "0%";
    showQueue("");
    panel.querySelectorAll(".stages li").forEach((li) => (li.className = ""));
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/x-ndjson" },
      });
    } catch (err) {
      return showError("Could not reach the studio: " + err.message);
    }
    if (!response.ok) {
      let message = "The studio answered " + response.status;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      return showError(message);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line);
        if (event.event === "progress") showProgress(event);
        else if (event.event === "queue") showQueue(window.trendtokJobs.queueText(event.queue_position, event.eta_s));
        else if (event.event === "error") return showError(event.error);
        else if (event.event === "result") {
          window.location.href = "/runs/" + event.result.run_id;
          return;
        }
      }
    }
    showError("The connection closed before the result arrived; please try again.");
  });
})();
