"""The append-only audit log of HR's actions (DESIGN.md "Privacy rules")."""
