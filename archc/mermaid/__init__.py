"""The Mermaid flowchart language: syntax tree (`syntax`), parser (`parser`), writer (`writer`) and
the Markdown blocks that carry diagrams (`markdown`).

Below both the emitters (which write flowcharts) and the importers (which read them): this package
imports nothing else of archc.
"""
