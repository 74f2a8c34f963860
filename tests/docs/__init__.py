"""Tests of the documentation: README.md, CONTRIBUTING.md and docs/."""
