"""Console tests run the real app (API factory + mounted console) on a migrated database per test."""
