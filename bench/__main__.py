"""`python -m bench`: run every case and write bench/results.md and bench/results.png."""

from bench.run import main

main()
