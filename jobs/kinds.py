"""What each job kind does: the handlers the runners call, and the checks on their params.

``params`` are checked when the job is created (a bad one is a 400 naming the field,
and nothing is queued) and stored in their normalised form, so a handler only reads them.
"""
from __future__ import annotations

from typing import Any, Mapping

import pipeline
import runs
from search_input import SearchRequest, parse_search_request

from ._types import Job, JobCancelled, UnknownKind
from .runner import Handler, JobContext


def search_params(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A search's params from a request body (``tags``, ``duration``, ``seed``); raises ``InputError``."""
    request = parse_search_request(payload)
    return {"tags": list(request.tags), "duration": request.duration, "seed": request.seed}


def _search(studio: pipeline.Studio) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        request = SearchRequest(tags=tuple(job.params["tags"]), duration=int(job.params["duration"]),
                                seed=job.params.get("seed"))

        def progress(stage: str, done: int, total: int) -> None:
            context.progress(stage, done, total, pipeline.overall_fraction(stage, done, total))

        try:
            return runs.publish(studio.search(request, progress=progress, should_stop=context.should_stop))
        except pipeline.SearchCancelled as exc:
            raise JobCancelled(str(exc)) from None

    return handle


#: Job kind → how its params are read from a request body.
PARAMS = {"search": search_params}


def check_params(kind: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised params of a ``kind`` job; raises ``UnknownKind`` or ``InputError``."""
    if kind not in PARAMS:
        raise UnknownKind(f"kind: must be one of {', '.join(sorted(PARAMS))}, not {kind!r}")
    return PARAMS[kind](payload)


def handlers(studio: pipeline.Studio) -> dict[str, Handler]:
    """Every kind's handler, bound to this process's studio."""
    return {"search": _search(studio)}
