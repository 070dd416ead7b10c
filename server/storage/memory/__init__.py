"""find_procedure's reads kept in memory: the vector arm's arithmetic (``arms``), the keyword arm's BM25
(``keywords``), and the home's search snapshot a fresh server answers its first finds from before LanceDB
is imported (``snapshot``; written by ``snapshot_write``). Only ``snapshot_write`` imports LanceDB."""
