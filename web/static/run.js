// The run page: a timestamp next to a summary sentence, keyword, transcript segment or
// caption plays its source video from that second.
(function () {
  document.addEventListener("click", (event) => {
    const stamp = event.target.closest(".ts");
    if (!stamp) return;
    const video = document.querySelector(`video[data-video-id="${CSS.escape(stamp.dataset.video)}"]`);
    if (!video) return;
    video.currentTime = Number(stamp.dataset.t) || 0;
    video.scrollIntoView({ behavior: "smooth", block: "center" });
    video.play().catch(() => { /* autoplay refused: the frame is still shown at that second */ });
  });
})();

// Remix: each "Regenerate <part>" button (one per stage a remix can redo, from the stage
// registry) and "Render preview video" start a job through /api with the page's session, show
// its stage on a bar (labels from the same registry), then open the new run it made (this run
// stays as it is).
(function () {
  const card = document.getElementById("remix");
  if (!card) return;
  const { call, follow } = window.trendtokJobs;
  const labels = JSON.parse(document.getElementById("stage-labels").textContent);
  const panel = document.getElementById("remix-progress");
  const label = document.getElementById("remix-label");
  const fill = document.getElementById("remix-fill");
  const bar = panel.querySelector(".bar");
  const errorBox = document.getElementById("remix-error");
  const buttons = card.querySelectorAll("button[data-kind]");

  function busy(on) {
    buttons.forEach((b) => { if (!b.title) b.disabled = on; });
    panel.hidden = !on;
  }

  function show(event) {
    const percent = Math.round(event.fraction * 100);
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    label.textContent = (labels[event.stage] || event.stage) + (event.total > 1 ? " " + event.done + "/" + event.total : "");
  }

  buttons.forEach((button) => button.addEventListener("click", async () => {
    errorBox.hidden = true;
    busy(true);
    fill.style.width = "0%";
    label.textContent = "Queued…";
    try {
      const body = { kind: button.dataset.kind, run_id: card.dataset.run };
      if (button.dataset.part) body.part = button.dataset.part;
      if (body.kind === "preview") {
        // Captions on burns the words in where the shown video has any (the server says which it did).
        body.captions = document.getElementById("preview-captions").checked;
        body.caption_style = document.getElementById("preview-style").value;
      }
      const job = await call("POST", card.dataset.jobs, body);
      const done = await follow(job, show, (text) => { label.textContent = text || "Queued…"; });
      if (done.status !== "succeeded") throw new Error("The studio could not finish: " + (done.error || done.status));
      // Every remix is a new run: open it, at the preview when that is what was made.
      window.location.href = "/runs/" + done.result.run_id + (body.kind === "preview" ? "#preview" : "");
    } catch (err) {
      errorBox.textContent = err.message;
      errorBox.hidden = false;
      busy(false);
    }
  }));
})();
