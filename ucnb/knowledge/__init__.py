"""What the kit knows about UC services: the catalogue (data/services.toml), process matching, defects."""
