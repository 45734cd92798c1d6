"""Front ends. The only package that imports ``rich``."""
