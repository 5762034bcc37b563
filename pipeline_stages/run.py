"""One search in progress: the stages of ``stages.specs()`` run in order, each timed and reported."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import stages
import utils
from errors import Cancelled

if TYPE_CHECKING:
    from tiktok_videos import Video


class SearchCancelled(Cancelled):
    """The caller's ``should_stop`` said stop; raised at the boundary before ``stage``."""

    def __init__(self, stage: str):
        super().__init__(None, f"cancelled before the {stage} stage")
        self.stage = stage


@dataclass(frozen=True)
class StageRecord:
    """How one stage ran: ``backend`` it used (None when it did not run), ``seconds`` it took,
    and ``note`` (why ``auto`` chose an embedded default; shown in the page footer)."""

    name: str
    backend: str | None
    seconds: float
    note: str | None = None


class Run:
    """One search: what its stages' runners read (``tags``, ``clip``, ``duration``, ``seed``,
    ``run_dir``, earlier stages' ``outputs``) and leave (``warnings``, and in ``backends`` the
    backend a stage used when its output says it better than its loaded object)."""

    def __init__(self, studio: Any, *, tags: tuple[str, ...], duration: int | str, seed: int,
                 report: utils.StageProgress | None, should_stop: Callable[[], bool] | None,
                 clip: "Video | None" = None):
        self.studio = studio
        self.tags = tags
        self.duration = duration
        self.seed = seed
        self.clip = clip
        self.report = report or (lambda stage, done, total: None)
        self.should_stop = should_stop or (lambda: False)
        self.run_id = utils.new_run_id()
        self.run_dir: Path = studio.runs_dir / self.run_id
        self.warnings: list[str] = []
        self.outputs: dict[str, Any] = {}
        self.backends: dict[str, str | None] = {}
        self.timings: dict[str, float] = {}

    def progress(self, stage: str) -> utils.Progress:
        """Stage ``stage``'s own ``progress(done, total)``."""
        return lambda done, total: self.report(stage, done, total)

    def _timed(self, stage: str, work: Callable[[], Any]) -> Any:
        if self.should_stop():
            raise SearchCancelled(stage)
        started = time.perf_counter()
        self.report(stage, 0, 1)
        try:
            return work()
        finally:
            self.timings[stage] = round(time.perf_counter() - started, 3)
            self.report(stage, 1, 1)

    def execute(self) -> tuple[StageRecord, ...]:
        """Every stage in order (the list as it stood when the search began); their records."""
        every = stages.specs()
        self.run_dir.mkdir(parents=True)
        for spec in every:
            runner = stages.resolve(spec.run)
            self.outputs[spec.name] = self._timed(spec.name, lambda: runner(self))
        records = []
        for spec in every:
            backend, note, warnings = self.studio.stage_report(spec.name)
            self.warnings.extend(warnings)
            records.append(StageRecord(spec.name, self.backends.get(spec.name, backend), self.timings[spec.name],
                                       note))
        return tuple(records)
