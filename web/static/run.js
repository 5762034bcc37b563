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
