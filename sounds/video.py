"""What a video looks and sounds like, for choosing a sound for it: light, colour, motion, cuts,
faces, voice and its own music's tempo, summed up as an energy level, a pace and content labels.

    features = video_features(path="clip.mp4")        # VideoFeatures
    features.pace, features.energy, features.labels   # "fast", "high", ("faces", "fast cuts", "music")

Frames are read with OpenCV. Two samplings of the same pass:

* **dense**, ``CUT_FPS`` (6) frames a second, downscaled: shot cuts (the Bhattacharyya distance
  between HSV colour histograms of consecutive samples above ``CUT_DISTANCE``, at most one cut
  per ``CUT_MIN_GAP_S``) and motion energy (mean absolute difference of 64-px-wide grey frames,
  0–1, pairs across a cut left out so a cut is not counted as motion too);
* **analysis**, ``frames_per_second`` (2) a second: brightness (mean luma, 0–1), colourfulness
  (Hasler & Süsstrunk 2003: about 15 is "slightly", 33 "moderately", 45 "quite", 59 "highly"
  colourful) and faces (the share of about ``FACE_SAMPLES`` (24) evenly spread samples in which
  OpenCV's Haar frontal-face cascade finds one).

The audio is decoded with the ffmpeg binary. **Music** is decided on two cues (``_music``):
sustained pitched notes — the share of spectral peaks (150–3000 Hz) that hold their frequency
for ``_HOLD_FRAMES`` (370 ms): speech glides, notes hold; measured 0.000–0.017 on the shared
speech, 0.033–0.17 on tonal music 12–18 dB under speech — or, for music that is mostly drums,
a clear beat: the tempogram's strongest tempo over its median, ≥ 2 (speech 1.1–1.3) on at least
6 s. Music quieter than -12 dB under speech with no held notes (a lone drum loop) is missed.
Only music gets a tempo (librosa's beat tracker); a speech-only clip has none. Voice is the share
of the audio that faster-whisper's Silero VAD calls speech.

**Pace**: fast with ≥ ``CUTS_FAST`` (0.75) cuts a second or motion ≥ ``MOTION_HIGH`` (0.055);
slow under ``CUTS_SLOW`` (0.2) cuts a second and ``MOTION_LOW`` (0.035) motion; else medium.
**Energy score** (0–1): the mean of motion / 0.055 and cuts a second / 0.75 (each capped at 1)
and, with music, (tempo − 70 BPM) / 70 (0–1); low under 0.3, high from 0.6.
"""
from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

import ffmpeg_io

from ._types import MAX_AUDIO_SECONDS, SoundsError

CUT_FPS = 6.0               # dense samples a second: a cut every 0.5 s is 3 samples apart
CUT_DISTANCE = 0.45         # Bhattacharyya distance of HSV histograms that reads as a new shot
CUT_MIN_GAP_S = 0.3         # a flash or strobe within this counts once
FACE_SAMPLES = 24           # frames searched for faces (the cascade is the slow part)
FACE_LONG_SIDE = 320        # px: faces filling a tenth of the width still span 32 px
AUDIO_RATE = 22050
VAD_RATE = 16000            # what Silero VAD listens at
#: Thresholds for the labels, pace and energy (motion: mean absolute grey difference, 0–1).
MOTION_LOW, MOTION_HIGH = 0.035, 0.055     # the real talking head: 0.028; a pan of a third of the frame a second: 0.06
CUTS_SLOW, CUTS_FAST = 0.2, 0.75           # cuts a second: a shot over 5 s is slow, under 1.3 s fast
BRIGHT, DARK = 0.6, 0.25
COLOURFUL, MUTED = 59.0, 15.0              # Hasler–Süsstrunk: 59 "highly", 15 "slightly" colourful
FACES, TALKING = 0.3, 0.4                  # share of samples with a face; share of audio with voice
ENERGY_BANDS = (0.3, 0.6)                  # energy score: low below 0.3, high from 0.6
_HOLD_FRAMES = 16                          # STFT hops of 512 at 22.05 kHz: 370 ms
_TONAL_MUSIC = 0.03
_BEAT_CLARITY, _BEAT_MIN_S = 2.0, 6.0


@dataclass(frozen=True)
class VideoFeatures:
    """A video's look and sound. Units: seconds, 0–1 shares and levels, BPM; ``faces`` and
    ``voice`` are None when they could not be measured (no face cascade, no VAD)."""

    duration_s: float          # the whole video
    analysed_s: float          # how much of it was read (at most max_seconds)
    width: int
    height: int
    frames: int                # analysis samples (brightness, colour)
    brightness: float          # mean luma, 0–1
    colourfulness: float       # Hasler–Süsstrunk M (0 grey … ~100 vivid)
    motion: float              # mean absolute difference of consecutive grey samples, 0–1
    cuts: int
    cuts_per_s: float
    faces: float | None        # share of searched samples with a frontal face
    has_audio: bool
    voice: float | None        # share of the audio with speech
    has_music: bool
    tempo_bpm: float | None    # the clip's own music's tempo; None without music
    tonal: float               # share of held spectral peaks (the music cue)
    energy: str                # low / medium / high
    energy_score: float        # 0–1
    pace: str                  # slow / medium / fast
    labels: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        out = asdict(self)
        out["labels"], out["notes"] = list(self.labels), list(self.notes)
        return out


def _validate(path, frames_per_second, max_seconds) -> Path:
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise SoundsError("file", "must be a path to a video file")
    path = Path(path)
    if not path.is_file():
        raise SoundsError("file", f"no such file: {path.name}")
    if path.stat().st_size == 0:
        raise SoundsError("file", f"{path.name} is empty")
    if isinstance(frames_per_second, bool) or not isinstance(frames_per_second, (int, float)) \
            or not 0.2 <= frames_per_second <= 10:
        raise SoundsError("frames_per_second", "must be from 0.2 to 10 frames a second")
    if isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)) \
            or not 1 <= max_seconds <= MAX_AUDIO_SECONDS:
        raise SoundsError("max_seconds", f"must be from 1 to {MAX_AUDIO_SECONDS:.0f} seconds")
    return path


def video_features(path: str | os.PathLike, *, frames_per_second: float = 2.0,
                   max_seconds: float = 60.0) -> VideoFeatures:
    """Measure the first ``max_seconds`` (1–600 s) of the video at ``path``, sampling
    ``frames_per_second`` (0.2–10) frames a second for light, colour and faces and 6 for cuts and
    motion. Raises ``SoundsError("file", …)`` for a missing, empty or unreadable (non-video) file."""
    path = _validate(path, frames_per_second, max_seconds)
    look = _look(path, frames_per_second=float(frames_per_second), max_seconds=float(max_seconds))
    sound = _sound(path, max_seconds=min(float(max_seconds), look["analysed_s"]))
    notes = tuple(look.pop("notes")) + tuple(sound.pop("notes"))
    motion_n = min(1.0, look["motion"] / MOTION_HIGH)
    cuts_n = min(1.0, look["cuts_per_s"] / CUTS_FAST)
    parts = [motion_n, cuts_n]
    if sound["tempo_bpm"]:
        parts.append(min(1.0, max(0.0, (sound["tempo_bpm"] - 70.0) / 70.0)))
    energy_score = float(np.mean(parts))
    energy = "low" if energy_score < ENERGY_BANDS[0] else "high" if energy_score >= ENERGY_BANDS[1] else "medium"
    if look["cuts_per_s"] >= CUTS_FAST or look["motion"] >= MOTION_HIGH:
        pace = "fast"
    elif look["cuts_per_s"] < CUTS_SLOW and look["motion"] < MOTION_LOW:
        pace = "slow"
    else:
        pace = "medium"
    features = dict(**look, **sound, energy=energy, energy_score=energy_score, pace=pace)
    return VideoFeatures(**features, labels=_labels(features), notes=notes)


def _labels(f: dict) -> tuple[str, ...]:
    """Words for what the video shows and sounds like, each from one documented threshold."""
    out = []
    if f["faces"] is not None and f["faces"] >= FACES:
        out.append("faces")
    talking = f["voice"] is not None and f["voice"] >= TALKING
    if talking:
        out.append("talking")
    if talking and (f["faces"] or 0) >= 0.5 and f["cuts_per_s"] < CUTS_SLOW and f["motion"] < MOTION_HIGH:
        out.append("talking head")
    out += ["bright"] if f["brightness"] >= BRIGHT else ["dark"] if f["brightness"] <= DARK else []
    out += ["colourful"] if f["colourfulness"] >= COLOURFUL else ["muted colours"] if f["colourfulness"] < MUTED else []
    if f["cuts_per_s"] >= CUTS_FAST:
        out.append("fast cuts")
    elif f["cuts"] == 0 and f["motion"] < MOTION_LOW:
        out.append("steady shot")
    if f["motion"] >= MOTION_HIGH:
        out.append("lots of motion")
    out += ["music"] if f["has_music"] else [] if f["has_audio"] else ["no sound"]
    return tuple(out)


# -- pictures -------------------------------------------------------------------------------------

def _colourfulness(bgr: np.ndarray) -> float:
    """Hasler & Süsstrunk's M: spread and mean of the opponent channels rg and yb."""
    b, g, r = (bgr[..., i].astype(np.float32) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(math.hypot(rg.std(), yb.std()) + 0.3 * math.hypot(rg.mean(), yb.mean()))


def _histogram(bgr: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, [8, 4, 4], [0, 180, 0, 256, 0, 256]).ravel()
    return hist / max(float(hist.sum()), 1.0)


def _bhattacharyya(p: np.ndarray, q: np.ndarray) -> float:
    return float(math.sqrt(max(0.0, 1.0 - float(np.sqrt(p * q).sum()))))


def _look(path: Path, *, frames_per_second: float, max_seconds: float) -> dict:
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise SoundsError("file", f"{path.name} is not a video OpenCV can read")
        fps = capture.get(cv2.CAP_PROP_FPS)
        fps = fps if 1.0 <= fps <= 240.0 else 30.0  # a broken header: assume the common rate
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        # Faces are searched in every stride-th analysis sample, so at most about FACE_SAMPLES
        # frames are kept in memory whatever the length.
        expected = frames_per_second * min(max_seconds, count / fps if count and count > 0 else max_seconds)
        stride = max(1, math.ceil(expected / FACE_SAMPLES))
        dense, light, colour, greys, index, samples = [], [], [], [], 0, 0
        next_dense = next_analysis = 0.0
        width = height = 0
        while True:
            t = index / fps
            if t >= max_seconds or not capture.grab():
                break
            index += 1
            take_dense, take_analysis = t + 1e-6 >= next_dense, t + 1e-6 >= next_analysis
            if not (take_dense or take_analysis):
                continue
            ok, frame = capture.retrieve()
            if not ok or frame is None or frame.ndim != 3:
                continue
            height, width = frame.shape[:2]
            if take_dense:
                next_dense = t + 1.0 / CUT_FPS
                small = cv2.resize(frame, (64, max(1, round(64 * height / width))), interpolation=cv2.INTER_AREA)
                dense.append((_histogram(small), cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)))
            if take_analysis:
                next_analysis = t + 1.0 / frames_per_second
                scale = FACE_LONG_SIDE / max(height, width)
                picture = cv2.resize(frame, (max(1, round(width * scale)), max(1, round(height * scale))),
                                     interpolation=cv2.INTER_AREA)
                grey = cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
                light.append(float(grey.mean()) / 255.0)
                colour.append(_colourfulness(picture))
                if samples % stride == 0:
                    greys.append(grey)
                samples += 1
    finally:
        capture.release()
    if not samples:
        raise SoundsError("file", f"{path.name} has no video frames OpenCV can decode")
    analysed = index / fps
    duration = count / fps if count and count > 0 else analysed

    cuts, last_cut, moves = 0, -1.0, []
    for i in range(1, len(dense)):
        if _bhattacharyya(dense[i - 1][0], dense[i][0]) > CUT_DISTANCE:
            if (i - last_cut) / CUT_FPS >= CUT_MIN_GAP_S:
                cuts += 1
            last_cut = i
        else:
            moves.append(float(np.abs(dense[i][1] - dense[i - 1][1]).mean()) / 255.0)
    faces, notes = _face_share(greys)
    return {"duration_s": float(duration), "analysed_s": float(analysed), "width": int(width), "height": int(height),
            "frames": samples, "brightness": float(np.mean(light)), "colourfulness": float(np.mean(colour)),
            "motion": float(np.mean(moves)) if moves else 0.0, "cuts": cuts,
            "cuts_per_s": cuts / analysed if analysed > 0 else 0.0, "faces": faces, "notes": notes}


def _face_share(greys: list[np.ndarray]) -> tuple[float | None, list[str]]:
    detector = _face_detector()
    if detector is None:
        return None, ["faces: OpenCV's frontal-face cascade did not load, so faces were not counted"]
    return sum(detector(cv2.equalizeHist(grey)) for grey in greys) / len(greys), []


# -- sound ----------------------------------------------------------------------------------------

def _sound(path: Path, *, max_seconds: float) -> dict:
    quiet = {"has_audio": False, "voice": None, "has_music": False, "tempo_bpm": None, "tonal": 0.0, "notes": []}
    try:
        samples = ffmpeg_io.decode_pcm(path, sr=AUDIO_RATE, seconds=max(1.0, max_seconds))
    except ffmpeg_io.FfmpegError:
        samples = None  # no audio stream ffmpeg can decode
    if samples is None or len(samples) < AUDIO_RATE // 2 or float(np.abs(samples).max()) < 1e-4:
        return quiet  # no stream, or silence: nothing to hear
    voice, notes = _voice(samples)
    tonal, clear = _music(samples)
    has_music = tonal >= _TONAL_MUSIC or (clear >= _BEAT_CLARITY and len(samples) >= _BEAT_MIN_S * AUDIO_RATE)
    tempo = None
    if has_music:
        import librosa

        beat, _ = librosa.beat.beat_track(y=samples, sr=AUDIO_RATE)
        tempo = float(np.atleast_1d(beat)[0]) or None
    return {"has_audio": True, "voice": voice, "has_music": bool(has_music), "tempo_bpm": tempo, "tonal": tonal,
            "notes": notes}


def _music(samples: np.ndarray) -> tuple[float, float]:
    """The two music cues: the share of held spectral peaks, and the beat's clarity."""
    import librosa
    from scipy.ndimage import maximum_filter, median_filter, minimum_filter1d

    level = librosa.amplitude_to_db(np.abs(librosa.stft(samples, n_fft=4096, hop_length=512)), ref=np.max)
    freqs = librosa.fft_frequencies(sr=AUDIO_RATE, n_fft=4096)
    level = level[(freqs >= 150) & (freqs <= 3000)]
    # A peak: the loudest of 5 bins, within 30 dB of the frame's loudest, 6 dB over its neighbourhood.
    peaks = ((level == maximum_filter(level, size=(5, 1))) & (level >= level.max(axis=0, keepdims=True) - 30)
             & (level > -60) & (level - median_filter(level, size=(21, 1)) >= 6))
    # Held: a peak within one bin (5.4 Hz) of a peak in each of the next _HOLD_FRAMES frames.
    near = maximum_filter(peaks.astype(np.uint8), size=(3, 1))
    held = peaks & (minimum_filter1d(near, size=_HOLD_FRAMES, axis=1, origin=-(_HOLD_FRAMES // 2)) > 0)
    tonal = float(held.sum() / max(1, peaks.sum()))
    onsets = librosa.onset.onset_strength(y=samples, sr=AUDIO_RATE)
    gram = librosa.feature.tempogram(onset_envelope=onsets, sr=AUDIO_RATE, win_length=384).mean(axis=1)
    bpm = librosa.tempo_frequencies(len(gram), sr=AUDIO_RATE)
    band = gram[(bpm >= 60) & (bpm <= 200)]
    clear = float(band.max() / max(float(np.median(band)), 1e-9)) if len(band) else 0.0
    return tonal, clear


def _voice(samples: np.ndarray) -> tuple[float | None, list[str]]:
    """The share of the audio (mono at ``AUDIO_RATE``) that Silero VAD, shipped with faster-whisper,
    hears as speech; it listens at 16 kHz, so the one decoding is resampled, not decoded again."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError:
        return None, ["voice: faster-whisper is not installed, so speech was not measured"]
    import librosa

    heard = librosa.resample(samples, orig_sr=AUDIO_RATE, target_sr=VAD_RATE)
    spans = get_speech_timestamps(heard, VadOptions(min_silence_duration_ms=300))
    return float(sum(s["end"] - s["start"] for s in spans) / len(heard)), []


# -- faces ----------------------------------------------------------------------------------------

_FACE_CASCADE = "haarcascade_frontalface_default.xml"
_detector: list = []  # the loaded cascade, once per process


def _face_detector():
    """OpenCV's own Haar frontal-face cascade (Viola–Jones, from the ``cv2.data`` the
    opencv-python 4 wheel ships), as a callable grey image → bool; None when it cannot load."""
    if not _detector:
        cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / _FACE_CASCADE))
        _detector.append(None if cascade.empty() else lambda grey: len(cascade.detectMultiScale(
            grey, scaleFactor=1.2, minNeighbors=4, minSize=(30, 30))) > 0)
    return _detector[0]
