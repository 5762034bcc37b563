"""A preview video of a finished run: the clip (or the cover) with the run's soundtrack mixed in."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import proglog

import runs
import subtitles
from tiktok_to_text import Word

from ._types import RemixError

log = logging.getLogger(__name__)

PREVIEW_NAME = "preview.mp4"
#: The preview job's one stage, as the UI names it (``stages.labels()`` names the others).
PREVIEW_LABEL = "Preview: rendering the video"
#: The preview's largest frame: 9:16 at 720p keeps a 60-s render to seconds on two cores.
MAX_SIZE = (720, 1280)
MAX_FPS = 30
#: The soundtrack's gain under a clip that has its own sound (speech stays on top); alone it plays at 1.
MUSIC_UNDER_CLIP = 0.35
FADE_S = 0.5
#: On-screen lines read as spoken from which a video counts as captioned already: one alone may be a
#: title that happens to be said.
CAPTIONED_LINES = 2


class _Progress(proglog.ProgressBarLogger):
    """moviepy's frame counter as ``progress(done, total)``, every 5 % (each report is a stored event)."""

    def __init__(self, progress: Callable[[int, int], None]):
        super().__init__()
        self.progress = progress
        self.reported = -1

    def bars_callback(self, bar, attr, value, old_value=None):
        if bar != "frame_index" or attr != "index":
            return
        total = self.bars[bar]["total"] or 0
        percent = int(20 * value / total) * 5 if total else 0
        if percent != self.reported:
            self.reported = percent
            self.progress(min(value, total), total)


def _shown(runs_dir, document: dict[str, Any]) -> tuple[str, Path, dict[str, Any] | None]:
    """What the preview shows: the creator's clip, else the top source video, else the cover; and
    that video's result entry (None for the cover)."""
    videos = document.get("videos") or []
    ordered = [v for v in videos if v.get("source") == "upload"] + [v for v in videos if v.get("source") != "upload"]
    for video in ordered:
        path = runs.file_path(runs_dir, document, video.get("video_url"))
        if path is not None:
            return ("clip" if video.get("source") == "upload" else "video"), path, video
    cover = runs.file_path(runs_dir, document, (document.get("cover") or {}).get("url"))
    if cover is not None:
        return "cover", cover, None
    raise RemixError("run_id", "this run has no video or cover to show in a preview")


def _shows_its_words(video: dict[str, Any]) -> bool:
    """Whether ``video`` already carries its spoken words as burned-in text: the text stage read at
    least ``CAPTIONED_LINES`` of its on-screen lines as said (``spoken``)."""
    lines = video.get("captions")
    return isinstance(lines, list) and sum(
        1 for line in lines if isinstance(line, dict) and line.get("spoken") is True) >= CAPTIONED_LINES


def captions_by_default(runs_dir: str | os.PathLike, document: dict[str, Any]) -> bool:
    """Whether a preview of run ``document`` burns captions in when the caller does not say: when the
    shown video has words and does not show them on screen already. A clip with its own karaoke or
    subtitle captions (most real TikToks that talk) would otherwise carry its words twice, one set
    over the other; the creator can still ask for them (``captions=True``)."""
    try:
        _, _, video = _shown(runs_dir, document)
    except RemixError:
        return False
    return video is not None and bool(_words(video)) and not _shows_its_words(video)


def _words(video: dict[str, Any]) -> list[Word]:
    """A result video entry's ``words`` as ``Word``s (none when it has no list)."""
    words = video.get("words")
    if not isinstance(words, list):
        return []
    return [Word(str(w.get("text", "")), float(w.get("start_s", 0)), float(w.get("end_s", 0)))
            for w in words if isinstance(w, dict)]


def _fit(size: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit ``MAX_SIZE``, with even sides as H.264 wants."""
    width, height = size
    scale = min(1.0, MAX_SIZE[0] / width, MAX_SIZE[1] / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def render_preview(runs_dir: str | os.PathLike, *, run_id: str, captions: bool | None = None,
                   caption_style: str = subtitles.STYLES[0],
                   progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Render ``preview.mp4`` of run ``run_id`` into a new run made from it; its result JSON.

    The picture is the creator's clip, else the run's top source video, else the cover held for
    the soundtrack's length; the sound is the run's soundtrack, looped or trimmed to the
    picture's length with a short fade-out, under the clip's own sound at ``MUSIC_UNDER_CLIP``
    when it has any. H.264 + AAC, at most 720×1280. The new run links the first run's files and
    adds the preview (``preview`` in its JSON): the first run is never rewritten, since a run id
    is a link anyone may be given. ``captions`` (default: ``captions_by_default``) burns
    its words in, the current one highlighted, in ``caption_style`` (one of ``subtitles.STYLES``);
    with no words there is nothing to burn, and the preview JSON's ``captions`` says false.
    Raises ``RemixError`` naming ``run_id`` when the run has no soundtrack or nothing to show, or
    ``caption_style`` when it is not a style; a render that fails leaves no new run behind.
    """
    import shutil

    try:
        parent = runs.load(runs_dir, run_id)
    except runs.RunNotFound:
        raise RemixError("run_id", f"no finished run {run_id!r}") from None
    music_path = runs.file_path(runs_dir, parent, (parent.get("music") or {}).get("url"))
    if music_path is None:
        raise RemixError("run_id", "this run has no soundtrack to mix in; regenerate the soundtrack first")
    if caption_style not in subtitles.STYLES:
        raise RemixError("caption_style", f"must be one of {', '.join(subtitles.STYLES)}, not {caption_style!r}"[:120])
    kind, base_path, video = _shown(runs_dir, parent)
    words = _words(video) if video is not None else []
    if captions is None:
        captions = captions_by_default(runs_dir, parent)
    cues = subtitles.burned_cues(words) if words and captions else []
    document, run_dir = runs.derive(runs_dir, parent, leave_out={PREVIEW_NAME})
    try:
        width, height, length = _render(base_path, kind, music_path, run_dir / PREVIEW_NAME, progress,
                                        cues=cues, caption_style=caption_style)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    document["preview"] = {"url": runs.url(document["run_id"], PREVIEW_NAME), "source": kind,
                           "duration_s": round(length, 2), "width": width, "height": height,
                           "captions": bool(cues), "caption_style": caption_style if cues else None}
    runs.save(runs_dir, document)
    return document


def _render(base_path: Path, kind: str, music_path: Path, target: Path,
            progress: Callable[[int, int], None] | None, *, cues=(), caption_style: str = subtitles.STYLES[0],
            ) -> tuple[int, int, float]:
    """Write the preview to ``target`` (temp + rename), ``cues`` burned in; its ``(width, height, seconds)``."""
    from moviepy import AudioFileClip, CompositeAudioClip, ImageClip, VideoFileClip, afx

    music = AudioFileClip(str(music_path))
    clips = [music]
    try:
        if kind == "cover":
            picture = ImageClip(str(base_path)).with_duration(music.duration)
            fps = 24
        else:
            picture = VideoFileClip(str(base_path))
            fps = min(MAX_FPS, round(picture.fps or MAX_FPS))
        clips.append(picture)
        picture = picture.resized(new_size=_fit(picture.size))
        length = picture.duration
        bed = music.with_effects([afx.AudioLoop(duration=length)]) if music.duration < length \
            else music.subclipped(0, length)
        bed = bed.with_effects([afx.AudioFadeOut(min(FADE_S, length / 4))])
        if picture.audio is not None:
            sound = CompositeAudioClip([picture.audio, bed.with_volume_scaled(MUSIC_UNDER_CLIP)])
        else:
            sound = bed
        final = picture.with_audio(sound).with_duration(length)
        with tempfile.TemporaryDirectory(prefix="preview-") as scratch:
            # The temporary name ends in .mp4 (ffmpeg picks the container by it) and lives beside the
            # target, so the rename is atomic; a dot-name keeps it out of any run made meanwhile
            # (runs.derive); moviepy's temporary audio goes to scratch, not the cwd.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".preview-", suffix=".mp4")
            os.close(fd)
            params = ["-pix_fmt", "yuv420p", "-movflags", "+faststart"]
            if cues:
                # libass draws on the frames moviepy pipes to the encoder, in the same ffmpeg: one pass.
                script = Path(scratch) / "captions.ass"
                script.write_text(subtitles.to_ass(cues, width=final.size[0], height=final.size[1],
                                                   style=caption_style), encoding="utf-8")
                params = ["-vf", subtitles.burn_filter(script), *params]
            try:
                final.write_videofile(tmp, fps=fps, codec="libx264", audio_codec="aac", preset="veryfast",
                                      threads=os.cpu_count() or 1, temp_audiofile_path=scratch,
                                      ffmpeg_params=params,
                                      logger=_Progress(progress) if progress else None)
                os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        width, height = final.size
    finally:
        for clip in clips:
            clip.close()
    return width, height, length
