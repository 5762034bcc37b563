"""preview.mp4: the run's picture with its soundtrack, decoded back and measured."""
from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

import runs
import remix
from remix import PREVIEW_NAME, RemixError, regenerate, render_preview
from remix.preview import MUSIC_UNDER_CLIP
from subtitles import SAFE_AREA, STYLES
from subtitles.burn import MIN_CONTRAST, highlight_rgb
from tests.conftest import SHARED_DATA
from tests.subtitles.caption_frames import box, caption_mask, colour_pixels, letter_contrast
from tiktok_videos import probe_duration

pytestmark = pytest.mark.slow  # real clips mixed and encoded into previews


def _audio(path, rate=22050) -> np.ndarray:
    """The file's sound as mono float samples (ffmpeg decodes; empty when it has no audio stream)."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-vn", "-ac", "1",
                          "-ar", str(rate), "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<f4")


def _db(samples: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-12)


def _frame_size(path) -> tuple[int, int]:
    frames = imageio_ffmpeg.read_frames(str(path))
    try:
        return tuple(next(frames)["size"])
    finally:
        frames.close()


def test_a_preview_of_my_clip_is_the_clip_with_the_soundtrack_under_its_sound(studio, clip_run, clip_path):
    seen = []
    first_json = (studio.runs_dir / clip_run["run_id"] / "result.json").read_bytes()
    document = render_preview(studio.runs_dir, run_id=clip_run["run_id"], progress=lambda d, t: seen.append((d, t)))

    # A new run holds the preview; the run it was made from is not touched (its id may be shared).
    assert document["parent_run_id"] == clip_run["run_id"] and document["run_id"] != clip_run["run_id"]
    assert (studio.runs_dir / clip_run["run_id"] / "result.json").read_bytes() == first_json
    assert not (studio.runs_dir / clip_run["run_id"] / PREVIEW_NAME).exists()
    preview = studio.runs_dir / document["run_id"] / PREVIEW_NAME
    assert document["preview"]["source"] == "clip"
    assert document["preview"]["url"] == f"/runs/{document['run_id']}/{PREVIEW_NAME}"
    assert runs.load(studio.runs_dir, document["run_id"])["preview"] == document["preview"]
    assert abs(probe_duration(preview) - probe_duration(clip_path)) < 0.1
    width, height = _frame_size(preview)
    assert width <= 720 and height <= 1280 and width % 2 == 0 and height % 2 == 0
    assert (width, height) == (document["preview"]["width"], document["preview"]["height"])
    # Take the clip's own sound away from the preview's: what is left is the soundtrack, at
    # MUSIC_UNDER_CLIP (measured on the real clip: correlation 0.99, level within 0.2 dB).
    clip, mixed = _audio(clip_path), _audio(preview)
    soundtrack = _audio(runs.file_path(studio.runs_dir, clip_run, clip_run["music"]["url"]))
    n = min(len(clip), len(mixed), len(soundtrack))
    residual, bed = mixed[:n] - clip[:n], soundtrack[:n] * MUSIC_UNDER_CLIP
    assert np.corrcoef(residual, bed)[0, 1] > 0.9
    assert abs(_db(residual) - _db(bed)) < 1
    # Progress ran from the first frame to the last.
    assert seen[-1][0] == seen[-1][1] > 0 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    # No temporary file is left beside it.
    assert not [p.name for p in preview.parent.iterdir() if p.name.startswith(".preview-")]


def test_a_run_without_videos_previews_its_cover_for_the_soundtracks_length(studio):
    from search_input import SearchRequest

    # A tag the library has no videos for: the run is built from the tag text, with a cover.
    run = runs.publish(studio.search(SearchRequest(tags=("Zzyzxnotatag",), duration=5, seed=1)))
    assert run["videos"] == []
    document = render_preview(studio.runs_dir, run_id=run["run_id"])
    preview = studio.runs_dir / document["run_id"] / PREVIEW_NAME
    assert document["preview"]["source"] == "cover"
    assert abs(probe_duration(preview) - run["music"]["duration_s"]) < 0.1
    assert _frame_size(preview) == (720, 1280)
    soundtrack = runs.file_path(studio.runs_dir, run, run["music"]["url"])
    assert abs(_db(_audio(preview)) - _db(_audio(soundtrack))) < 2  # alone, the soundtrack plays at full level


def test_a_regenerated_run_does_not_inherit_the_old_preview(studio, clip_run):
    previewed = render_preview(studio.runs_dir, run_id=clip_run["run_id"])
    remixed = regenerate(studio, run_id=previewed["run_id"], part="music", seed=11)
    assert "preview" not in remixed
    assert not (studio.runs_dir / remixed["run_id"] / PREVIEW_NAME).exists()


def test_without_a_soundtrack_or_a_run_the_error_names_run_id(studio, search_run):
    document, folder = runs.derive(studio.runs_dir, search_run, leave_out={"soundtrack.wav", "soundtrack.mid"})
    runs.save(studio.runs_dir, {**document, "music": None, "music_url": None})
    before = set(studio.runs_dir.iterdir())
    with pytest.raises(RemixError, match="^run_id: this run has no soundtrack"):
        render_preview(studio.runs_dir, run_id=document["run_id"])
    with pytest.raises(RemixError, match="^run_id: no finished run"):
        render_preview(studio.runs_dir, run_id="f" * 32)
    assert set(studio.runs_dir.iterdir()) == before  # no run was started


def test_a_file_still_being_written_is_never_linked_into_a_new_run(studio, search_run):
    half = studio.runs_dir / search_run["run_id"] / ".preview-x1y2.mp4"  # a render in progress
    half.write_bytes(b"\0" * 100)
    try:
        document, folder = runs.derive(studio.runs_dir, search_run)
        assert not (folder / half.name).exists() and (folder / "cover.png").exists()
    finally:
        half.unlink()


# -- captions burned in ----------------------------------------------------------------------

def _frame(path, at_s: float) -> np.ndarray:
    """The frame at ``at_s`` as RGB (ffmpeg decodes)."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(path),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True,
                         check=True).stdout
    width, height = _frame_size(path)
    return np.frombuffer(out, dtype=np.uint8).reshape(height, width, 3)


@pytest.fixture(scope="module")
def worded_run(studio, clip_run) -> dict:
    """The clip's run, its upload entry with words: the text stage's own when it gave them, else (a
    transcriber without word times) each segment's words spread over the segment, as it would."""
    upload = next(v for v in clip_run["videos"] if v["source"] == "upload")
    if upload.get("words"):
        return clip_run
    words = []
    for segment in upload["segments"]:
        tokens = segment["text"].split()
        step = (segment["end_s"] - segment["start_s"]) / max(1, len(tokens))
        words += [{"text": token, "start_s": round(segment["start_s"] + i * step, 2),
                   "end_s": round(segment["start_s"] + (i + 1) * step, 2)} for i, token in enumerate(tokens)]
    assert words, "the clip's transcript is empty"
    document, _ = runs.derive(studio.runs_dir, clip_run)
    document["videos"] = [{**v, "words": words} if v is upload or v.get("source") == "upload" else v
                          for v in document["videos"]]
    runs.save(studio.runs_dir, document)
    return document


@pytest.fixture(scope="module")
def plain_preview(studio, worded_run) -> dict:
    return render_preview(studio.runs_dir, run_id=worded_run["run_id"], captions=False)


def _spoken_word(run: dict) -> dict:
    """A word said for a while, not the clip's first or last, to look at mid-word."""
    words = next(v for v in run["videos"] if v["source"] == "upload")["words"]
    return max(words[1:-1] or words, key=lambda w: (w["end_s"] - w["start_s"], -w["start_s"]))


@pytest.mark.parametrize("style", STYLES)
def test_my_clips_words_are_burned_in_inside_the_safe_area_highlighted_and_readable(
        studio, worded_run, plain_preview, clip_path, style):
    document = render_preview(studio.runs_dir, run_id=worded_run["run_id"], captions=True, caption_style=style)
    assert document["preview"]["captions"] is True and document["preview"]["caption_style"] == style
    word = _spoken_word(worded_run)
    at = (word["start_s"] + word["end_s"]) / 2
    drawn = _frame(studio.runs_dir / document["run_id"] / PREVIEW_NAME, at)
    plain = _frame(studio.runs_dir / plain_preview["run_id"] / PREVIEW_NAME, at)
    mask = caption_mask(drawn, plain)
    height, width = drawn.shape[:2]
    left, top, right, bottom = box(mask)
    safe_left, safe_top, safe_right, safe_bottom = SAFE_AREA.box(width, height)
    assert safe_left <= left and right <= safe_right and safe_top <= top and bottom <= safe_bottom
    assert colour_pixels(drawn, mask, highlight_rgb(style)) > 100  # the word being said, lit up
    assert letter_contrast(drawn, mask) >= MIN_CONTRAST
    if style == STYLES[0]:
        # The soundtrack is still under the clip's own sound, as without captions.
        clip, mixed = _audio(clip_path), _audio(studio.runs_dir / document["run_id"] / PREVIEW_NAME)
        soundtrack = _audio(runs.file_path(studio.runs_dir, worded_run, worded_run["music"]["url"]))
        n = min(len(clip), len(mixed), len(soundtrack))
        residual, bed = mixed[:n] - clip[:n], soundtrack[:n] * MUSIC_UNDER_CLIP
        assert np.corrcoef(residual, bed)[0, 1] > 0.9 and abs(_db(residual) - _db(bed)) < 1


def _with_upload(studio, run: dict, **changes) -> dict:
    """A run derived from ``run`` whose upload entry has ``changes``."""
    document, _ = runs.derive(studio.runs_dir, run)
    document["videos"] = [{**v, **changes} if v.get("source") == "upload" else v for v in document["videos"]]
    runs.save(studio.runs_dir, document)
    return document


def test_by_default_words_are_burned_in_unless_the_clip_already_shows_them(studio, worded_run):
    said_on_screen = [{"text": "you're 100% a beta", "start_s": 1.0, "spoken": True},
                      {"text": "watch the movie", "start_s": 2.0, "spoken": True},
                      {"text": "BUCKETS", "start_s": 0.0, "spoken": False}]
    karaoke = _with_upload(studio, worded_run, captions=said_on_screen)
    assert remix.captions_by_default(studio.runs_dir, karaoke) is False
    assert render_preview(studio.runs_dir, run_id=karaoke["run_id"])["preview"]["captions"] is False
    assert render_preview(studio.runs_dir, run_id=karaoke["run_id"], captions=True)["preview"]["captions"] is True
    # One spoken line may be a title that happens to be said; unspoken text (a sticker) is no caption.
    titled = _with_upload(studio, worded_run, captions=said_on_screen[1:])
    assert remix.captions_by_default(studio.runs_dir, titled) is True
    assert render_preview(studio.runs_dir, run_id=titled["run_id"])["preview"]["captions"] is True
    silent = _with_upload(studio, worded_run, words=[], captions=[])
    assert remix.captions_by_default(studio.runs_dir, silent) is False


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared is not here")
def test_the_real_clip_already_shows_its_words_so_they_are_not_burned_twice(studio, clip_run):
    # The shared TikTok has its own karaoke-style captions; the text stage reads them as said.
    upload = next(v for v in clip_run["videos"] if v["source"] == "upload")
    assert sum(c["spoken"] for c in upload["captions"]) >= remix.preview.CAPTIONED_LINES, upload["captions"]
    assert remix.captions_by_default(studio.runs_dir, clip_run) is False


def test_captions_off_means_no_text(studio, worded_run, plain_preview, clip_path):
    assert plain_preview["preview"]["captions"] is False and plain_preview["preview"]["caption_style"] is None
    word = _spoken_word(worded_run)
    at = (word["start_s"] + word["end_s"]) / 2
    plain = _frame(studio.runs_dir / plain_preview["run_id"] / PREVIEW_NAME, at)
    source = _frame(clip_path, at)
    # Against the clip itself, only the encoder's noise: no caption-sized change anywhere.
    assert caption_mask(plain, source).sum() < 0.05 * caption_mask(
        _frame(studio.runs_dir / render_preview(studio.runs_dir, run_id=worded_run["run_id"],
                                                captions=True)["run_id"] / PREVIEW_NAME,
               at), source).sum()


def test_a_bad_caption_style_names_the_field(studio, worded_run):
    before = set(studio.runs_dir.iterdir())
    with pytest.raises(RemixError, match="^caption_style: must be one of bold, boxed, karaoke"):
        render_preview(studio.runs_dir, run_id=worded_run["run_id"], caption_style="Comic Sans")
    assert set(studio.runs_dir.iterdir()) == before
