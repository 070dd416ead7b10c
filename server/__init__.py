"""deftly's process: settings, storage, embeddings, the extraction worker, the MCP app and the CLI."""
