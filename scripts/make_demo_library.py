"""Generate TrendTok Studio's bundled demo video library (committed under tiktok_videos/library).

Why: the studio must run on a fresh machine with no network and no TTS, so a small
library of short vertical videos with spoken narration and burned-in captions ships
with the repository. This script is how that library was made; run it again to
rebuild it byte for byte (fixed seeds, fixed voice).

Layout (a contract other code reads)::

    <out>/<#Tag1 - #Tag2 - #Tag3>/<slug>.mp4   540x960 H.264 yuv420p + AAC, faststart
    <out>/<#Tag1 - #Tag2 - #Tag3>/<slug>.json  title, description, narration, captions,
                                               author, plays, duration_s

Needs Debian packages: ``flite`` (``apt-get install -y flite``; the ``slt`` voice is
built in). ffmpeg comes from the ``imageio-ffmpeg`` wheel; the caption font is Pillow's
built-in scalable font, so no system fonts are needed. ``--measure`` also needs
SpeechRecognition + pocketsphinx, ``--ocr`` needs rapidocr_onnxruntime.

Usage::

    python scripts/make_demo_library.py                 # build all 15 videos
    python scripts/make_demo_library.py --only food     # one category
    python scripts/make_demo_library.py --measure       # WER table of the built library
    python scripts/make_demo_library.py --ocr           # read captions back with OCR
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import utils  # noqa: E402

WIDTH, HEIGHT, FPS = 540, 960, 24
VOICE = "slt"
# Measured on five of these narrations with recognize_sphinx (WER): duration_stretch 1.0 -> 0.29,
# 1.1 -> 0.32, 1.2 -> 0.38; with pauses between sentences 1.0 -> 0.28 and 0.95 -> 0.34.
STRETCH = 1.0
SENTENCE_GAP_S = 0.35  # a pause between sentences; also helps the transcriber find word boundaries
LEAD_S, TAIL_S = 0.4, 0.6
MIN_DURATION_S, MAX_DURATION_S = 8.0, 20.0
CAPTION_MIN_S, CAPTION_MAX_S = 2.0, 4.0
AUTHOR = "TrendTok demo"


class DemoLibraryError(ValueError):
    """Bad content or options for the demo library; the message names the offending field."""


@dataclass(frozen=True)
class DemoVideo:
    slug: str
    title: str
    description: str
    narration: str
    captions: tuple[str, ...]
    plays: int  # made up: a plausible popularity used only to order the demo videos


@dataclass(frozen=True)
class DemoCategory:
    key: str
    hashtags: tuple[str, ...]
    palette: tuple[tuple[int, int, int], ...]  # top, bottom, accent (RGB)
    motif: str  # which animated shapes the background draws
    videos: tuple[DemoVideo, ...]

    @property
    def folder(self) -> str:
        return " - ".join(f"#{tag}" for tag in self.hashtags)


def _v(slug, title, description, narration, captions, plays) -> DemoVideo:
    return DemoVideo(slug, title, description, narration, tuple(captions), plays)


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory("food", ("Foodie", "RecipeOfTheDay", "CookingHacks"),
                 ((255, 183, 77), (214, 69, 65), (255, 241, 200)), "bubbles", (
        _v("three-ingredient-pasta", "3-ingredient pasta in 10 minutes",
           "Butter, cheese, pasta. That's it 🍝 #Foodie #RecipeOfTheDay #CookingHacks #pasta",
           "You only need three things for this pasta. Cook it in salted water, then stir in butter "
           "and cheese. Add a cup of the hot cooking water to make it creamy. Dinner is ready in ten minutes.",
           ["3-INGREDIENT PASTA", "BUTTER + CHEESE", "SAVE THE PASTA WATER", "READY IN 10 MIN"], 1_840_000),
        _v("one-pan-chicken", "One pan chicken dinner",
           "Less washing up, more eating 🍗 #Foodie #RecipeOfTheDay #CookingHacks #dinner",
           "Put chicken and potatoes on one big pan. Add oil, salt and a little lemon. "
           "Bake it for thirty minutes, and you only have one pan to wash.",
           ["ONE PAN DINNER", "OIL, SALT, LEMON", "BAKE 30 MIN", "ONLY 1 PAN TO WASH"], 962_000),
        _v("banana-ice-cream", "Two-banana ice cream",
           "Ice cream with no sugar added? Yes 🍌 #Foodie #RecipeOfTheDay #CookingHacks #healthy",
           "Freeze two ripe bananas for one night. Blend them until they look like soft ice cream. "
           "Add peanut butter or chocolate for a sweet treat with no sugar.",
           ["2 FROZEN BANANAS", "BLEND UNTIL SMOOTH", "ADD PEANUT BUTTER", "NO ADDED SUGAR"], 1_315_000),
    )),
    DemoCategory("beauty", ("Beauty", "SkincareRoutine", "MakeupTutorial"),
                 ((248, 187, 208), (136, 84, 208), (255, 255, 255)), "sparkles", (
        _v("morning-skincare", "My 3-step morning skincare",
           "Simple skin, every single morning ☀️ #Beauty #SkincareRoutine #MakeupTutorial #spf",
           "My morning routine has three steps. Wash your face with a gentle cleanser. "
           "Then use a light cream, and always finish with sunscreen, even when it is cloudy.",
           ["3-STEP MORNING ROUTINE", "GENTLE CLEANSER", "LIGHT MOISTURIZER", "SPF EVERY DAY"], 2_210_000),
        _v("five-minute-makeup", "5-minute makeup for busy mornings",
           "Running late? This takes five minutes 💄 #Beauty #MakeupTutorial #SkincareRoutine #grwm",
           "This is my five minute makeup look for busy mornings. Start with a little concealer under "
           "your eyes. Add some pink blush to your cheeks and one coat of mascara. That is all you need.",
           ["5-MINUTE MAKEUP", "CONCEALER UNDER EYES", "PINK BLUSH", "ONE COAT MASCARA"], 1_480_000),
        _v("night-routine", "Night routine for glowing skin",
           "The night routine that fixed my skin 🌙 #Beauty #SkincareRoutine #MakeupTutorial #selfcare",
           "Before bed, take off all of your makeup. Put on a thick night cream and some lip balm. "
           "Sleep is the best beauty trick, so try to get eight hours.",
           ["NIGHT ROUTINE", "REMOVE ALL MAKEUP", "NIGHT CREAM + LIP BALM", "SLEEP 8 HOURS"], 734_000),
    )),
    DemoCategory("travel", ("Travel", "Wanderlust", "TravelTips"),
                 ((110, 198, 255), (0, 105, 148), (255, 214, 102)), "waves", (
        _v("one-bag-packing", "One bag for a whole week",
           "Carry-on only, forever ✈️ #Travel #TravelTips #Wanderlust #packing",
           "Here is how I pack for a whole week with one small bag. Roll your clothes instead of "
           "folding them. Wear your heaviest shoes on the plane, and put snacks in your coat.",
           ["ONE BAG, ONE WEEK", "ROLL, DON'T FOLD", "WEAR HEAVY SHOES", "SNACKS IN YOUR COAT"], 1_905_000),
        _v("cheap-flights", "How I find cheaper flights",
           "Stop overpaying for flights 💸 #Travel #TravelTips #Wanderlust #budgettravel",
           "Want cheaper flights? Search in a private window and fly in the middle of the week. "
           "Tuesday and Wednesday often have the lowest prices.",
           ["CHEAPER FLIGHTS", "PRIVATE WINDOW", "FLY MIDWEEK", "TUE + WED = LOWEST"], 2_650_000),
        _v("quiet-beach", "The quiet beach nobody knows",
           "Early train, empty beach 🌊 #Travel #Wanderlust #TravelTips #hiddengem",
           "We took the early train to the coast and found this quiet beach. Go before nine in the "
           "morning and you will have it all to yourself. Bring water and lunch, because there are no shops.",
           ["HIDDEN BEACH", "TAKE THE EARLY TRAIN", "GO BEFORE 9 AM", "BRING WATER + LUNCH"], 845_000),
    )),
    DemoCategory("fashion", ("Fashion", "OOTD", "StyleInspo"),
                 ((40, 40, 48), (180, 140, 110), (250, 230, 210)), "stripes", (
        _v("white-shirt-three-ways", "One white shirt, three outfits",
           "The only shirt you need 🤍 #Fashion #OOTD #StyleInspo #capsule",
           "One white shirt, three outfits. Wear it with blue jeans for the weekend. "
           "Tuck it into a black skirt for work, or tie it at the waist for summer.",
           ["1 SHIRT, 3 OUTFITS", "WEEKEND: BLUE JEANS", "WORK: BLACK SKIRT", "SUMMER: TIE IT UP"], 1_120_000),
        _v("capsule-wardrobe", "Capsule wardrobe in 10 pieces",
           "Fewer clothes, more outfits 👗 #Fashion #StyleInspo #OOTD #minimalist",
           "A small closet can still give you lots of looks. Pick ten pieces in colors that all "
           "match each other. Black, white and blue go with almost everything.",
           ["CAPSULE WARDROBE", "PICK 10 PIECES", "COLORS THAT MATCH", "BLACK, WHITE, BLUE"], 688_000),
        _v("thrift-haul", "$20 thrift store haul",
           "All of this for twenty dollars 🛍️ #Fashion #OOTD #StyleInspo #thrifthaul",
           "I spent twenty dollars at the thrift store today. I found a green jacket, a leather belt "
           "and a pair of boots. Second hand shopping is good for your wallet and the planet.",
           ["$20 THRIFT HAUL", "GREEN JACKET", "LEATHER BELT + BOOTS", "SECOND HAND WINS"], 1_560_000),
    )),
    DemoCategory("tech", ("Tech", "Gadgets", "TechTips"),
                 ((18, 24, 48), (40, 70, 140), (0, 229, 255)), "grid", (
        _v("phone-battery", "Make your phone battery last longer",
           "Your battery will thank you 🔋 #Tech #TechTips #Gadgets #iphone",
           "Your phone battery can last much longer. Turn down the screen light and close the apps "
           "you do not use. Keep the charge between twenty and eighty percent.",
           ["BATTERY HACKS", "DIM THE SCREEN", "CLOSE UNUSED APPS", "CHARGE 20-80%"], 2_030_000),
        _v("desk-setup", "My work-from-home desk setup",
           "Desk setup tour 🖥️ #Tech #Gadgets #TechTips #desksetup",
           "This is my desk setup for working from home. A second screen, a good keyboard, and a "
           "warm lamp that is easy on the eyes. Hiding the cables makes a big difference.",
           ["WFH DESK SETUP", "SECOND SCREEN", "WARM DESK LAMP", "HIDE THE CABLES"], 976_000),
        _v("faster-wifi", "Fix slow wifi in 3 steps",
           "Slow wifi at home? Try this first 📶 #Tech #TechTips #Gadgets #wifi",
           "Is your internet slow at home? Move the router to the middle of the house and lift it off the floor. "
           "Restart it once a week, and keep it away from the microwave.",
           ["SLOW INTERNET? TRY THIS", "ROUTER IN THE MIDDLE", "RESTART IT WEEKLY", "AWAY FROM THE MICROWAVE"], 1_390_000),
    )),
)


# --- narration -------------------------------------------------------------------------------

def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def synthesise(text: str, dest: Path, *, voice: str = VOICE, stretch: float = STRETCH) -> float:
    """Speak ``text`` with flite into a 16-bit mono WAV at ``dest``; return its length in seconds.

    Each sentence is synthesised on its own and joined with a short pause.
    """
    pieces: list[np.ndarray] = []
    rate = 16000
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "sentence.wav"
        for sentence in _sentences(text):
            subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}",
                            "-t", sentence, "-o", str(part)], check=True)
            with wave.open(str(part)) as wav:
                rate = wav.getframerate()
                pieces.append(np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16))
            pieces.append(np.zeros(int(SENTENCE_GAP_S * rate), np.int16))
    samples = np.concatenate([np.zeros(int(LEAD_S * rate), np.int16), *pieces[:-1],
                              np.zeros(int(TAIL_S * rate), np.int16)])
    short = int(MIN_DURATION_S * rate) - samples.size
    if short > 0:
        samples = np.concatenate([samples, np.zeros(short, np.int16)])
    with utils.atomic_path(dest) as tmp_wav, wave.open(str(tmp_wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return samples.size / rate


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def word_error_rate(reference: str, hypothesis: str) -> tuple[float, int]:
    """(WER, reference word count): word edit distance / reference words, lower-cased, no punctuation."""
    ref, hyp = _words(reference), _words(hypothesis)
    if not ref:
        raise DemoLibraryError("reference: no words to score against")
    row = list(range(len(hyp) + 1))
    for i, r_word in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h_word in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r_word != h_word))
    return row[-1] / len(ref), len(ref)


def caption_schedule(n_captions: int, duration_s: float) -> list[tuple[float, float]]:
    """Even (start_s, end_s) slots over the video; each must last CAPTION_MIN_S..CAPTION_MAX_S."""
    slot = duration_s / n_captions
    if not CAPTION_MIN_S <= slot <= CAPTION_MAX_S:
        raise DemoLibraryError(f"captions: {n_captions} captions over {duration_s:.1f} s gives "
                               f"{slot:.1f} s each, outside {CAPTION_MIN_S}-{CAPTION_MAX_S} s")
    return [(k * slot, (k + 1) * slot) for k in range(n_captions)]


# --- pictures --------------------------------------------------------------------------------

_WORD_GAP = "   "  # with one space RapidOCR ran most caption words together; three read 10/10 in a trial


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]}{_WORD_GAP}{word}") <= max_width:
            lines[-1] = f"{lines[-1]}{_WORD_GAP}{word}"
        else:
            lines.append(word)
    return lines


def text_layer(text: str, *, size: int, boxed: bool, max_width: int = WIDTH - 80) -> Image.Image:
    """RGBA strip (WIDTH x h) with ``text`` centred: bold white, dark outline, optional dark box."""
    font = ImageFont.load_default(size=size)
    lines = _wrap(text, font, max_width)
    while size > 20 and max(font.getlength(line) for line in lines) > max_width:
        size -= 4  # one very long word: shrink rather than overflow the frame
        font = ImageFont.load_default(size=size)
        lines = _wrap(text, font, max_width)
    line_h = int(size * 1.2)
    pad = size // 3
    height = line_h * len(lines) + 2 * pad
    layer = Image.new("RGBA", (WIDTH, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if boxed:
        box_w = int(max(font.getlength(line) for line in lines)) + 2 * pad + 12
        left = (WIDTH - box_w) // 2
        draw.rounded_rectangle((left, 0, left + box_w, height - 1), radius=pad, fill=(0, 0, 0, 165))
    for k, line in enumerate(lines):
        xy = (WIDTH / 2, pad + line_h * k + line_h / 2)
        # Pillow's default font has no bold face: a wide dark stroke outlines, a thin white one thickens.
        draw.text(xy, line, font=font, anchor="mm", fill="white", stroke_width=max(3, size // 12),
                  stroke_fill=(20, 20, 20))
        draw.text(xy, line, font=font, anchor="mm", fill="white", stroke_width=1, stroke_fill="white")
    return layer


def _bubbles(draw: ImageDraw.ImageDraw, params: np.ndarray, t: float, accent: tuple) -> None:
    for p in params[:14]:
        r = 20 + 50 * p[0]
        x = WIDTH * p[1] + 30 * math.sin(0.8 * t + 6.28 * p[2])
        y = HEIGHT + r - (t * (40 + 60 * p[3]) + HEIGHT * p[2]) % (HEIGHT + 2 * r)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*accent, 70))


def _sparkles(draw: ImageDraw.ImageDraw, params: np.ndarray, t: float, accent: tuple) -> None:
    for p in params:
        pulse = 0.5 + 0.5 * math.sin(3 * t + 6.28 * p[3])
        x, y, s = WIDTH * p[0], HEIGHT * p[1], (5 + 12 * p[2]) * (0.4 + pulse)
        draw.polygon([(x, y - 2 * s), (x + s / 3, y), (x, y + 2 * s), (x - s / 3, y)], fill=(*accent, int(220 * pulse)))
        draw.polygon([(x - 2 * s, y), (x, y + s / 3), (x + 2 * s, y), (x, y - s / 3)], fill=(*accent, int(220 * pulse)))


def _waves(draw: ImageDraw.ImageDraw, params: np.ndarray, t: float, accent: tuple) -> None:
    sun_x, sun_y = WIDTH * (0.55 + 0.3 * params[0, 0]) + 20 * math.sin(t / 3), 230 + 10 * math.sin(t)
    draw.ellipse((sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70), fill=(*accent, 220))
    for k in range(4):
        base, period = HEIGHT * (0.45 + 0.13 * k), 180 + 40 * k
        top = [(x, base + 18 * math.sin(6.28 * x / period + t * (1 + 0.3 * k))) for x in range(0, WIDTH + 20, 20)]
        draw.polygon(top + [(WIDTH, HEIGHT), (0, HEIGHT)], fill=(255, 255, 255, 35 + 12 * k))


def _stripes(draw: ImageDraw.ImageDraw, params: np.ndarray, t: float, accent: tuple) -> None:
    offset = (t * 40 + 160 * params[0, 0]) % 160
    for k in range(-8, 8):
        x = k * 160 + offset
        draw.polygon([(x, 0), (x + 60, 0), (x + 60 + HEIGHT * 0.6, HEIGHT), (x + HEIGHT * 0.6, HEIGHT)],
                     fill=(*accent, 45))


def _grid(draw: ImageDraw.ImageDraw, params: np.ndarray, t: float, accent: tuple) -> None:
    shift = (t * 30) % 60
    for x in range(0, WIDTH + 1, 60):
        draw.line((x, 0, x, HEIGHT), fill=(*accent, 45), width=2)
    for k in range(-1, HEIGHT // 60 + 1):
        y = k * 60 + shift
        draw.line((0, y, WIDTH, y), fill=(*accent, 45), width=2)
    for p in params[:10]:
        x, y = 60 * int(p[0] * 9), 60 * int(p[1] * 16) + shift
        draw.rectangle((x + 4, y + 4, x + 56, y + 56), fill=(*accent, int(120 * (0.5 + 0.5 * math.sin(2 * t + 6.28 * p[2])))))


_MOTIFS = {"bubbles": _bubbles, "sparkles": _sparkles, "waves": _waves, "stripes": _stripes, "grid": _grid}


class FrameRenderer:
    """Draws one video's frames: moving gradient and shapes, title, the current caption, a progress bar."""

    def __init__(self, category: DemoCategory, video: DemoVideo, *, duration_s: float):
        if category.motif not in _MOTIFS:
            raise DemoLibraryError(f"motif: unknown {category.motif!r}; choose one of {sorted(_MOTIFS)}")
        self._top, self._bottom = (np.array(c, np.float32) for c in category.palette[:2])
        self._accent = category.palette[2]
        self._draw_motif = _MOTIFS[category.motif]
        self._params = np.random.default_rng(zlib.crc32(video.slug.encode())).random((28, 4))
        self._rows = np.linspace(0.0, 1.0, HEIGHT, dtype=np.float32)[:, None]
        self._duration_s = duration_s
        self._title = text_layer(video.title, size=34, boxed=False)
        self._schedule = caption_schedule(len(video.captions), duration_s)
        self._captions = [text_layer(c, size=54, boxed=True) for c in video.captions]

    def __call__(self, t: float) -> np.ndarray:
        """The frame at ``t`` seconds: uint8 array of shape (HEIGHT, WIDTH, 3)."""
        mix = np.clip(self._rows + 0.12 * np.sin(6.28 * (t / 6 + self._rows)), 0.0, 1.0)
        column = self._top * (1 - mix) + self._bottom * mix  # (HEIGHT, 3)
        frame = Image.fromarray(np.repeat(column[:, None, :], WIDTH, axis=1).astype(np.uint8)).convert("RGBA")
        overlay = Image.new("RGBA", frame.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        self._draw_motif(draw, self._params, t, self._accent)
        draw.rectangle((0, HEIGHT - 8, int(WIDTH * t / self._duration_s), HEIGHT), fill=(255, 255, 255, 200))
        frame.alpha_composite(overlay)
        frame.alpha_composite(self._title, (0, 60))
        for (start, end), layer in zip(self._schedule, self._captions):
            if start <= t < end:
                frame.alpha_composite(layer, (0, int(HEIGHT * 0.70) - layer.height // 2))
        return np.asarray(frame.convert("RGB"))


# --- video files -----------------------------------------------------------------------------

def _ffmpeg() -> str:
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


def _encode(frames: Iterator[np.ndarray], wav: Path, dest: Path, *, duration_s: float) -> None:
    """H.264 yuv420p + AAC MP4 with the index up front; bitexact so reruns give the same bytes."""
    cmd = [_ffmpeg(), "-y", "-loglevel", "error",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "-",
           "-i", str(wav), "-map", "0:v:0", "-map", "1:a:0", "-t", f"{duration_s:.3f}",
           "-c:v", "libx264", "-preset", "medium", "-crf", "30", "-maxrate", "320k", "-bufsize", "640k",
           "-pix_fmt", "yuv420p", "-profile:v", "main", "-g", str(2 * FPS),
           "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "1",
           "-movflags", "+faststart", "-map_metadata", "-1",
           "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-f", "mp4", str(dest)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for frame in frames:
            proc.stdin.write(frame.tobytes())
    except BrokenPipeError:
        pass  # ffmpeg died; its message is read below
    finally:
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace")
        proc.wait()
    if proc.returncode:
        raise RuntimeError(f"ffmpeg failed on {dest.name}: {err.strip()}")


def build_video(category: DemoCategory, video: DemoVideo, out_dir: Path, *,
                voice: str = VOICE, stretch: float = STRETCH) -> dict:
    """Write ``<out_dir>/<category folder>/<slug>.mp4`` and its sidecar JSON; return the sidecar."""
    folder = Path(out_dir) / category.folder
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "narration.wav"
        audio_s = synthesise(video.narration, wav, voice=voice, stretch=stretch)
        if audio_s > MAX_DURATION_S:
            raise DemoLibraryError(f"narration: {video.slug} lasts {audio_s:.1f} s, over {MAX_DURATION_S} s")
        n_frames = math.ceil(audio_s * FPS)
        duration_s = n_frames / FPS
        render = FrameRenderer(category, video, duration_s=duration_s)
        with utils.atomic_path(folder / f"{video.slug}.mp4") as tmp_mp4:
            _encode((render(k / FPS) for k in range(n_frames)), wav, tmp_mp4, duration_s=duration_s)
            tmp_mp4.chmod(0o644)  # mkstemp makes 0600; the library is meant to be read by anyone
    sidecar = {"title": video.title, "description": video.description, "narration": video.narration,
               "captions": list(video.captions), "author": AUTHOR, "plays": video.plays,
               "duration_s": round(duration_s, 3)}
    with utils.atomic_path(folder / f"{video.slug}.json") as tmp_json:  # after the mp4: a sidecar means a video
        tmp_json.write_text(json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp_json.chmod(0o644)
    return sidecar


# --- checks ----------------------------------------------------------------------------------

def _built(out_dir: Path, category: DemoCategory, video: DemoVideo) -> Path:
    mp4 = Path(out_dir) / category.folder / f"{video.slug}.mp4"
    if not (mp4.is_file() and mp4.with_suffix(".json").is_file()):
        raise DemoLibraryError(f"out: {mp4} or its sidecar is missing; build the library first")
    return mp4


def _audio_16k(mp4: Path, dest: Path) -> None:
    subprocess.run([_ffmpeg(), "-y", "-loglevel", "error", "-i", str(mp4), "-vn", "-ac", "1", "-ar", "16000",
                    str(dest)], check=True)


def measure(out_dir: Path, categories: tuple[DemoCategory, ...]) -> float:
    """Print the sphinx word error rate of every built video, per category and overall; return overall."""
    import speech_recognition as sr
    recognizer = sr.Recognizer()
    total_err = total_words = 0.0
    print(f"{'category':9s} {'video':25s} {'words':>5s} {'WER':>5s}")
    for category in categories:
        cat_err = cat_words = 0.0
        for video in category.videos:
            mp4 = _built(out_dir, category, video)
            narration = json.loads(mp4.with_suffix(".json").read_text("utf-8"))["narration"]
            with tempfile.TemporaryDirectory() as tmp:
                wav = Path(tmp) / "audio.wav"
                _audio_16k(mp4, wav)
                with sr.AudioFile(str(wav)) as source:
                    heard = recognizer.recognize_sphinx(recognizer.record(source))
            wer, words = word_error_rate(narration, heard)
            cat_err, cat_words = cat_err + wer * words, cat_words + words
            print(f"{category.key:9s} {video.slug:25s} {words:5d} {wer:5.2f}")
        print(f"{category.key:9s} {'(category, word-weighted)':25s} {int(cat_words):5d} {cat_err / cat_words:5.2f}")
        total_err, total_words = total_err + cat_err, total_words + cat_words
    overall = total_err / total_words
    print(f"{'overall':9s} {'':25s} {int(total_words):5d} {overall:5.2f}")
    return overall


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def caption_text(ocr_result: list | None) -> str:
    """The text RapidOCR found in the lower half of a frame, where captions sit (the title is on top)."""
    return " ".join(text for box, text, _ in ocr_result or []
                    if sum(y for _, y in box) / len(box) > HEIGHT / 2)


def ocr_check(out_dir: Path, categories: tuple[DemoCategory, ...]) -> tuple[int, int, int]:
    """OCR one frame per caption (mid-slot) and print what was read.

    Returns (captions whose letters and digits were all read back, of those also with the
    right word breaks, captions checked).
    """
    from rapidocr_onnxruntime import RapidOCR
    engine = RapidOCR()
    letters = words = total = 0
    for category in categories:
        for video in category.videos:
            mp4 = _built(out_dir, category, video)
            sidecar = json.loads(mp4.with_suffix(".json").read_text("utf-8"))
            for (start, end), caption in zip(caption_schedule(len(sidecar["captions"]), sidecar["duration_s"]),
                                             sidecar["captions"]):
                png = subprocess.run([_ffmpeg(), "-loglevel", "error", "-ss", f"{(start + end) / 2:.2f}",
                                      "-i", str(mp4), "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"],
                                     check=True, capture_output=True).stdout
                text = caption_text(engine(png)[0])
                same_letters = _squash(caption) in _squash(text)
                same_words = text.split() == caption.split()
                letters, words, total = letters + same_letters, words + same_words, total + 1
                mark = "ok  " if same_words else "ok* " if same_letters else "MISS"
                print(f"{mark} {video.slug:24s} {caption!r:28s} read: {text!r}")
    print(f"captions read back: letters and digits {letters}/{total}, with the same words {words}/{total}")
    return letters, words, total


def _build(out_dir: Path, categories: tuple[DemoCategory, ...], *, voice: str, stretch: float) -> None:
    if shutil.which("flite") is None:
        raise DemoLibraryError("voice: the flite program is missing; apt-get install -y flite")
    for category in categories:
        for video in category.videos:
            sidecar = build_video(category, video, out_dir, voice=voice, stretch=stretch)
            size_kb = (out_dir / category.folder / f"{video.slug}.mp4").stat().st_size / 1024
            print(f"{category.folder}/{video.slug}.mp4  {sidecar['duration_s']:.1f} s  {size_kb:.0f} KB", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tiktok_videos" / "library")
    parser.add_argument("--only", choices=[c.key for c in CATEGORIES], help="one category")
    parser.add_argument("--measure", action="store_true", help="print the WER table of the built videos")
    parser.add_argument("--ocr", action="store_true", help="read the burned-in captions back with OCR")
    parser.add_argument("--voice", default=VOICE, help="flite voice (default %(default)s)")
    parser.add_argument("--stretch", type=float, default=STRETCH, help="flite duration_stretch")
    args = parser.parse_args(argv)
    categories = tuple(c for c in CATEGORIES if args.only in (None, c.key))
    try:
        if args.measure or args.ocr:
            if args.measure:
                measure(args.out, categories)
            if args.ocr:
                ocr_check(args.out, categories)
            return 0
        _build(args.out, categories, voice=args.voice, stretch=args.stretch)
    except DemoLibraryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
