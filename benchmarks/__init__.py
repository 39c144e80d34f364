"""Speed and size figures, printed by scripts run by hand (never asserted in tests).

    python -m benchmarks.map       rerun time and map payload for curated and synthetic events
    python -m benchmarks.export    PNG/PDF/HTML/GeoJSON/CSV export times and sizes
    python -m benchmarks.imports   10k / 100k / 1M imported rows: the store against GeoJSON files

:mod:`benchmarks.synthetic` makes the synthetic events and ACLED-shaped files they use.
"""
