// Talking to /api from the page: JSON calls with the session's CSRF token, PUTting a file to an
// upload URL with its progress, waiting for an upload's checks, and following a job's
// Server-Sent Events to its end. Shared by the clip form, the run page's remix buttons and
// the lake page's import and stages.
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) throw new Error(data.error || "The studio answered " + response.status);
    return data;
  }

  // PUT the file to the target POST /api/uploads gave; onProgress gets the percent sent.
  // XMLHttpRequest, not fetch: only it reports upload progress.
  function put(target, file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(target.method || "PUT", target.upload_url);
      Object.entries(target.headers || {}).forEach(([name, value]) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total));
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

  // Resolves with the upload once its bytes arrived and passed the checks; rejects with why not.
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

  // 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd 23rd … 111th 112th …
  function ordinal(n) {
    const tens = n % 100;
    const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" })[n % 10] || "th";
    return n + suffix;
  }

  // "Next in line", "3rd in line, about 40 s", "12th in line, about 6 min": a queued job's place
  // (queue_position, eta_s from /api); "" once it is not queued.
  function queueText(position, etaSeconds) {
    if (position === null || position === undefined) return "";
    const place = position === 1 ? "Next in line" : ordinal(position) + " in line";
    if (etaSeconds === null || etaSeconds === undefined) return place;
    const about = etaSeconds < 90 ? Math.max(1, Math.round(etaSeconds)) + " s" : Math.round(etaSeconds / 60) + " min";
    return place + ", about " + about;
  }

  // Resolves with the job's final state (GET status_url); onProgress gets each progress event,
  // onQueue (optional) the queueText of each place while the job waits (it comes again as it moves up).
  function follow(job, onProgress, onQueue) {
    return new Promise((resolve, reject) => {
      const events = new EventSource(job.events_url);
      events.addEventListener("progress", (e) => {
        const event = JSON.parse(e.data);
        if (event.status === "queued" && onQueue) onQueue(queueText(event.queue_position, event.eta_s), event);
        if (event.stage) onProgress(event);
      });
      events.addEventListener("end", () => {
        events.close();
        call("GET", job.status_url).then(resolve, reject);
      });
      events.onerror = () => {
        // The browser reconnects by itself (sending Last-Event-ID); give up only once it has closed.
        if (events.readyState === EventSource.CLOSED) reject(new Error("Lost touch with the studio; reload to see your run."));
      };
    });
  }

  window.trendtokJobs = { call: call, put: put, arrived: arrived, follow: follow, ordinal: ordinal, queueText: queueText };
})();
