// "Bring your own clip": seed 000's flow from the page. Ask /api/uploads for an upload URL,
// PUT the file there with an upload bar, start a "studio" job, follow its events on the
// stage-by-stage bar, then open the run's page. Errors are the API's own, naming the field.
(function () {
  const form = document.getElementById("clip-form");
  if (!form) return;
  const { call, follow } = window.trendtokJobs;
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

  // XMLHttpRequest, not fetch: only it reports upload progress.
  function put(target, file) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(target.method || "PUT", target.upload_url);
      Object.entries(target.headers || {}).forEach(([name, value]) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        const percent = Math.round((100 * e.loaded) / e.total);
        uploadFill.style.width = percent + "%";
        uploadBar.setAttribute("aria-valuenow", String(percent));
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) return resolve();
        let message = "The upload was refused (" + xhr.status + ")";
        try { message = JSON.parse(xhr.responseText).error || message; } catch (e) { /* S3 answers XML */ }
        reject(new Error(message));
      };
      xhr.onerror = () => reject(new Error("The upload did not get through; check your connection and try again."));
      xhr.send(file);
    });
  }

  async function arrived(statusUrl) {
    for (let i = 0; i < 120; i++) {
      const upload = await call("GET", statusUrl);
      if (upload.status === "ready") return upload;
      if (upload.status === "rejected" || upload.status === "expired") {
        throw new Error(upload.error || "The upload is " + upload.status);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error("The upload did not arrive; please try again.");
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
      await put(target, file);
      await arrived(target.status_url);
      const duration = document.getElementById("clip-duration").value;
      const tags = document.getElementById("clip-tags").value.trim();
      const job = await call("POST", form.dataset.jobs,
        { kind: "studio", upload_id: target.upload_id, duration: duration === "match" ? "match" : Number(duration),
          tags: tags || undefined });
      uploadBar.hidden = true;
      progress.panel.hidden = false;
      progress.panel.querySelectorAll(".stages li").forEach((li) => (li.className = ""));
      const done = await follow(job, progress.show);
      if (done.status !== "succeeded") return fail("The studio could not finish: " + (done.error || done.status));
      window.location.href = "/runs/" + done.result.run_id;
    } catch (err) {
      fail(err.message);
    }
  });
})();
