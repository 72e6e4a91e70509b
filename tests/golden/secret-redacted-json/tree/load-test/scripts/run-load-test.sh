#!/bin/sh
# Runs the load test against the sandbox stage.
export DATABASE_URL=postgres://app:Xk29fLq83vPzR7tW@db.internal:5432/app
export REPORT_URL=https://reports.internal/upload
API_KEY=Jd83kLx92PqzW7vR5tYb # goosec:allow-secret
exec goose-run load build/plans/loadtest.plan
