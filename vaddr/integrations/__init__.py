"""Adapters to data tools (pandas, Ray Data, Spark); each imports its tool only when used (optional extras)."""
