"""Plain-text handling: cleaning, sentences (punctuated or not), words, tags, candidates."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

SUMMARY_MAX_WORDS = 80
# Sphinx transcripts come without punctuation: a "sentence" longer than this is an
# unpunctuated run and is cut into pieces of about _PIECE_WORDS words.
_RUN_WORDS = 40
_PIECE_WORDS = 20
_MAX_SENTENCE_CHARS = 400
_MAX_TOKEN_CHARS = 30

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"(?<!\w)@\w[\w.]*")
_HASHTAG = re.compile(r"(?<!\w)#+([^\s#]+)")  # not \w+: Thai tone marks are not \w
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…。！？])\s+|\s*\n+\s*")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])")
_TERMINAL = ".!?…。！？"
TERMINAL = _TERMINAL

STOPWORDS = frozenset("""
a about above after again against all almost also am an and any are aren't around as at away back
be because been before being below between both but by can can't cannot could couldn't did didn't do
does doesn't doing don't down during each either else even ever every few for from further get gets
getting go goes going gonna got gotta had hadn't has hasn't have haven't having he he'd he'll he's her
here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its
itself just know let let's like lot lots made make makes many may maybe me might mine more most much
must my myself need needs never new no nor not now of off oh ok okay on once one only or other ought
our ours ourselves out over own please pretty put quite rather really right said same say says see
she she'd she'll she's should shouldn't so some something still such sure take than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've thing things
think this those though through to today too try um uh under until up upon us use used very want
wanna was wasn't way we we'd we'll we're we've well were weren't what what's when when's where where's
whether which while who who's whom why why's will with without won't would wouldn't yeah yes yet you
you'd you'll you're you've your yours yourself yourselves fyp foryou foryoupage viral trending tiktok
xyzbca video videos guys hey gonna actually literally basically kind sort stuff look looks
first second third next last another everything everyone nothing anything someone always give gives
start starts done honestly seriously totally definitely obviously absolutely probably anyway
anyways alright lol omg two three four five six seven eight nine ten hundred thousand
""".split())


def clean_text(text: str) -> str:
    """``text`` without URLs, @mentions, emoji or control characters; whitespace kept."""
    text = unicodedata.normalize("NFC", text)  # NFKC would split Thai vowels
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("So", "Sk", "Cs", "Co", "Cn") or char in "\u200d\ufe0f":
            continue
        if category.startswith("C") and char not in "\n\t":
            kept.append(" ")
            continue
        kept.append(char)
    return "".join(kept)


def hashtags(text: str) -> list[str]:
    """The hashtags written inside ``text``, without the ``#``."""
    return [tag for tag in (_strip_edges(t) for t in _HASHTAG.findall(text)) if tag]


def without_hashtags(text: str) -> str:
    return _HASHTAG.sub(" ", text)


def tag_phrase(tag: str) -> str:
    """``"#CookingHacks"`` → ``"cooking hacks"``; ``"skin_care"`` → ``"skin care"``."""
    tag = tag.strip().lstrip("#")
    tag = _CAMEL.sub(" ", tag)
    tag = re.sub(r"[_\-\s]+", " ", tag)
    return tag.strip().lower()


def is_filler(phrase: str) -> bool:
    """True when every word of ``phrase`` is a stop word ("to", "fyp", "for you")."""
    return all(word in STOPWORDS for word in phrase.split())


def word_count(text: str) -> int:
    return len(text.split())


def _has_letter(token: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in token)


def _strip_edges(token: str) -> str:
    start, end = 0, len(token)
    while start < end and not unicodedata.category(token[start]).startswith(("L", "N")):
        start += 1
    while end > start and not unicodedata.category(token[end - 1]).startswith(("L", "N", "M")):
        end -= 1
    return token[start:end]


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text``: whitespace-split, punctuation stripped from the edges,
    tokens without a letter dropped (numbers, emoji, stray symbols)."""
    words = (_strip_edges(raw).lower() for raw in text.split())
    return [word for word in words if word and _has_letter(word)]


_BOUNDARY_WORDS = frozenset(
    "and but so then now next first second third after afterwards finally okay because once when "
    "while also plus".split())
_PRONOUN_I = re.compile(r"^i(?=$|'(?:m|ve|ll|d)$)")


def _as_sentence(words: list[str]) -> str:
    # Speech transcripts are lower case: restore the pronoun "I" ("i", "i'm", "i've"…).
    text = " ".join(_PRONOUN_I.sub("I", w) for w in words)
    if len(text) > _MAX_SENTENCE_CHARS:
        text = text[:_MAX_SENTENCE_CHARS].rsplit(" ", 1)[0] if " " in text[:_MAX_SENTENCE_CHARS] \
            else text[:_MAX_SENTENCE_CHARS]
        text = text.rstrip(",;: ") + "…"
    text = text[0].upper() + text[1:]
    if text[-1] not in _TERMINAL:
        text = text.rstrip(",;:-") + "."
    return text


def split_sentences(text: str) -> list[str]:
    """Sentences of one document, each capitalised and ending in punctuation.

    Unpunctuated runs longer than 40 words (speech transcripts) are cut into pieces of
    about 15–25 words so each piece can be ranked on its own.
    """
    return [sentence for _, _, sentence in sentence_spans(text)]


def sentence_spans(text: str, *, breaks: frozenset[int] = frozenset()) -> list[tuple[int, int, str]]:
    """``split_sentences`` with where each sentence came from: ``(first, end, sentence)``,
    where ``text.split()[first:end]`` are the sentence's words.

    ``breaks``: word indices where a new stretch of speech begins (a transcript segment);
    an unpunctuated run is preferably cut there.
    """
    spans = []
    offset = 0
    for line in text.split("\n"):
        words = line.split()
        start = 0
        for i, word in enumerate(words):
            # A word ending in . ! ? … ends a sentence, as a break after it would in the text.
            if word[-1] in _TERMINAL or i == len(words) - 1:
                spans.extend(_spans_of(words[start:i + 1], offset + start, breaks))
                start = i + 1
        offset += len(words)
    return spans


def _spans_of(words: list[str], offset: int, breaks: frozenset[int]) -> list[tuple[int, int, str]]:
    if not words or not any(_has_letter(w) for w in words):
        return []
    if len(words) <= _RUN_WORDS:
        return [(offset, offset + len(words), _as_sentence(words))]
    spans = []
    start = offset
    for piece in _pieces(words, breaks=frozenset(b - offset for b in breaks)):
        first = start
        start += len(piece)
        # A piece cut before a spoken "and" reads better without it.
        if len(piece) > 1 and piece[0].lower() in ("and", "plus"):
            piece, first = piece[1:], first + 1
        spans.append((first, start, _as_sentence(piece)))
    return spans


def _pieces(words: list[str], *, low: int = 15, high: int = 25,
            breaks: frozenset[int] = frozenset()) -> list[list[str]]:
    """Cut an unpunctuated run into pieces of ``low``–``high`` words (a run too short for
    two full pieces is halved), cutting where a new transcript segment begins (``breaks``,
    word indices), else just before a spoken boundary word ("then", "so", "next"…) when
    there is one nearby, and never right after "a", "the", "of"…"""
    pieces = []
    start = 0
    while len(words) - start > high:
        # Cuts that leave both this piece and the rest at least ``low`` words long.
        rest = len(words) - start
        target, first, last = start + _PIECE_WORDS, start + low, min(start + high, len(words) - low)
        if first > last:  # too short for two full pieces: cut near the middle, a third either side
            target, first, last = start + rest // 2, start + rest // 3, len(words) - rest // 3
        cuts = sorted(range(first, last + 1), key=lambda c: abs(c - target))
        # Best: just before a boundary word; else: not right after "a", "the", "of"…
        best = next((c for c in cuts if c in breaks),
                    next((c for c in cuts if words[c].lower() in _BOUNDARY_WORDS),
                         next((c for c in cuts if words[c - 1].lower() not in STOPWORDS), cuts[0])))
        pieces.append(words[start:best])
        start = best
    pieces.append(words[start:])
    return pieces


def trim_to_words(text: str, max_words: int = SUMMARY_MAX_WORDS) -> str:
    """``text`` cut to at most ``max_words`` words at a sentence end; when the first
    sentence alone is longer, cut at a word boundary and end with "…"."""
    if word_count(text) <= max_words:
        return text.strip()
    kept: list[str] = []
    used = 0
    for sentence in _SENTENCE_BREAK.split(text.strip()):
        n = word_count(sentence)
        if n == 0:
            continue
        if used + n > max_words:
            break
        kept.append(sentence.strip())
        used += n
    if kept:
        return " ".join(kept)
    words = text.split()[:max_words]
    words[-1] = words[-1].rstrip(",;:.-–—") or words[-1]
    return " ".join(words) + "…"


def candidate_phrases(sentences: list[str], *, max_ngram: int = 3, min_phrase_count: int = 2) -> Counter:
    """Counts of 1–3-word phrases without stop words, never crossing a sentence.

    Without part-of-speech tags, a phrase of 2–3 words from speech is often a chance
    neighbourhood ("pan add"): such phrases count only when seen ``min_phrase_count`` times.
    """
    counts: Counter = Counter()
    for sentence in sentences:
        words = tokens(sentence)
        for n in range(1, max_ngram + 1):
            for i in range(len(words) - n + 1):
                gram = words[i:i + n]
                if any(w in STOPWORDS or len(w) < 2 or len(w) > _MAX_TOKEN_CHARS for w in gram):
                    continue
                if n > 1 and len(set(gram)) < n:
                    continue
                counts[" ".join(gram)] += 1
    return Counter({p: c for p, c in counts.items() if c >= min_phrase_count or " " not in p})
