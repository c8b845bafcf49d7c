"""Redaction: stable placeholders for hosts, domains, addresses, users; redacted copies of a bundle."""
