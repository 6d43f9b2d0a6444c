"""Background job runner (the Procfile's worker process): pops jobs from Redis."""
import json
import os
import time

import redis
from prometheus_client import Counter, Gauge

JOBS_DONE = Counter("demo_jobs_processed_total", "Jobs processed", ["kind"])
QUEUE_DEPTH = Gauge(
    "demo_jobs_queued",
    "Jobs waiting in the Redis queue",
    multiprocess_mode="livesumm",
)


def main():
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    while True:
        QUEUE_DEPTH.set(client.llen("demo:jobs"))
        item = client.blpop("demo:jobs", timeout=5)
        if item is None:
            continue
        job = json.loads(item[1])
        time.sleep(job.get("seconds", 0))
        JOBS_DONE.labels(job.get("kind", "unknown")).inc()


if __name__ == "__main__":
    main()
