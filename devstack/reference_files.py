"""Where the bundled reference descriptions live (Graph OpenAPI subset, card and manifest schemas)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent / "reference"
GRAPH_OPENAPI = ROOT / "graph" / "graph-v1.0-subset.openapi.yaml"
GRAPH_BATCH_SCHEMA = ROOT / "graph" / "json-batching.schema.json"
GRAPH_EXAMPLES = ROOT / "graph" / "examples"
CARD_SCHEMA = ROOT / "adaptivecards" / "adaptive-card-1.5.0.schema.json"
MANIFEST_SCHEMA = ROOT / "teams" / "teams-app-manifest-v1.22.schema.json"
