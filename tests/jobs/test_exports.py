"""The job package's public face is what __all__ says, and nothing private leaks into it."""
import jobs


def test_all_names_exist_and_are_public():
    assert sorted(jobs.__all__) == jobs.__all__
    for name in jobs.__all__:
        assert not name.startswith("_") and getattr(jobs, name) is not None
    for error in (jobs.QueueFull, jobs.JobNotFound, jobs.BrokerUnavailable, jobs.UnknownKind):
        assert issubclass(error, jobs.JobError)
    assert [s.value for s in jobs.JobStatus] == ["queued", "running", "succeeded", "failed", "cancelled"]
