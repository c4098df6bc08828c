"""Importers: read what exists (Mermaid flowcharts) into an `Architecture`: type inference and the model file it writes."""
