# ruff: noqa: F811  (pytest fixtures imported from review_fixtures, then requested by name)
"""Against the real server over HTTP on 127.0.0.1 (subprocess): 50 concurrent reviews, SIGKILL."""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from liveproc import AppProcess, call
from review_fixtures import people, pg_schema, sqlite_store, store, wired  # noqa: F401 (fixtures)

IND = ["p_fiw_d4", "p_sm_monitoring", "e_filtering", "e_fiw_d1", "s_fiw_e1", "s_fiw_e2", "a_internet_users"]
USERS = [("rita", "reviewer"), ("remy", "reviewer"), ("lena", "lead")]


def review(i: int) -> dict:
    return {"country": ["COL", "LBN", "MOZ", "UZB", "IDN"][i % 5], "year": 2021, "indicator": IND[i % len(IND)],
            "status": "confirmed", "comment": f"checked against the source, post {i}"}


def make_server(tmp_path, database_url=None) -> AppProcess:
    from dashboard.review.auth import add_user
    from dashboard.review.store import Store, default_url
    store = Store(database_url or default_url(tmp_path / "instance"))
    for name, role in USERS:
        add_user(store, name, role, f"{name}-password")
    store.dispose()
    return AppProcess(tmp_path / "instance", database_url)


def post_concurrently(server: AppProcess, n: int = 50, threads: int = 10):
    barrier = threading.Barrier(threads)

    def worker(k: int):
        barrier.wait()
        out = []
        for i in range(k, n, threads):
            name = USERS[i % len(USERS)][0]
            out.append(call(server.url + "/api/v1/reviews", "POST", review(i), (name, f"{name}-password")))
        return out

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = [r for chunk in pool.map(worker, range(threads)) for r in chunk]
    return results, time.perf_counter() - start


def check_fifty(server: AppProcess):
    status, _ = call(server.url + "/api/v1/reviews/progress?country=COL&year=2021", user=("rita", "rita-password"))
    assert status == 200  # warm: the first request loads the data and scores
    results, seconds = post_concurrently(server)
    assert [s for s, _ in results] == [201] * 50, [b for s, b in results if s != 201][:3]
    status, events = call(server.url + "/api/v1/events?limit=5000", user=("lena", "lena-password"))
    assert status == 200
    review_events = [e["id"] for e in events if e["action"] == "review.confirmed"]
    ids = sorted(b["event_id"] for _, b in results)
    assert ids == review_events == list(range(ids[0], ids[0] + 50)), "event ids must be consecutive"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    status, listed = call(server.url + "/api/v1/reviews", user=("rita", "rita-password"))
    assert len(listed) == 50 and {r["id"] for r in listed} == {b["id"] for _, b in results}
    print(f"\n50 concurrent POST /api/v1/reviews (10 threads): {seconds:.2f} s")
    return seconds


def test_fifty_concurrent_reviews_sqlite(tmp_path):
    server = make_server(tmp_path).start()
    try:
        check_fifty(server)
    finally:
        server.stop()


def test_fifty_concurrent_reviews_postgres(tmp_path, pg_schema):
    server = make_server(tmp_path, pg_schema).start()
    try:
        check_fifty(server)
    finally:
        server.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_loses_no_committed_review(tmp_path, request, backend):
    url = request.getfixturevalue("pg_schema") if backend == "postgresql" else None
    server = make_server(tmp_path, url).start()
    accepted: list[int] = []
    stop = threading.Event()

    def writer(k: int):
        i = k
        while not stop.is_set():
            try:
                status, body = call(server.url + "/api/v1/reviews", "POST", review(i), ("rita", "rita-password"),
                                    timeout=5)
            except (OSError, http.client.HTTPException):  # the server died under us (refused, reset, or
                return                                        # cut mid-response): never confirmed
            if status == 201:
                accepted.append(body["id"])
            i += 4

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(accepted) < 25 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()  # mid-run: writers are still posting
    stop.set()
    for t in threads:
        t.join(10)
    assert len(accepted) >= 25

    again = AppProcess(tmp_path / "instance", url).start()  # same DB file / database
    try:
        status, listed = call(again.url + "/api/v1/reviews", user=("rita", "rita-password"))
        assert status == 200
        stored = {r["id"] for r in listed}
        assert set(accepted) <= stored, f"lost after SIGKILL: {sorted(set(accepted) - stored)}"
        print(f"\nSIGKILL ({backend}): {len(accepted)} reviews answered 201, all {len(accepted)} stored "
              f"({len(stored) - len(accepted)} committed but unanswered)")
        status, events = call(again.url + "/api/v1/events?limit=5000", user=("lena", "lena-password"))
        assert [e["id"] for e in events] == list(range(1, len(events) + 1))
        # and the store still takes writes
        assert call(again.url + "/api/v1/reviews", "POST", review(1), ("remy", "remy-password"))[0] == 201
    finally:
        again.stop()


def test_accepted_correction_reaches_api_and_exports_on_every_worker(tmp_path):
    """Two server processes on one store: a lead accepts on one; both serve the corrected value."""
    import csv
    import io
    a = make_server(tmp_path).start()
    b = AppProcess(tmp_path / "instance").start()
    try:
        def fiw(server):
            status, body = call(server.url + "/api/v1/countries/COL?year=2021")
            assert status == 200
            return next(i for p in body["pillars"] for i in p["items"] if i["indicator"] == "p_fiw_d4")

        assert fiw(b)["value"] == 3.0 and not fiw(b)["corrected"]
        status, r = call(a.url + "/api/v1/reviews", "POST", {
            "country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": "disputed", "comment": "FH report",
            "proposed_value": 1, "source": "https://freedomhouse.org"}, ("rita", "rita-password"))
        assert status == 201
        time.sleep(2.5)
        assert fiw(b)["value"] == 3.0, "a proposal changes nothing"
        cid = r["correction"]["id"]
        assert call(a.url + f"/api/v1/corrections/{cid}/accept", "POST", {}, ("lena", "lena-password"))[0] == 200
        # both workers keep serving the previous value while they recompute in the background, then switch
        assert fiw(a)["value"] in (3.0, 1.0)
        deadline = time.monotonic() + 240
        while (fiw(a)["value"] != 1.0 or fiw(b)["value"] != 1.0) and time.monotonic() < deadline:
            time.sleep(1)
        shown = "Panel member 1 (accepted by Panel member 3)"  # rita and lena are accounts 1 and 3
        assert fiw(a)["correction"]["author"] == shown
        item = fiw(b)
        assert item["value"] == 1.0 and item["correction"]["source"] == "https://freedomhouse.org"
        assert item["correction"]["original_value"] == 3.0
        status, text = call(b.url + "/download/scores.csv?year=2021&country=COL&level=indicator")
        assert status == 200
        rows = [row for row in csv.DictReader(io.StringIO(text)) if row.get("indicator") == "p_fiw_d4"]
        assert rows and rows[0]["correction_author"] == shown, rows[:1]
        assert "rita" not in text and "lena" not in text, "account names are never public"
    finally:
        a.stop()
        b.stop()
