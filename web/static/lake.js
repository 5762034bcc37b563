// The lake page's jobs, through /api with the page's session (jobs.js):
// "Import an export": upload URL → PUT (with an upload bar) → the checks → a lake_import job
// → its counts and skip reasons; "Run stages": a lake_stages job on a stage-by-stage bar.
// After either, the partitions, results and charts are redrawn from the page itself.
// Errors are the API's own, naming the field; every text the server sends is set as text.
(function () {
  const { call, put, arrived, follow } = window.trendtokJobs;

  const wait = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  // Swap in the server's fresh partitions, results and charts (the page is drawn on the server).
  // While the lake runs as many queries as it allows (429), wait what Retry-After says and ask
  // again, a few times; after that the page it sent (its error box says why) is swapped in.
  async function refresh() {
    let response;
    for (let attempt = 0; ; attempt++) {
      response = await fetch(window.location.href, { credentials: "same-origin" });
      if (response.status !== 429 || attempt >= 3) break;
      const after = Number(response.headers.get("Retry-After"));
      await wait(Number.isFinite(after) && after > 0 ? Math.min(after, 30) : 2);
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    ["lake-partitions", "lake-results", "lake-charts"].forEach((id) => {
      const now = document.getElementById(id);
      const next = fresh.getElementById(id);
      if (now && next) now.replaceWith(next);
    });
  }

  function plural(n, word) {
    return n.toLocaleString() + " " + word + (n === 1 ? "" : "s");
  }

  // -- Import an export --------------------------------------------------------------------
  const form = document.getElementById("import-form");
  if (form) {
    const fileInput = document.getElementById("export-file");
    const profileInput = document.getElementById("export-profile");
    const button = document.getElementById("import-go");
    const errorBox = document.getElementById("import-error");
    const status = document.getElementById("import-status");
    const uploadBar = document.getElementById("import-bar");
    const uploadFill = document.getElementById("import-fill");
    const report = document.getElementById("import-report");
    const types = form.dataset.types.split(" ");

    const fail = (message) => {
      errorBox.textContent = message;
      errorBox.hidden = false;
      status.hidden = true;
      uploadBar.hidden = true;
      button.disabled = false;
    };
    const say = (text) => {
      status.textContent = text;
      status.hidden = false;
    };
    const showUpload = (percent) => {
      uploadFill.style.width = percent + "%";
      uploadBar.setAttribute("aria-valuenow", String(percent));
    };

    // The declared type only says "an export": the server reads what it is from the bytes. A file
    // the browser has no type for (or calls something else) is declared by how it opens.
    async function declaredType(file) {
      if (types.includes(file.type)) return file.type;
      const head = (await file.slice(0, 1024).text()).replace(/^\uFEFF/, "").trimStart();
      return head.startsWith("{") || head.startsWith("[") ? "application/json" : "text/csv";
    }

    function showReport(result) {
      const counts = document.getElementById("import-counts");
      counts.textContent = "";
      const title = document.createElement("strong");
      title.textContent = result.source + " (" + result.format + " → " + result.table + "): ";
      counts.append(title);
      [["read", "read"], ["imported", "imported"], ["skipped", "skipped"]].forEach(([key, word], i) => {
        if (i) counts.append(" · ");
        const number = document.createElement("b");
        number.id = "import-" + key;
        number.textContent = String(result[key]);
        counts.append(word + " ", number);
      });
      const reasons = document.getElementById("import-reasons");
      reasons.textContent = "";
      Object.entries(result.reasons || {}).sort((a, b) => b[1] - a[1]).forEach(([reason, n]) => {
        const li = document.createElement("li");
        const examples = (result.examples || {})[reason] || [];
        li.textContent = plural(n, "row") + " skipped: " + reason + (examples.length ? " (e.g. " + examples.join(", ") + ")" : "");
        reasons.append(li);
      });
      report.hidden = false;
    }

    form.addEventListener("submit", async (submit) => {
      submit.preventDefault();
      errorBox.hidden = true;
      report.hidden = true;
      const file = fileInput.files[0];
      if (!file) return fail("export: choose a JSON or CSV export first.");
      if (!profileInput.value.trim()) return fail("profile: name the account or crawl these posts came from.");
      const maxBytes = Number(form.dataset.maxBytes);
      if (file.size > maxBytes) return fail("export: " + file.name + " is larger than " + Math.round(maxBytes / 1048576) + " MB.");
      if (file.size === 0) return fail("export: " + file.name + " is empty.");
      button.disabled = true;
      uploadBar.hidden = false;
      showUpload(0);
      say("Uploading…");
      try {
        const target = await call("POST", form.dataset.uploads,
          { filename: file.name, content_type: await declaredType(file), size: file.size });
        await put(target, file, showUpload);
        say("Checking the file…");
        await arrived(target.status_url);
        const job = await call("POST", form.dataset.jobs,
          { kind: "lake_import", upload_id: target.upload_id, profile: profileInput.value.trim() });
        uploadBar.hidden = true;
        say("Importing…");
        const done = await follow(job, () => say("Importing…"), (text) => say(text || "Importing…"));
        if (done.status !== "succeeded") return fail("Nothing was imported: " + (done.error || done.status));
        showReport(done.result);
        say("Imported. Updating the charts…");
        await refresh();
        status.hidden = true;
        button.disabled = false;
        form.reset();
      } catch (err) {
        fail(err.message);
      }
    });
  }

  // -- Run stages ------------------------------------------------------------------------------
  const card = document.getElementById("lake-stages");
  if (card) {
    const button = document.getElementById("stages-go");
    const panel = document.getElementById("stages-progress");
    const bar = panel.querySelector(".bar");
    const fill = document.getElementById("stages-fill");
    const result = document.getElementById("stages-result");
    const errorBox = document.getElementById("stages-error");
    const items = panel.querySelectorAll(".stages li");

    function setBar(fraction) {
      const percent = Math.round(fraction * 100);
      fill.style.width = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
    }

    // The stage in the event is under way (or done, once all its partitions are); those before it are done.
    function show(event) {
      setBar(event.fraction);
      let seen = false;
      items.forEach((li) => {
        const count = li.querySelector(".count");
        if (li.dataset.stage === event.stage) {
          seen = true;
          li.className = event.total > 0 && event.done >= event.total ? "done" : "active";
          count.textContent = event.total > 0 ? event.done + "/" + event.total : "";
        } else if (!seen) {
          li.className = "done";
        }
      });
    }

    button.addEventListener("click", async () => {
      errorBox.hidden = true;
      result.hidden = true;
      button.disabled = true;
      panel.hidden = false;
      setBar(0);
      items.forEach((li) => { li.className = ""; li.querySelector(".count").textContent = ""; });
      try {
        const job = await call("POST", card.dataset.jobs, { kind: "lake_stages" });
        const done = await follow(job, show);
        if (done.status !== "succeeded") throw new Error("The stages could not finish: " + (done.error || done.status));
        items.forEach((li) => (li.className = "done"));
        setBar(1);
        // In the stages' own order (the API's JSON objects come with sorted keys).
        const partitions = done.result.partitions;
        result.textContent = Array.from(items, (li) => li.dataset.stage).filter((stage) => stage in partitions)
          .map((stage) => stage + ": " + plural(partitions[stage], "partition")).join(" · ");
        result.hidden = false;
        await refresh();
      } catch (err) {
        errorBox.textContent = err.message;
        errorBox.hidden = false;
      }
      button.disabled = false;
    });
  }
})();
