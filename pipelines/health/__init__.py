"""Crawl health: after each run, its stats against the market's recent complete runs.

- `checks`: pure functions (this run's stats, earlier runs' stats, thresholds) -> alerts;
- `fields`: the per-field fill counts the fill-rate check reads (an item pipeline);
- `monitors`: the checks as a Spidermon monitor suite, run when the spider closes;
- `sinks`: where alerts go besides the log and the run record (a webhook, e-mail over SMTP).
"""
