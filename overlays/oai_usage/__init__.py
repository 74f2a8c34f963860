"""oai_usage: a typed client for the OpenAI organization Usage and Costs APIs."""

__version__ = "0.1.0"
