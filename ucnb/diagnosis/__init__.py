"""The seed's walk as typed findings: diagnose, remedy, urgency, trend and PID headroom, verify."""
