"""One module per area of the office's work; each defines ``router`` (pages and /api/v1 endpoints)."""
