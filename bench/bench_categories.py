"""Accuracy of the lake's category (``trend_lake.categories``) on real trending posts, against
weak labels taken from their hashtags.

    python bench/bench_categories.py        # about half a minute on 2 cores, most of it loading MiniLM
    python bench/bench_categories.py --openai-base-url http://localhost:11434/v1 --openai-model llama3.1:8b

Nobody has labelled these posts, so the labels are weak and the method is this:

* The posts are ../shared/data/tiktok's two exports (``apify_trending.csv``, 981 rows, and
  ``trending_tiktokapi.json``), ingested into a temporary lake as ``lake ingest`` does, one row
  per id (the ``metadata`` view).
* A post is labelled when its hashtags name exactly one category through ``LABEL_TAGS``, a
  hand-written map of unambiguous hashtags (``#recipe`` → food, ``#gym`` → fitness,
  ``#dogsoftiktok`` → animals…; ``#tendance`` is French for trend, so no substring rules). Posts
  naming no category or several are left out, as are posts whose caption has fewer than two
  words once its ``#hashtags`` are removed, and repeats of a caption already kept.
* The category is then picked from the caption **with its hashtags removed** (otherwise the
  label would be read back). "with #tags" is the same posts' whole caption, as ``analyse`` sees
  a post without a transcript: the labels leak into it, so it shows what hashtags add, not
  what the model understands.
* The posts are split in two halves by a hash of their id; the gap between the halves shows
  how much of a difference is noise. "vs before" counts the posts a method gets right and the
  one-description zero-shot (what ``analyse`` did before) got wrong, and the reverse.

Rows: always the most frequent label (the baseline); zero-shot with one description per
category (before); zero-shot with the shipped ``PHRASINGS`` (several per category, the closest
one counts); zero-shot with phrasings tuned after reading these captions (not shipped: see the
README); and the LLM categoriser when ``--openai-base-url`` names an OpenAI-compatible server.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
EXPORTS = ROOT.parent / "shared" / "data" / "tiktok"

from trend_lake import Lake, run_query  # noqa: E402
from trend_lake.categories import CATEGORIES, PHRASINGS, LLMCategoriser, ZeroShot  # noqa: E402

#: The weak labeller: hashtags (normalised as the lake stores them) that name one category.
#: Written by hand from the exports' hashtag list; anything ambiguous (#funnydog, #kpop,
#: #lipsync, #grwm, #tutorial, #ai, #asmr, #trend…) is in no category.
LABEL_TAGS: dict[str, str] = {
    "comedy": "funny funnytiktok funnyvideo funnyvideos funnymoments comedy ukcomedy humor humour skit skits prank "
              "pranks meme memes memestiktok dankmemes ogmemes parody blooper lol joke jokes",
    "dance": "dance dances dancing dancin dancer dancers dancetrend dancetrends dancetrend2025 dancechallenge "
             "dancechallenges dancechallange dancechallenge2025 tiktokdance tiktokdances dancetok dance2025 "
             "2025dance duodance triodance twindance newdance newdance2025 newdancechallenge newdancetrends "
             "newdancealert trendingdance trendingdances viraldance viraldances dancevideo latestdance "
             "latestviraldance dancersoftiktok dancesfor2people dancetiktok dancingtiktok dancewithus easydance "
             "easydances dancetrending hiphopdance justdance onepersondance 1persondance 2persondance dancepartner "
             "choreography baile bailes bailestiktok dancecover trenddance ttdance",
    "music": "music musica song songs sing singing singer cover lyrics popmusic newmusic musictok piano guitar "
             "songwriter trendingsong lovesong bestsong bestsongever popularsong bestmusic rapper rap",
    "food": "food foodie foodtok recipe recipes cooking cook baking meat foodhaitian coffee mukbang dinner",
    "beauty": "makeup skincare beauty beautytok hair haircare hairstyle hairtok haircut nails nailart "
              "makeuptransformation halloweenmakeup atlmakeupartist atlantahairstylist dyedhair glitterhair "
              "hairhack hairloss",
    "fashion": "fashion ootd outfit outfits outfitinspo fitcheck fallfashion fallfashion2025 fallfashioninspo "
               "fallfashiontrends fashiontrends style haul shoes winterfit copyingoutfits",
    "fitness": "gym workout fitness sport sports football soccer futbol basketball gymnastics yoga yogagirl athlete "
               "running",
    "tech": "tech technology iphone android gadget gadgets unboxing coding programming software computer",
    "education": "learn learning languagelearning education edutok facts history historytime science lesson "
                 "teachersoftiktok math mathematic matematica studytok booktok",
    "travel": "travel traveltok vacation vacationmode beach beachlife wanderlust traveling",
    "animals": "animals animal wildanimals pet pets petsoftiktok cat cats catsoftiktok kitten dog dogs dogsoftiktok "
               "doglife dogowner dogtraining dogtricks dogtrend puppy puppytiktok rescuedog olddog greatdane fatcat "
               "fatcatsoftiktok fluffycat",
    "gaming": "gaming gamer videogames roblox robloxfyp robloxmemes robloxx robloxadoptme robloxavatar minecraft "
              "minecraftluckyblocks fortnite fortnitebr fortnitechapter5 fortniteclips fortniteedit fortnitememes "
              "fortniteskins growagardenroblox marvelrivalsgame",
    "relationships": "couple couples couplegoals couplestiktok couplemoments coupletrend boyfriend girlfriend "
                     "relationship relationships dating marriage husbandwife husbandandwife bf gf family parents "
                     "siblings sisters momsoftiktok dadsoftiktok friends friendship bestfriend",
    "lifestyle": "lifestyle dayinthelife dayinmylife ditl vlog routine morningroutine nightroutine momlife cozyathome "
                 "athome westernlifestyle",
}
TAG_CATEGORY = {tag: name for name, tags in LABEL_TAGS.items() for tag in tags.split()}

#: Phrasings written after reading the labelled captions (the "trend" ones fit this trending
#: set's dance posts); measured to show what such tuning buys, and not shipped.
CAPTION_TUNED = {**PHRASINGS,
                 "dance": PHRASINGS["dance"] + ("dancing to a trending song", "people doing the moves of a dance trend"),
                 "music": PHRASINGS["music"] + ("a list of popular songs",),
                 "fashion": PHRASINGS["fashion"] + ("sneakers and shoes",),
                 "gaming": PHRASINGS["gaming"] + ("Roblox, Fortnite or Minecraft",),
                 "animals": PHRASINGS["animals"] + ("a funny pet",)}
_HASHTAG = re.compile(r"#\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def load_posts() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        lake = Lake(Path(tmp) / "lake")
        for name in ("apify_trending.csv", "trending_tiktokapi.json"):
            lake.ingest(EXPORTS / name, profile="bench")
        return run_query(lake, "SELECT id, description, hashtags FROM metadata ORDER BY id").table.to_pylist()


def labelled(posts: list[dict]) -> tuple[list[dict], Counter]:
    """The posts with a weak label, and how many were left out for each reason."""
    kept, seen, funnel = [], set(), Counter()
    for post in posts:
        names = {TAG_CATEGORY[t] for t in post["hashtags"] or [] if t in TAG_CATEGORY}
        caption = " ".join(_HASHTAG.sub(" ", post["description"] or "").split())
        if not names:
            funnel["no hashtag naming a category"] += 1
        elif len(names) > 1:
            funnel["hashtags naming several categories"] += 1
        elif len(_WORD.findall(caption)) < 2:
            funnel["under 2 words once hashtags are removed"] += 1
        elif caption.casefold() in seen:
            funnel["a caption already kept"] += 1
        else:
            seen.add(caption.casefold())
            half = "A" if hashlib.sha256(post["id"].encode()).digest()[0] % 2 == 0 else "B"
            kept.append({"label": names.pop(), "caption": caption, "whole": post["description"] or "", "half": half})
    return kept, funnel


def _pct(right: int, n: int) -> str:
    return f"{100 * right / n:.1f}%" if n else "-"


def _accuracy(gold: list[str], pred: list[str]) -> str:
    n, right = len(gold), sum(g == p for g, p in zip(gold, pred))
    margin = 196 * math.sqrt(right / n * (1 - right / n) / n)  # 95 %, normal approximation
    return f"{100 * right / n:.1f}% ±{margin:.1f}"


def _balanced(gold: list[str], pred: list[str]) -> float:
    """Mean recall over the categories present: 1/k for any constant guess."""
    present = sorted(set(gold))
    return sum(sum(g == p == c for g, p in zip(gold, pred)) / gold.count(c) for c in present) / len(present)


def _remembered(embed):
    """``embed`` that computes each distinct text once (every method reads the same captions)."""
    import numpy as np

    seen: dict[str, np.ndarray] = {}

    def remembered(texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        if new:
            seen.update(zip(new, embed(new)))
        return np.stack([seen[t] for t in texts]) if texts else embed([])

    return remembered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openai-base-url", help="also measure the LLM categoriser on this server")
    parser.add_argument("--openai-model", default=None)
    parser.add_argument("--openai-api-key", default=os.environ.get("OPENAI_API_KEY"))
    args = parser.parse_args()
    if not EXPORTS.is_dir():
        print(f"needs {EXPORTS}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    posts = load_posts()
    items, funnel = labelled(posts)
    gold = [i["label"] for i in items]
    halves = {h: [n for n, i in enumerate(items) if i["half"] == h] for h in "AB"}
    read = time.perf_counter()

    from summariser import load_summariser

    if args.openai_base_url:
        summariser = load_summariser("openai", openai_base_url=args.openai_base_url, openai_model=args.openai_model,
                                     openai_api_key=args.openai_api_key, device="cpu")
        embed = summariser.offline.embed
    else:
        summariser, embed = None, load_summariser("minilm", device="cpu").embed
    embed = _remembered(embed)
    loaded = time.perf_counter()

    majority = Counter(gold).most_common(1)[0][0]
    methods = {f"always {majority} (baseline)": lambda texts: [majority] * len(texts),
               "zero-shot, one description each (before)":
                   ZeroShot(embed, phrasings={name: (d,) for name, d in CATEGORIES.items()}),
               "zero-shot, PHRASINGS (shipped)": ZeroShot(embed),
               "zero-shot, caption-tuned (not shipped)": ZeroShot(embed, phrasings=CAPTION_TUNED)}
    llm = None
    if summariser is not None and hasattr(summariser, "chat"):
        llm = LLMCategoriser(summariser.chat, fallback=methods["zero-shot, PHRASINGS (shipped)"],
                             backend=summariser.backend)
        methods[f"LLM {args.openai_model or 'default model'}, zero-shot fallback"] = llm
    captions, wholes = [i["caption"] for i in items], [i["whole"] for i in items]
    predictions = {name: (method(captions), method(wholes)) for name, method in methods.items()}
    before = predictions["zero-shot, one description each (before)"][0]

    rows = []
    for name, (pred, with_tags) in predictions.items():
        won = sum(p == g != b for p, g, b in zip(pred, gold, before))
        lost = sum(b == g != p for p, g, b in zip(pred, gold, before))
        rows.append((name, _accuracy(gold, pred), f"{100 * _balanced(gold, pred):.1f}%",
                     *(_pct(sum(pred[n] == gold[n] for n in halves[h]), len(halves[h])) for h in "AB"),
                     f"+{won} -{lost}", _pct(sum(p == g for p, g in zip(with_tags, gold)), len(gold))))
    print(f"Category accuracy on {len(items)} weakly labelled posts of {len(posts)} "
          f"(caption without hashtags; halves A {len(halves['A'])}, B {len(halves['B'])} posts)\n")
    print_table(("method", "accuracy (95%)", "balanced", "half A", "half B", "vs before", "with #tags"), rows,
                right=range(1, 7))

    shipped = predictions["zero-shot, PHRASINGS (shipped)"][0]
    print("\nPer category, shipped zero-shot (recall: of the posts labelled so; precision: of the posts filed so)\n")
    per = []
    for name in CATEGORIES:
        n, filed = gold.count(name), shipped.count(name)
        right = sum(g == p == name for g, p in zip(gold, shipped))
        wrong = Counter(p for g, p in zip(gold, shipped) if g == name and p != name).most_common(1)
        per.append((name, str(n), str(filed), f"{right}/{n}", _pct(right, n), _pct(right, filed),
                    f"{wrong[0][0]} ({wrong[0][1]})" if wrong else ""))
    print_table(("category", "labelled", "filed", "right", "recall", "precision", "most often filed as"), per,
                right=range(1, 6))

    confusions = Counter((g, p) for g, p in zip(gold, shipped) if g != p).most_common(8)
    print("\nMost frequent confusions, shipped zero-shot\n")
    print_table(("labelled", "filed as", "posts"), [(g, p, str(c)) for (g, p), c in confusions], right=(2,))

    print("\nWeak labels\n")
    print_table(("posts", "count"), [("in the exports (one per id)", str(len(posts)))]
                + [(f"left out: {reason}", str(n)) for reason, n in funnel.most_common()]
                + [("labelled", str(len(items)))], right=(1,))
    if llm is not None:
        print(f"\nLLM: {llm.report()}")
    print(f"\nexports read and labelled {read - started:.1f} s, MiniLM load {loaded - read:.1f} s, "
          f"everything {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
