"""Applications (DESIGN.md "Taking part by choice"): HR opens a cohort for applications with its
own questions, people apply, HR approves, declines or wait-lists. Part of the core: it imports
only accounts, mentoring/lib and the rest of the core."""
