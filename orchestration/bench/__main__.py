"""`make bench` (python -m orchestration.bench)."""
from orchestration.bench import app

app()
