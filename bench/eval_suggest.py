"""Leave-one-out measure of sound suggestions (issue 10) on the real trending posts.

    python bench/eval_suggest.py            # about a minute on 2 cores, most of it MiniLM

The posts are ../shared/data/tiktok's ``trending_tiktokapi.json`` and ``apify_trending.csv``,
imported into a temporary trend lake as ``lake ingest`` does (one row per id: the ``metadata``
view). For each post that names a sound and has a caption or hashtags: hide it
(``exclude_post_ids``), ask ``suggest_sounds`` for 10 sounds from its caption and hashtags alone
(``video=None``: these posts come without their videos), and check whether the sound the post
actually used is first (Hit@1) and among the 10 (Recall@10; one true sound per post, so it is
Hit@10). The baseline ranks the same candidates by popularity alone (``POPULARITY_ONLY``).

Only a post whose sound another post also uses can be found: a sound used once leaves the
catalog with its post. "findable" rows count those posts only; "all" rows count every post, so
their ceiling is the findable share. The posts are split in halves A and B by a hash of their id;
the weights were chosen on half A (``--sweep`` prints the grid), so half B is the held-out check.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
EXPORTS = ROOT.parent / "shared" / "data" / "tiktok"

from sounds.evaluation import leave_one_out  # noqa: E402
from sounds.suggest import POPULARITY_ONLY, WEIGHTS  # noqa: E402
from trend_lake import Lake, run_query  # noqa: E402


def load_posts():
    """The exports' posts as the lake's ``metadata`` view gives them (a pyarrow Table)."""
    with tempfile.TemporaryDirectory() as tmp:
        lake = Lake(Path(tmp) / "lake")
        for name in ("trending_tiktokapi.json", "apify_trending.csv"):
            lake.ingest(EXPORTS / name, profile="x")
        return run_query(lake, "SELECT * FROM metadata").table


def half(post_id: str) -> str:
    return "A" if hashlib.sha256(str(post_id).encode()).digest()[0] % 2 == 0 else "B"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also print Recall@10 / Hit@1 on half A for a grid "
                                                              "of text : popularity weights")
    args = parser.parse_args()
    if not EXPORTS.is_dir():
        print(f"needs {EXPORTS}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    posts = load_posts()
    from summariser import load_summariser

    embed = load_summariser("minilm", device="cpu").embed
    loaded = time.perf_counter()
    ids = [str(i) for i in posts.column("id").to_pylist()]
    halves = {h: [i for i in ids if half(i) == h] for h in "AB"}
    methods = {"suggest (shipped weights)": WEIGHTS, "popularity only (baseline)": POPULARITY_ONLY}
    measured = leave_one_out(posts=posts, embed=embed, methods=methods)
    results = {"all": measured, **{f"half {h}": {name: r.only(halves[h]) for name, r in measured.items()}
                                   for h in "AB"}}
    rows = []
    for scope, by_method in results.items():
        for name, r in by_method.items():
            rows.append((scope, name, str(r.posts), _pct(r.recall_at_k), _pct(r.hit_at_1), str(r.findable),
                         _pct(r.findable_recall_at_k), _pct(r.findable_hit_at_1)))
    whole = results["all"]["suggest (shipped weights)"]
    print(f"Leave-one-out on {whole.posts} posts with a sound and a caption or hashtags "
          f"({len(ids)} in the exports); {whole.findable} of them use a sound another post also uses "
          f"(findable)\n")
    print_table(("posts", "ranking", "n", "Recall@10", "Hit@1", "findable n", "Recall@10", "Hit@1"), rows,
                right=range(2, 8))
    if args.sweep:
        grid = []
        rest = 1.0 - WEIGHTS["fit"]
        for text in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, rest):
            weights = {"text": text, "fit": WEIGHTS["fit"], "popularity": rest - text}
            r = leave_one_out(posts=posts, embed=embed, methods={"x": weights}, post_ids=halves["A"])["x"]
            grid.append((f"{text:.2f}", f"{rest - text:.2f}", _pct(r.findable_recall_at_k),
                         _pct(r.findable_hit_at_1), _pct(r.recall_at_k), _pct(r.hit_at_1)))
        shown = results["half A"]["suggest (shipped weights)"].posts
        print(f"\nHalf A ({shown} posts), text and popularity weights (fit {WEIGHTS['fit']}, neutral without "
              "a video)\n")
        print_table(("text", "popularity", "findable R@10", "findable Hit@1", "all R@10", "all Hit@1"), grid,
                    right=range(0, 6))
    print(f"\nexports read {loaded - started:.1f} s with MiniLM loaded; measured in "
          f"{time.perf_counter() - loaded:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
