"""Video jobs: from the Generate button to a READY video on the product, exactly once.

- `models`: `VideoJob`, `JobBatch`, the credit ledger (`CreditAccount`, `CreditEntry`), `ShopSettings`.
- `services` (writes) and `selectors` (reads): what the API and the webhooks call.
- `pipeline.run_job(job_id)`: claims a job with a lease and runs its stages, skipping those already done.
- `tasks`: the django-q2 entry points (they only take the job id) and the periodic sweep.
"""
