// "Bring your own clip": seed 000's flow from the page. Ask /api/uploads for an upload URL,
// PUT the file there with an upload bar, start a "studio" job, follow its events on the
// stage-by-stage bar, then open the run's page. Errors are the API's own, naming the field.
(function () {
  const form = document.getElementById("clip-form");
  if (!form) return;
  const { call, put, arrived, follow } = window.trendtokJobs;
  const fileInput = document.getElementById("clip");
  const errorBox = document.getElementById("clip-error");
  const button = document.getElementById("clip-go");
  const uploadBar = document.getElementById("upload-bar");
  const uploadFill = document.getElementById("upload-fill");
  const progress = window.trendtokProgress;

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
    uploadBar.hidden = true;
    progress.panel.hidden = true;
  }

  function showUpload(percent) {
    uploadFill.style.width = percent + "%";
    uploadBar.setAttribute("aria-valuenow", String(percent));
  }

  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    errorBox.hidden = true;
    const file = fileInput.files[0];
    if (!file) return fail("clip: choose a video file first.");
    const maxBytes = Number(form.dataset.maxBytes);
    if (file.size > maxBytes) return fail("clip: " + file.name + " is larger than " + Math.round(maxBytes / 1048576) + " MB.");
    button.disabled = true;
    uploadBar.hidden = false;
    uploadFill.style.width = "0%";
    try {
      const target = await call("POST", form.dataset.uploads,
        { filename: file.name, content_type: file.type || "video/mp4", size: file.size });
      await put(target, file, showUpload);
      await arrived(target.status_url);
      const duration = document.getElementById("clip-duration").value;
      const tags = document.getElementById("clip-tags").value.trim();
      const job = await call("POST", form.dataset.jobs,
        { kind: "studio", upload_id: target.upload_id, duration: duration === "match" ? "match" : Number(duration),
          tags: tags || undefined });
      uploadBar.hidden = true;
      progress.panel.hidden = false;
      progress.panel.querySelectorAll(".stages li").forEach((li) => (li.className = ""));
      const done = await follow(job, progress.show, progress.queue);
      if (done.status !== "succeeded") return fail("The studio could not finish: " + (done.error || done.status));
      window.location.href = "/runs/" + done.result.run_id;
    } catch (err) {
      fail(err.message);
    }
  });
})();
