"""`python -m ucnb.app`: serve the workbench (see `ucnb.app.serve`)."""

from ucnb.app.serve import main

raise SystemExit(main())
