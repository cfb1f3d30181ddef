"""Live (SD6xx) checks: pure functions of a LiveContext, the responses of one probe run."""
