"""From bytes to parsed results: sources, capture (clean, split, recognise), parsers, bundle."""
