"""The app as it is deployed: served by real gunicorn (gunicorn.conf.py) with a `manage.py qcluster` worker, it
installs on the emulated store, makes a video and publishes it; no access log line shows a secret; /readyz
goes 503, naming the broker, when Redis stops."""

from __future__ import annotations

import sys
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.deploy.conftest import app_env, free_port, start, start_gunicorn, start_qcluster, wait_until
from tests.jobs.fixtures import add_product, photo_bytes, videos_on

SHOP = "deploy-test.myshopify.com"


def _install_through(web: str, client: httpx.Client) -> str:
    """The merchant installs from outside the admin: /auth/install -> Shopify's grant screen -> /auth/callback.
    Returns the callback URL Shopify sent the browser to (it carries code, hmac and state)."""
    start_page = client.get(f"{web}/auth/install", params={"shop": SHOP})
    assert start_page.status_code == 302, start_page.text
    grant = httpx.get(start_page.headers["Location"], timeout=10)  # the emulated grant screen approves
    assert grant.status_code == 302, grant.text
    callback = grant.headers["Location"]
    assert callback.startswith(f"{web}/auth/callback?")
    done = client.get(callback)
    assert done.status_code == 302, done.text
    return callback


def _job(web: str, job_id: str, auth: dict[str, str]) -> dict:
    return httpx.get(f"{web}/api/jobs/{job_id}", headers=auth, timeout=10).json()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_served_by_gunicorn_it_installs_makes_and_publishes_a_video(settings, shopify_emulator, fake_cdn, processes,
                                                                   tmp_path):
    from shopify_app.models import Shop

    # Given the app served by gunicorn with one worker process, and a product with two photos on the store
    port = free_port()
    web = f"http://127.0.0.1:{port}"
    previous_app_url, shopify_emulator.app_url = shopify_emulator.app_url, web
    env = app_env(settings, SHOPIFY_APP_URL=web, LOG_LEVEL="INFO", SHOWREEL_WORKER_HEARTBEAT_MAX_AGE_S="300")
    try:
        start_gunicorn(processes, env, tmp_path / "gunicorn.log", port=port)
        start_qcluster(processes, env | {"Q_WORKERS": "1"}, tmp_path / "qcluster.log")
        client = httpx.Client(timeout=10)
        # When the merchant installs it
        callback = _install_through(web, client)
        assert Shop.objects.get(domain=SHOP).is_installed
        photos = [fake_cdn.add(f"deploy-{i}.png", photo_bytes(40 + i)) for i in range(2)]
        product = add_product(shopify_emulator, "Deploy Mug", photos, domain=SHOP)
        # and opens the embedded app, asks for a video, and publishes it when it is ready
        admin_query = urlencode(shopify_emulator.signed_query(SHOP))
        assert client.get(f"{web}/app/?{admin_query}").status_code == 200
        auth = {"Authorization": f"Bearer {shopify_emulator.session_token(SHOP)}"}
        made = httpx.post(f"{web}/api/jobs", json={"product_id": product, "duration": 2, "music": "none"},
                          headers=auth, timeout=10)
        assert made.status_code == 201, made.text
        job_id = made.json()["id"]
        wait_until(lambda: _job(web, job_id, auth)["status"] in ("ready", "failed"), 90, "the job",
                   tmp_path / "qcluster.log")
        ready = _job(web, job_id, auth)
        assert (ready["status"], ready["published"]) == ("ready", False), ready  # a new shop publishes by hand
        assert httpx.post(f"{web}/api/jobs/{job_id}/publish", headers=auth, timeout=10).status_code == 200
        wait_until(lambda: _job(web, job_id, auth)["published"], 60, "publishing", tmp_path / "qcluster.log")
        # Then the video is on the product, and its preview link plays from the web process
        assert len(videos_on(shopify_emulator, product, domain=SHOP)) == 1
        preview = httpx.get(_job(web, job_id, auth)["video_url"], timeout=10)
        assert preview.status_code == 200 and preview.content[4:8] == b"ftyp"
        # and the deployment reports ready: database, broker, storage, and a worker seen running the sweep
        wait_until(lambda: httpx.get(f"{web}/readyz", timeout=10).status_code == 200, 60, "/readyz",
                   tmp_path / "gunicorn.log")
        assert httpx.get(f"{web}/readyz", timeout=10).json()["checks"] == {
            "database": "ok", "broker": "ok", "storage": "ok", "workers": "ok"}
    finally:
        shopify_emulator.app_url = previous_app_url
        for proc in processes:
            proc.stop()

    # And gunicorn's access log has every request, with none of the secrets Shopify put in their URLs
    log = (tmp_path / "gunicorn.log").read_text()
    secrets = {name: values[0] for name, values in parse_qs(urlsplit(callback).query).items()
               if name in ("code", "hmac", "state")}
    secrets |= {name: value for name, value in shopify_emulator.signed_query(SHOP) if name in ("id_token", "hmac")}
    assert '"GET /auth/callback?' in log and '"GET /app/?' in log and '"POST /api/jobs' in log
    assert "code=[redacted]" in log and "hmac=[redacted]" in log and "id_token=[redacted]" in log
    for name, value in secrets.items():
        assert value not in log, f"{name} appears in gunicorn's log"
    assert auth["Authorization"].split()[1] not in log


@pytest.mark.django_db(transaction=True)
def test_runserver_request_lines_hide_shopify_secrets(settings, processes, tmp_path):
    # Given Django's development server (its request lines are the django.server logger's)
    port = free_port()
    server = start([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], tmp_path / "runserver.log",
                   app_env(settings, LOG_LEVEL="INFO"))
    processes.append(server)
    wait_until(lambda: httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200, 30, "runserver",
               server.log)
    # When a request carries a session token, an OAuth code, an HMAC and an access token
    query = "shop=a.myshopify.com&id_token=eyJhbGciOi.eyJzZWNyZXQ.c2lnbmF0dXJl&code=c0de5ecret&hmac=4a11ce&x=shpat_0abc123"
    httpx.get(f"http://127.0.0.1:{port}/healthz?{query}", timeout=10)
    time.sleep(0.3)
    server.stop()
    # Then its line is logged, with every one of them masked
    lines = [line for line in server.output().splitlines() if "/healthz?" in line]
    assert lines, server.output()[-2000:]
    for secret in ("eyJhbGciOi.eyJzZWNyZXQ.c2lnbmF0dXJl", "c0de5ecret", "4a11ce", "0abc123"):
        assert secret not in server.output()


@pytest.mark.django_db(transaction=True)
def test_readyz_goes_503_naming_the_broker_when_redis_stops(settings, redis_server, processes, tmp_path):
    # Given the web process on the Redis broker (the worker heartbeat is another test's subject)
    env = app_env(settings, REDIS_URL=redis_server.url, SHOWREEL_WORKER_HEARTBEAT_MAX_AGE_S="0")
    web = start_gunicorn(processes, env, tmp_path / "gunicorn.log")
    ready = httpx.get(f"{web.url}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    # When the broker stops
    redis_server.stop()
    # Then /readyz answers 503 and names the broker as the part that fails, while /healthz still answers
    answer = httpx.get(f"{web.url}/readyz", timeout=15)
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["broker"] and answer.json()["checks"]["database"] == "ok"
    assert httpx.get(f"{web.url}/healthz", timeout=5).status_code == 200
