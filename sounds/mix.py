"""Try it on my video: a creator's clip with a chosen song under it, as an MP4 (issue 10).

The song starts at its hook, is cut (or looped) to the clip's length, levelled by loudness and,
when the clip keeps its own sound, ducked wherever the clip speaks. The picture is copied, not
re-encoded, so the clip looks exactly as uploaded and the mix takes seconds.

Levels, in LUFS (ITU-R BS.1770 integrated loudness, measured with pyloudnorm):

* song alone (``keep_original=False``, or a clip without sound): the music is set to
  ``target_lufs``;
* song under the clip's own sound: the music is set to ``clip_lufs - music_level_db``, so the
  balance is the same whether the creator recorded loud or quiet; the clip's sound is left as
  recorded. Ducking then lowers the music a further ``duck_db`` while the clip speaks.

Either way the loudness is measured on the part of the song that plays (after the cut, the loop
and the fades), and a look-ahead peak limiter keeps the sum 1 dB under full scale.
"""
from __future__ import annotations

import dataclasses
import math
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage, signal

import ffmpeg_io

from ._types import MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, AudioError, SoundsError
from settings import SETTINGS
from utils import StageProgress

#: How far under the clip's own loudness the music sits (LU) when the clip keeps its sound, and
#: what it may be: the setting TRENDTOK_SOUNDS_MUSIC_DB owns both.
DEFAULT_MUSIC_LEVEL_DB = SETTINGS["TRENDTOK_SOUNDS_MUSIC_DB"].default
MUSIC_LEVEL_RANGE_DB = (SETTINGS["TRENDTOK_SOUNDS_MUSIC_DB"].min, SETTINGS["TRENDTOK_SOUNDS_MUSIC_DB"].max)
#: How much further the music drops while the clip speaks (dB).
DEFAULT_DUCK_DB = 10.0
#: Fade-in at the song's start and fade-out at the clip's end (seconds): short, so the hook
#: still lands at once, long enough that neither edge clicks.
DEFAULT_FADE_S = 0.3
#: The song's loudness when it plays alone (LUFS): the -14 LUFS that TikTok, YouTube and
#: Spotify normalise to, so the mix neither jumps out of a feed nor gets turned down.
DEFAULT_TARGET_LUFS = -14.0

SAMPLE_RATE = 44_100
#: Crossfade at each loop seam (seconds), equal-power because the two ends are unrelated audio.
LOOP_CROSSFADE_S = 0.5
#: A song shorter than this (seconds) is no song to loop under a clip.
MIN_SONG_S = 1.0
#: A clip shorter than this (seconds) has no room for a song (nor for a loudness measure).
MIN_CLIP_S = 1.0
#: A decoded peak at or under this (-80 dBFS) is silence, as in sounds.audio.
SILENCE_PEAK = 1e-4
#: Video codecs an MP4 carries as they are; anything else (VP8, MJPEG, …) is re-encoded to H.264.
MP4_VIDEO_CODECS = frozenset({"h264", "hevc", "av1", "vp9", "mpeg4"})
#: The mix's peak ceiling (linear): -1 dBFS leaves room for the AAC encoder's overshoot.
PEAK_CEILING = 10 ** (-1 / 20)
FFMPEG_TIMEOUT_S = 600

_HOOK_FRAME = 1024            # samples per energy frame in the hook search (23 ms)
_HOOK_TOLERANCE_DB = 1.0      # "as energetic", for a whole window and for its opening
_HOOK_OPENING_S = 3.0         # a window's opening
_HOOK_SNAP_S = 1.5            # how far the start may move to the sharpest rise in energy…
_HOOK_RISE_S = 0.2            # …comparing this long after a frame with this long before it
_VAD_HOP = SAMPLE_RATE // 100  # 10-ms frames for speech detection and the ducking gain
_VAD_SMOOTH_S = 0.3           # voice-band energy averaged over a syllable or two
_VAD_ON_DB, _VAD_OFF_DB = 7.0, 10.0  # hysteresis, dB under the clip's loud voice-band level
_VAD_FLOOR_DBFS = -60.0       # voice-band energy under this is never speech (room noise, hiss)
_VAD_LOOKAHEAD_S, _VAD_HANGOVER_S = 0.15, 0.8
_DUCK_ATTACK_S, _DUCK_RELEASE_S = 0.04, 0.3
_LIMITER_HALF_S = 0.005




@dataclass(frozen=True)
class MixResult:
    """The written MP4 and how it was made. ``hook_start_s``: where in the song the music
    starts (0 when looped); ``ducked_s``: seconds the music was ducked under speech;
    ``music_lufs``: the music's loudness as levelled, before ducking; ``clip_lufs``: the clip's
    own loudness, ``None`` when its sound was not used (none, silent, or ``keep_original=False``);
    ``video_copied``: ``False`` only when the clip's codec had to be re-encoded to H.264."""

    out: Path
    duration_s: float
    hook_start_s: float
    looped: bool
    ducked_s: float
    music_lufs: float
    clip_lufs: float | None
    video_copied: bool = True


def _probe(path: Path, *, field: str) -> ffmpeg_io.MediaInfo:
    """Streams and length of ``path``; a streamed WebM names no length, so it is counted by
    copying the picture stream through."""
    info = ffmpeg_io.probe(path, timeout_s=FFMPEG_TIMEOUT_S, field=field)
    if info.video_codec and info.duration_s <= 0:
        seconds = ffmpeg_io.count_length(path, timeout_s=FFMPEG_TIMEOUT_S, field=field)
        info = dataclasses.replace(info, duration_s=seconds)
    return info


def _decode(path: Path, *, seconds: float) -> np.ndarray | None:
    """The first audio stream of ``path`` as ``(2, n)`` float32 at SAMPLE_RATE, at most
    ``seconds`` long; ``None`` when ffmpeg cannot decode it."""
    try:
        return ffmpeg_io.decode_pcm(path, sr=SAMPLE_RATE, channels=2, seconds=seconds, timeout_s=FFMPEG_TIMEOUT_S)
    except ffmpeg_io.FfmpegError:
        return None


def find_hook(mono: np.ndarray, *, window: int) -> int:
    """The sample where the ``window``-sample stretch of ``mono`` with the most energy starts.

    Energy is the mean square (RMS²) per 23-ms frame, summed over every window position at once
    from one cumulative sum. RMS rather than onset strength: a song's hook (the chorus, the
    drop) is its loudest stretch, while onset strength favours busy percussion (a hi-hat break)
    over a sustained sung chorus, and needs an STFT. Windows within 1 dB of the most energetic
    qualify, and those whose first 3 s are within 1 dB of the loudest such opening are good;
    the first good one wins: where the song first reaches its hook, opening the clip rather
    than arriving at its end. Its start then moves (1.5 s at most, to another good window) to
    the sharpest rise in energy, 0.2 s after against 0.2 s before, so the clip opens on the
    section's first attack, or at least on a beat, not mid-note.
    """
    frames = mono.size // _HOOK_FRAME
    span = max(1, min(frames, round(window / _HOOK_FRAME)))
    energy = np.square(mono[: frames * _HOOK_FRAME], dtype=np.float64).reshape(frames, _HOOK_FRAME).sum(1)
    total = np.concatenate(([0.0], np.cumsum(energy)))
    whole = total[span:] - total[:-span]  # every window position, each a difference of two sums
    opening_span = max(1, min(span, round(_HOOK_OPENING_S * SAMPLE_RATE / _HOOK_FRAME)))
    opening = total[opening_span:opening_span + whole.size] - total[: whole.size]
    tolerance = 10 ** (-_HOOK_TOLERANCE_DB / 10)
    candidates = whole >= whole.max() * tolerance
    good = candidates & (opening >= np.where(candidates, opening, 0.0).max() * tolerance)
    best = int(np.argmax(good))  # the first good window: where the song first reaches its hook
    # Snap to the sharpest rise in energy nearby: the section's (or else a beat's) first attack.
    radius = min(round(_HOOK_SNAP_S * SAMPLE_RATE / _HOOK_FRAME), span // 4)
    side = max(1, round(_HOOK_RISE_S * SAMPLE_RATE / _HOOK_FRAME))
    near = np.arange(max(best - radius, side), min(best + radius, whole.size - 1, frames - side) + 1)
    near = near[good[near]]
    if near.size:
        after, before = total[near + side] - total[near], total[near] - total[near - side]
        best = int(near[np.argmax(np.log((after + 1e-9) / (before + 1e-9)))])
    return min(best * _HOOK_FRAME, max(0, mono.size - window))


def _fit(song: np.ndarray, *, length: int) -> tuple[np.ndarray, int, bool]:
    """``song`` made ``length`` samples long: cut from its hook, or looped with an equal-power
    crossfade at each seam when it is shorter. Returns the audio, the start sample and whether it looped."""
    if song.shape[1] >= length:
        start = find_hook(song.mean(axis=0), window=length)
        return song[:, start:start + length].copy(), start, False
    n = song.shape[1]
    xfade = min(round(LOOP_CROSSFADE_S * SAMPLE_RATE), n // 4)
    angle = np.linspace(0.0, np.pi / 2, xfade, dtype=np.float32)
    step = n - xfade
    out = np.zeros((2, length + n), dtype=np.float32)
    for k, pos in enumerate(range(0, length, step)):
        piece = song.copy()
        if k:
            piece[:, :xfade] *= np.sin(angle)
        piece[:, n - xfade:] *= np.cos(angle)  # the last piece's fade lies past the cut
        out[:, pos:pos + n] += piece
    return out[:, :length], 0, True


def _loudness(audio: np.ndarray) -> float:
    """Integrated loudness of ``(2, n)`` audio in LUFS; ``-inf`` when it is all gated out."""
    import pyloudnorm

    with warnings.catch_warnings():  # pyloudnorm warns of clipping: the limiter deals with it
        warnings.simplefilter("ignore")
        return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(audio.T.astype(np.float64)))


def speech_frames(mono: np.ndarray) -> np.ndarray:
    """Where ``mono`` (at SAMPLE_RATE) has speech: one boolean per 10-ms frame.

    Speech is the loudest thing in the voice band (300–3400 Hz) of a creator's clip, so a frame
    speaks when its voice-band energy, averaged over 0.3 s, climbs within 7 dB of the clip's
    loud level (its 95th percentile) and keeps speaking until it falls 10 dB under it
    (hysteresis, so a level hovering at one threshold does not flicker). On the shared speech
    over each shared song at -12 dB, the smoothed voice-band level told speech from the music
    between phrases better (ROC AUC 0.84–0.98) than its ratio to the other bands or its rise
    over a running floor. Each run is then held 0.8 s past its end, bridging the pauses
    between sentences, and starts 0.15 s early, so the music is already down at the first word.
    A bed of music within ~10 LU of the speech gets ducked in places too; that costs the song
    some level between phrases, never a pump.
    """
    frames = mono.size // _VAD_HOP
    if frames == 0:
        return np.zeros(0, dtype=bool)
    sos = signal.butter(4, [300, 3400], btype="bandpass", fs=SAMPLE_RATE, output="sos")
    band = signal.sosfilt(sos, mono[: frames * _VAD_HOP]).astype(np.float32)
    energy = np.square(band).reshape(frames, _VAD_HOP).mean(axis=1)
    level = 10 * np.log10(ndimage.uniform_filter1d(energy, max(1, round(_VAD_SMOOTH_S * 100))) + 1e-12)
    loud = float(np.percentile(level, 95))
    if loud < _VAD_FLOOR_DBFS:
        return np.zeros(frames, dtype=bool)
    above_off = level > max(loud - _VAD_OFF_DB, _VAD_FLOOR_DBFS)
    runs, count = ndimage.label(above_off)
    if count == 0:
        return np.zeros(frames, dtype=bool)
    # Hysteresis: keep each run over the lower threshold that reaches the upper one somewhere.
    reaches = np.zeros(count + 1, dtype=bool)
    reaches[np.unique(runs[level > loud - _VAD_ON_DB])] = True
    reaches[0] = False
    active = reaches[runs]
    before, after = round(_VAD_LOOKAHEAD_S * 100), round(_VAD_HANGOVER_S * 100)
    total = np.concatenate(([0], np.cumsum(active)))
    index = np.arange(frames)
    hi, lo = np.minimum(index + before + 1, frames), np.maximum(index - after, 0)
    return total[hi] - total[lo] > 0  # any speech from `after` frames back to `before` ahead


def _duck_gain(speech: np.ndarray, *, duck_db: float, length: int) -> tuple[np.ndarray, float]:
    """Per-sample music gain: ``-duck_db`` under speech, reached with a 40-ms attack and left
    with a 300-ms release (one-pole, in dB) so the music glides rather than pumps. Also the
    seconds spent more than half-way down."""
    target = np.where(speech, -duck_db, 0.0)
    attack, release = (1 - math.exp(-0.01 / tau) for tau in (_DUCK_ATTACK_S, _DUCK_RELEASE_S))
    gain_db = np.empty_like(target)
    current = 0.0
    for i, goal in enumerate(target):  # 100 steps a second: a loop is cheap here
        current += (goal - current) * (attack if goal < current else release)
        gain_db[i] = current
    ducked_s = float(np.count_nonzero(gain_db < -duck_db / 2)) / 100
    centres = (np.arange(gain_db.size) + 0.5) * _VAD_HOP
    samples = np.interp(np.arange(length), centres, gain_db) if gain_db.size else np.zeros(length)
    return (10 ** (samples / 20)).astype(np.float32), ducked_s


def _limit(audio: np.ndarray) -> np.ndarray:
    """``audio`` with every peak brought under PEAK_CEILING by a smooth 10-ms gain dip. The
    gain is the needed gain's running minimum, then averaged over a window no wider, so at each
    sample it is at most what that sample needs: no overshoot, and no effect below the ceiling."""
    need = np.minimum(1.0, PEAK_CEILING / np.maximum(np.abs(audio).max(axis=0), 1e-9)).astype(np.float32)
    if need.min() >= 1.0:
        return audio
    size = 2 * round(_LIMITER_HALF_S * SAMPLE_RATE) + 1
    gain = ndimage.uniform_filter1d(ndimage.minimum_filter1d(need, size, mode="nearest"), size, mode="nearest")
    return audio * np.minimum(gain, need)  # the min guards float rounding in the average


def _number(field: str, value, low: float, high: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not low <= value <= high:
        raise SoundsError(field, f"must be a number of {unit} from {low:g} to {high:g}, not {value!r}")
    return float(value)


def put_song_on_video(*, video: Path, song: Path, out: Path, keep_original: bool = True,
                      music_level_db: float = DEFAULT_MUSIC_LEVEL_DB, duck_db: float = DEFAULT_DUCK_DB,
                      fade_s: float = DEFAULT_FADE_S, target_lufs: float = DEFAULT_TARGET_LUFS,
                      progress: StageProgress | None = None) -> MixResult:
    """Write ``out``: the clip at ``video`` with ``song`` as its soundtrack, as an MP4 as long as the clip.

    The picture is copied (re-encoded to H.264 only when an MP4 cannot carry its codec); the
    sound is AAC. ``music_level_db`` (LU under the clip's loudness), ``duck_db`` (dB),
    ``fade_s`` (seconds) and ``target_lufs`` (LUFS) are described in the module's docstring.
    ``progress(stage, done, total)`` hears ``decode``, ``mix`` and ``encode`` (``done`` of 3)
    and a final ``encode`` 3 of 3. The MP4 is written beside ``out`` under a temporary name and
    renamed, so ``out`` is either the whole file or untouched.

    Raises ``SoundsError`` naming ``video`` (missing, unreadable, not a video, too short or
    long), ``out`` (its folder missing) or a level argument, and ``AudioError("song", …)`` for
    a missing, unreadable, empty, too large, too long, too short or silent song.
    """
    if not isinstance(keep_original, bool):
        raise SoundsError("keep_original", f"must be true or false, not {keep_original!r}")
    music_level_db = _number("music_level_db", music_level_db, *MUSIC_LEVEL_RANGE_DB, "dB")
    duck_db = _number("duck_db", duck_db, 0, 60, "dB")
    fade_s = _number("fade_s", fade_s, 0, 10, "seconds")
    target_lufs = _number("target_lufs", target_lufs, -70, 0, "LUFS")
    if progress is not None and not callable(progress):
        raise SoundsError("progress", "must be a function taking (stage, done, total)")
    video, song, out = Path(video), Path(song), Path(out)
    if not out.parent.is_dir():
        raise SoundsError("out", f"the folder {out.parent} does not exist")
    if out.is_dir():
        raise SoundsError("out", f"{out} is a folder, not a file name")
    if not video.is_file():
        raise SoundsError("video", f"{video.name} does not exist or is not a file")
    if not song.is_file():
        raise AudioError("song", f"{song.name} does not exist or is not a file")
    size = song.stat().st_size
    if size == 0:
        raise AudioError("song", f"{song.name} is empty (0 bytes)")
    if size > MAX_AUDIO_BYTES:
        raise AudioError("song", f"{song.name} is {size / 2**20:.1f} MiB, over the "
                         f"{MAX_AUDIO_BYTES / 2**20:.0f} MiB cap")
    report = progress or (lambda stage, done, total: None)

    report("decode", 0, 3)
    clip = _probe(video, field="video")
    if clip.video_codec is None:
        raise SoundsError("video", f"{video.name} is not a video ffmpeg can read")
    if not MIN_CLIP_S <= clip.duration_s <= MAX_AUDIO_SECONDS:
        raise SoundsError("video", f"the clip is {clip.duration_s:.2f} s long; it must be {MIN_CLIP_S:g} s "
                          f"to {MAX_AUDIO_SECONDS:g} s")
    tune = _probe(song, field="song")
    if not tune.has_audio:
        raise AudioError("song", f"{song.name} is not an audio file ffmpeg can read")
    if tune.duration_s > MAX_AUDIO_SECONDS:
        raise AudioError("song", f"{song.name} is {tune.duration_s:.0f} s long, over the {MAX_AUDIO_SECONDS:g} s cap")
    music = _decode(song, seconds=MAX_AUDIO_SECONDS)
    if music is None or music.shape[1] == 0:
        raise AudioError("song", f"{song.name} holds no audio ffmpeg can decode")
    if music.shape[1] < MIN_SONG_S * SAMPLE_RATE:
        raise AudioError("song", f"{song.name} is shorter than {MIN_SONG_S:g} s")
    if float(np.abs(music).max()) <= SILENCE_PEAK:
        raise AudioError("song", f"{song.name} is silent")
    length = round(clip.duration_s * SAMPLE_RATE)
    original = None
    if keep_original and clip.has_audio:
        original = _decode(video, seconds=clip.duration_s)
        if original is not None:  # an audio stream that will not decode counts as none
            original = np.pad(original[:, :length], ((0, 0), (0, max(0, length - original.shape[1]))))

    report("mix", 1, 3)
    music, start, looped = _fit(music, length=length)
    fade = min(round(fade_s * SAMPLE_RATE), length // 4)
    if fade:  # raised-cosine ramps
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
        music[:, :fade] *= ramp
        music[:, length - fade:] *= ramp[::-1]
    clip_lufs = _loudness(original) if original is not None else -math.inf
    if not math.isfinite(clip_lufs):  # no sound, or too quiet to measure: the song plays alone
        original, clip_lufs = None, None
    music_lufs = target_lufs if original is None else clip_lufs - music_level_db
    measured = _loudness(music)
    if not math.isfinite(measured):
        raise AudioError("song", f"{song.name} is too quiet to measure where it would play")
    music *= np.float32(10 ** ((music_lufs - measured) / 20))
    ducked_s = 0.0
    if original is not None:
        gain, ducked_s = _duck_gain(speech_frames(original.mean(axis=0)), duck_db=duck_db, length=length)
        mixed = original + music * gain
    else:
        mixed = music
    mixed = _limit(mixed)

    copied = clip.video_codec in MP4_VIDEO_CODECS
    picture = ["-c:v", "copy"] if copied else ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                                                "-pix_fmt", "yuv420p"]
    handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(handle)
    try:
        report("encode", 2, 3)  # inside: a job cancelled from its progress call leaves no temp file
        run = ffmpeg_io.run(["-y", "-v", "error", "-i", str(video), "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "2",
                             "-i", "pipe:0", "-map", "0:v:0", "-map", "1:a:0", *picture, "-c:a", "aac", "-b:a", "192k",
                             "-movflags", "+faststart", "-f", "mp4", temp],
                            stdin=np.ascontiguousarray(mixed.T, dtype=np.float32).tobytes(),
                            timeout_s=FFMPEG_TIMEOUT_S, field="video")
        if run.returncode != 0:
            # The temporary name means nothing to the creator: it is "the output".
            tail = ffmpeg_io.last_line(run.stderr.replace(str(temp).encode(), b"the output"), paths=[video], limit=200)
            raise SoundsError("video", f"ffmpeg could not write the MP4 from {video.name}: {tail}")
        os.chmod(temp, 0o644)  # mkstemp's 0600 would hide the MP4 from a separate web server
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    report("encode", 3, 3)
    return MixResult(out=out, duration_s=length / SAMPLE_RATE, hook_start_s=start / SAMPLE_RATE, looped=looped,
                     ducked_s=ducked_s, music_lufs=float(music_lufs), clip_lufs=clip_lufs, video_copied=copied)
