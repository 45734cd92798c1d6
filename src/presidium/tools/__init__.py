"""Authoring tools: validate, check, graph, schema and new. None of them imports ``rich``."""
