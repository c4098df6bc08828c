"""Importers: read existing diagrams (Mermaid flowcharts) into archc structures."""
