from flask import Flask
from prometheus_client import Gauge

app = Flask(__name__)
QUEUE = Gauge("jobs_queued", "Jobs waiting")
