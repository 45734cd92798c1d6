"""presidium: a text-adventure simulation of the June 1957 "Anti-Party Group" crisis.

The engine (``presidium.engine``) is pure: it never prints, reads input, looks at a clock or
touches global random state. Front ends render the events it returns.
"""

__version__ = "0.1.0"
