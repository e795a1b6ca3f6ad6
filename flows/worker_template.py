"""What a local Dask worker has done before its first task, done once in the process its
workers fork from (`flows.commands.start_dask_worker_template` preloads this module):
import the flow's modules (its tasks live in `flows.pipeline`) and pandas (pyarrow
imports it at a batch's first table, ~0.5 s), and find Prefect's collections (Prefect
scans the installed packages' entry points when it hydrates a worker's first task run,
and keeps what it found for the process).

Importing this module does that work; nothing else imports it.
"""

import pandas  # noqa: F401
from prefect.plugins import load_prefect_collections

import flows.pipeline  # noqa: F401

load_prefect_collections()
