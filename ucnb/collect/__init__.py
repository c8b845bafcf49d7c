"""`ucnb collect`: a bundle from live UC nodes over SSH, read-only (plan, SSH session, options)."""
