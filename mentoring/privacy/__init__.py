"""Privacy obligations (DESIGN.md "Privacy rules"): download, erasure, retention, transparency.

The core owns the orchestration; every app registers its own part (what it exports, erases and
purges) with :mod:`mentoring.privacy.registry`, so the core never imports the apps above it."""
