"""Benchmarks of oai-usage against the official openai SDK and a raw-httpx floor, over the sandbox server.

Run `python -m bench` (about 3-4 minutes); results go to bench/results.md and bench/results.png.
"""
