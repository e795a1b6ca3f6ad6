"""Prefect 3 flows over `cleaners`: discover → read → clean in batches → write Parquet.

Nothing imports `flows`; the CLI reaches it through `flows.commands`.
"""
