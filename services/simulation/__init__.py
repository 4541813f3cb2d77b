"""A realistic complaint history, made through the ledger with a simulated clock (`aduan
simulate`): for demos, dashboards and benchmarks."""
