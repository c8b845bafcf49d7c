"""Training: lessons and practice exercises with questions checked against an answer key."""
