"""Fixtures for the web layer's tests."""
from __future__ import annotations

import time

import pytest


@pytest.fixture(scope="session")
def wait_job():
    """``wait_job(client, key, job_id, timeout=180)``: poll ``/api/jobs/<id>`` until the job ends; its JSON."""
    def wait(client, key, job_id, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = client.get(f"/api/jobs/{job_id}", headers={"X-API-Key": key}).get_json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {job['status']}")

    return wait
