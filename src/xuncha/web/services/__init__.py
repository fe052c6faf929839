"""The office's operations, written once and used by both the pages and the JSON API.

Services take a database session and plain values, call the engine modules (screening, teams,
comparison) for any analysis, and never render anything."""
