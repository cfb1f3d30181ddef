"""Runtime and log (SD7xx) checks: pure functions of a RuntimeContext, what the Hub reports."""
