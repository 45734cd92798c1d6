"""The classroom: several people in one game (sessions, handouts, the teacher's console)."""
