"""The crawl scheduler: markets' cron slots (`slots`), what the index says was served
(`history`), the decisions with an injectable clock and launcher (`core`), and the daemon
that runs real crawls (`daemon`, behind `vigil schedule run`)."""
