"""Writes of the programme domain: programmes and cohorts, enrolments, invitations."""
