"""One module per sample market: how its pages look (all share the World behind them)."""
