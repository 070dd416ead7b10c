"""``deftly bench``: the leave-runs-out retrieval and extraction benchmark on labelled agent runs.

Loading the data sets (``data``), reading a run as the bench sees it (``transcript``), the quality
figures (``metrics``), running deftly and the raw-trace baselines (``retrieval``) and the report
(``report``). Part of the command line: it may import everything the CLI may.
"""
