// The sounds page: a music player over the playable sounds on the page (play, pause, next,
// previous, a seekable bar, what is playing), and three jobs run through /api with the page's
// session (jobs.js): suggestions for a clip, a sound tried on a clip, similar music for a track.
// Every text the server sends is set as text, never as HTML.
(function () {
  const { call, put, arrived, follow } = window.trendtokJobs;
  const { badge } = window.trendtokLicence;

  // -- the player ------------------------------------------------------------------------
  const audio = document.getElementById("player-audio");
  const toggle = document.getElementById("player-toggle");
  const seek = document.getElementById("player-seek");
  const time = document.getElementById("player-time");
  let queue = [];
  let current = -1;

  const clock = (s) => (isFinite(s) ? Math.floor(s / 60) + ":" + String(Math.floor(s % 60)).padStart(2, "0") : "0:00");

  function collect() {
    queue = Array.from(document.querySelectorAll("[data-audio]")).map((el) => ({
      el: el, url: el.dataset.audio, title: el.dataset.title, author: el.dataset.author,
    }));
  }

  function play(index) {
    collect();
    if (!queue.length) return;
    current = (index + queue.length) % queue.length;
    const track = queue[current];
    document.querySelectorAll(".sound.playing").forEach((el) => el.classList.remove("playing"));
    track.el.classList.add("playing");
    document.getElementById("player").classList.add("active");
    audio.src = track.url;
    document.getElementById("player-title").textContent = track.title;
    document.getElementById("player-artist").textContent = track.author;
    start();
  }

  // The toggle says what a click on it does: its pause icon and "Pause" while the audio plays
  // (studio.css), its play icon and "Play" otherwise. It is drawn from audio.paused itself, never
  // from which event came: right after the player's own play() or pause() (so it never lags behind
  // the element, whose "play" and "pause" events arrive a task later), at each of the element's
  // events (a pause from elsewhere, the song's end), and once a play() settles: one cut short by
  // pause() or by the next song, or refused by the browser, rejects and leaves the audio paused.
  function showState() {
    const playing = !audio.paused;
    toggle.classList.toggle("is-playing", playing);
    toggle.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  function start() {
    const started = audio.play();
    showState();
    if (started) started.then(showState, showState);
  }

  function stop() {
    audio.pause();
    showState();
  }

  document.addEventListener("click", (e) => {
    const button = e.target.closest("button.play");
    if (!button) return;
    collect();
    const index = queue.findIndex((t) => t.el.contains(button));
    if (index === current && !audio.paused) stop();
    else if (index === current) start();
    else play(index);
  });
  toggle.addEventListener("click", () => {
    if (current < 0) return play(0);
    if (audio.paused) start(); else stop();
  });
  document.getElementById("player-next").addEventListener("click", () => play(current + 1));
  document.getElementById("player-prev").addEventListener("click", () => play(current - 1));
  ["play", "playing", "pause", "emptied"].forEach((type) => audio.addEventListener(type, showState));
  // A song that cannot load does not leave the player saying it plays.
  audio.addEventListener("error", stop);
  audio.addEventListener("ended", () => play(current + 1));
  audio.addEventListener("loadedmetadata", () => { seek.max = audio.duration || 0; });
  audio.addEventListener("timeupdate", () => {
    seek.value = audio.currentTime;
    time.textContent = clock(audio.currentTime) + " / " + clock(audio.duration);
  });
  seek.addEventListener("input", () => { audio.currentTime = Number(seek.value); });

  // -- the jobs --------------------------------------------------------------------------
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function soundRow(sound, extra) {
    const li = el("li", undefined, "sound");
    li.dataset.soundId = sound.sound_id;
    li.dataset.title = sound.title || "Untitled";
    li.dataset.author = sound.author || "unknown";
    if (sound.audio_url) {
      li.dataset.audio = sound.audio_url;
      const button = el("button", "▶", "play");
      button.type = "button";
      button.setAttribute("aria-label", "Play " + li.dataset.title);
      li.append(button);
    } else {
      li.append(el("span", "No audio here", "no-audio"));
    }
    const what = el("span", undefined, "what");
    what.append(el("strong", li.dataset.title), " · " + li.dataset.author, " ", badge(sound.licence));
    li.append(what);
    if (extra) li.append(el("span", extra, "reason"));
    return li;
  }

  // One section's upload → job → result, with an upload bar then the job's stage-by-stage bar.
  function wire(name, kind, params, show) {
    const section = document.getElementById(name);
    const form = document.getElementById(name + "-form");
    const file = document.getElementById(name + "-file");
    const bar = document.getElementById(name + "-bar");
    const fill = bar.querySelector(".fill");
    const status = document.getElementById(name + "-status");
    const errorBox = document.getElementById(name + "-error");
    const result = document.getElementById(name + "-result");
    const button = document.getElementById(name + "-go");
    const setBar = (percent, text) => {
      bar.hidden = false;
      fill.style.width = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
      status.hidden = false;
      status.textContent = text;
    };

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      errorBox.hidden = true;
      result.hidden = true;
      const chosen = file.files[0];
      if (!chosen) return;
      if (chosen.size > Number(section.dataset.maxBytes)) {
        errorBox.textContent = "file: " + chosen.name + " is larger than the studio takes";
        errorBox.hidden = false;
        return;
      }
      button.disabled = true;
      try {
        const target = await call("POST", section.dataset.uploads, {
          filename: chosen.name, content_type: chosen.type || (kind === "similar" ? "audio/mpeg" : "video/mp4"),
          size: chosen.size,
        });
        await put(target, chosen, (p) => setBar(p, "Uploading " + p + "%"));
        setBar(100, "Checking the file…");
        await arrived(target.status_url);
        const job = await call("POST", section.dataset.jobs, { kind: kind, upload_id: target.upload_id, ...params() });
        setBar(0, "Waiting for a worker…");
        const done = await follow(job, (event) => {
          setBar(Math.round(100 * (event.fraction || 0)), "Step: " + event.stage);
        }, (text) => setBar(0, text || "Waiting for a worker…"));
        if (done.status !== "succeeded") throw new Error(done.error || "The job " + done.status);
        setBar(100, "Done");
        result.replaceChildren();
        show(done.result, result);
        result.hidden = false;
      } catch (err) {
        errorBox.textContent = err.message;
        errorBox.hidden = false;
        status.hidden = true;
      } finally {
        button.disabled = false;
      }
    });
  }

  // The audio route's URL with the server's own prefix (the page gives it for a placeholder id).
  const audioBase = document.getElementById("player").dataset.audioUrl;
  const audioUrl = (id) => audioBase.replace("SOUND_ID", encodeURIComponent(id));

  wire("suggest", "suggest", () => ({}), (data, box) => {
    const list = el("ol", undefined, "sound-list");
    data.suggestions.forEach((s) => list.append(soundRow({ ...s, audio_url: s.playable ? audioUrl(s.sound_id) : null }, s.reason)));
    box.append(data.suggestions.length ? list : el("p", "No sounds in the catalog to suggest yet.", "meta"));
  });

  wire("tryon", "try_sound", () => ({
    sound_id: document.getElementById("tryon-sound").value,
    keep_original: document.getElementById("tryon-keep").checked,
  }), (data, box) => {
    const video = el("video");
    video.controls = true;
    video.src = data.video_url;
    video.className = "tryon-video";
    const link = el("a", "Download the clip");
    link.href = data.video_url + "?download=1";
    box.append(video, el("p", "The sound starts at " + data.hook_start_s.toFixed(1) + " s of the song" +
      (data.looped ? ", looped to fit" : "") + (data.ducked_s ? "; lowered for " + data.ducked_s.toFixed(1) + " s of speech" : "") + ".", "meta"), link);
  });

  wire("similar", "similar", () => {
    const genre = document.getElementById("similar-genre").value.trim();
    return genre ? { genre: genre } : {};
  }, (data, box) => {
    const list = el("ol", undefined, "sound-list");
    data.similar.forEach((t) => {
      const used = t.tiktok.length ? "On TikTok: " + t.tiktok.map((p) => (p.title || "?") + " (" + p.total_score.toFixed(2) + ")").join("; ")
        : "No TikTok sound matches it";
      const row = soundRow({ sound_id: t.id, title: t.title, author: t.artist, licence: t.licence,
        audio_url: t.playable ? audioUrl(t.id) : null }, "similarity " + t.similarity.toFixed(3) + " · " + used);
      // Each TikTok sound that uses the track has a licence of its own (its posts' flag).
      const sounds = el("span", undefined, "tiktok-licences");
      t.tiktok.forEach((p) => sounds.append(el("span", (p.title || "?") + " "), badge(p.licence), " "));
      if (t.tiktok.length) row.append(sounds);
      list.append(row);
    });
    box.append(data.similar.length ? list : el("p", "No similar tracks indexed yet.", "meta"));
  });
})();
