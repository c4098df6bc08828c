"""The architecture model: pydantic types, YAML loading with source positions, the graph view."""
