"""The bundled scenarios. Installed as ``presidium.scenarios`` so they ship with the package."""
