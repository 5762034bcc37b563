// Talking to /api from the page: JSON calls with the session's CSRF token, and following a
// job's Server-Sent Events to its end. Shared by the clip form and the run page's remix buttons.
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

  // Resolves with the job's final state (GET status_url); onProgress gets each progress event.
  function follow(job, onProgress) {
    return new Promise((resolve, reject) => {
      const events = new EventSource(job.events_url);
      events.addEventListener("progress", (e) => {
        const event = JSON.parse(e.data);
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

  window.trendtokJobs = { call: call, follow: follow };
})();
