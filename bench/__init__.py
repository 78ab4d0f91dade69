"""Benchmarks: see the README's Benchmarks section."""
