"""Package data: services.toml, the service catalogue read by ucnb.knowledge.catalogue."""
